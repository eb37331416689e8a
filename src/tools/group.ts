// `eddy group list|describe|reset-offsets|delete`: consumer groups as kafka-consumer-groups.sh shows and changes
// them. Offsets are reset only while the group is empty (Kafka's rule: a live member would overwrite them). A group
// of the consumer protocol (KIP-848) is described with ConsumerGroupDescribe, as Kafka's admin client does; a classic
// group (which that API does not know: GROUP_ID_NOT_FOUND) or a broker without it falls back to DescribeGroups.
import type { DescribeGroupsResponseDescribedGroupMember } from '../../codecs/generated/DescribeGroupsResponse';
import { assignedPartitionsOf } from '../groups/consumer-protocol';
import { ErrorCode } from '../../codecs/protocol/errors';
import { Apis } from '../client/apis';
import { checkErrorCode, ClientProtocolError, KafkaResponseError } from '../client/errors';
import { commitOffsets, committedOffsets, describeGroup } from '../client/groups';
import type { KafkaClient } from '../client/kafka-client';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, partitionOf, topicLayout } from '../client/topics';
import type { ToolArgs } from './args';
import { withClient } from './connect';
import { parseTime } from './consume';
import { renderTable, toJson, UsageError, writeOut } from './tool-io';

export async function listGroups(args: ToolArgs): Promise<void> {
  await withClient(args, async (client) => {
    await client.metadata([]);
    const answers = await Promise.all(client.knownNodes().map((node) => client.send(Apis.ListGroups, () => ({}), node)));
    const groups = answers
      .flatMap((answer) => {
        checkErrorCode(answer.errorCode, 'ListGroups');
        return answer.groups;
      })
      .map((g) => ({ group: g.groupId, type: g.groupType || null, state: g.groupState || null, protocolType: g.protocolType }))
      .sort((a, b) => a.group.localeCompare(b.group));
    await writeOut(
      args.json
        ? toJson(groups) + '\n'
        : renderTable(
            ['group', 'type', 'state', 'protocol-type'],
            groups.map((g) => [g.group, g.type, g.state, g.protocolType]),
          ),
    );
  });
}

interface MemberView {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
  readonly assignment: { topic: string; partitions: number[] }[];
}

/** A classic consumer member's assignment (the consumer protocol's bytes); other protocols' members have none. */
function memberView(member: DescribeGroupsResponseDescribedGroupMember, protocolType: string): MemberView {
  const assignment = protocolType === 'consumer' ? assignedPartitionsOf(member.memberAssignment) : [];
  return { memberId: member.memberId, clientId: member.clientId, host: member.clientHost, assignment };
}

/** A group as the commands show it, whichever protocol it speaks. */
interface GroupView {
  /** 'consumer' for KIP-848 groups, 'classic' for JoinGroup/SyncGroup ones. */
  readonly type: 'consumer' | 'classic';
  readonly state: string;
  readonly protocolType: string;
  /** The classic group's chosen protocol (the assignor), or the consumer group's server assignor. */
  readonly protocol: string;
  readonly members: readonly MemberView[];
}

/** ConsumerGroupDescribe for a KIP-848 group; null when the group is not one (or the broker lacks the API). */
async function describeConsumerGroup(client: KafkaClient, coordinator: number, group: string): Promise<GroupView | null> {
  try {
    await client.versionFor(Apis.ConsumerGroupDescribe, coordinator);
  } catch (err) {
    if (err instanceof ClientProtocolError) return null;
    throw err;
  }
  return client.withRetries(async () => {
    const answer = await client.send(Apis.ConsumerGroupDescribe, () => ({ groupIds: [group], includeAuthorizedOperations: false }), coordinator);
    const found = answer.groups.find((g) => g.groupId === group) ?? answer.groups[0];
    if (found === undefined || found.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) return null;
    checkErrorCode(found.errorCode, `group '${group}'`, found.errorMessage);
    const members = found.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: m.assignment.topicPartitions.map((t) => ({ topic: t.topicName, partitions: [...t.partitions].sort((a, b) => a - b) })),
    }));
    return { type: 'consumer', state: found.groupState, protocolType: 'consumer', protocol: found.assignorName, members };
  });
}

async function describeAnyGroup(client: KafkaClient, coordinator: number, group: string): Promise<GroupView> {
  const consumerGroup = await describeConsumerGroup(client, coordinator, group);
  if (consumerGroup !== null) return consumerGroup;
  const described = await describeGroup(client, coordinator, group);
  const members = described.members.map((m) => memberView(m, described.protocolType));
  return { type: 'classic', state: described.groupState, protocolType: described.protocolType, protocol: described.protocolData, members };
}

export interface OffsetRow {
  readonly topic: string;
  readonly partition: number;
  readonly currentOffset: bigint | null;
  readonly logEndOffset: bigint;
  readonly lag: bigint | null;
  readonly memberId: string | null;
}

async function offsetRows(client: KafkaClient, group: string, coordinator: number, members: readonly MemberView[]): Promise<OffsetRow[]> {
  const committed = await committedOffsets(client, coordinator, group, null);
  const owner = new Map<string, string>();
  for (const m of members) for (const a of m.assignment) for (const p of a.partitions) owner.set(`${a.topic}\0${p}`, m.memberId);
  const topics = new Set([...committed.keys(), ...members.flatMap((m) => m.assignment.map((a) => a.topic))]);
  const rows: OffsetRow[] = [];
  for (const topic of [...topics].sort()) {
    const layout = await topicLayout(client, topic);
    const ends = await listOffsets(client, layout, layout.partitions, LATEST_TIMESTAMP);
    for (const p of layout.partitions) {
      const current = committed.get(topic)?.get(p.partition) ?? null;
      const memberId = owner.get(`${topic}\0${p.partition}`) ?? null;
      if (current === null && memberId === null) continue;
      const end = ends.get(p.partition) ?? 0n;
      rows.push({ topic, partition: p.partition, currentOffset: current, logEndOffset: end, lag: current === null ? null : end - current, memberId });
    }
  }
  return rows;
}

export async function describeGroupCommand(args: ToolArgs): Promise<void> {
  const group = args.requiredString('group');
  await withClient(args, async (client) => {
    const coordinator = await client.groupCoordinator(group);
    const described = await describeAnyGroup(client, coordinator, group);
    const members = described.members;
    const offsets = await offsetRows(client, group, coordinator, members);
    if (args.json) {
      const shape = {
        group,
        type: described.type,
        state: described.state,
        protocolType: described.protocolType,
        protocol: described.protocol,
        members,
        offsets,
      };
      await writeOut(toJson(shape) + '\n');
      return;
    }
    const byId = new Map(members.map((m) => [m.memberId, m]));
    const head =
      members.length === 0
        ? `Consumer group '${group}' has no active members (state ${described.state}).\n\n`
        : `Consumer group '${group}' is ${described.state} with ${members.length} member(s).\n\n`;
    const rows = offsets.map((r) => {
      const m = r.memberId === null ? undefined : byId.get(r.memberId);
      return [group, r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, m?.memberId ?? null, m?.host ?? null, m?.clientId ?? null];
    });
    await writeOut(head + renderTable(['group', 'topic', 'partition', 'current-offset', 'log-end-offset', 'lag', 'consumer-id', 'host', 'client-id'], rows));
  });
}

type ResetTarget = { readonly kind: 'timestamp'; readonly timestamp: bigint } | { readonly kind: 'offset'; readonly offset: bigint };

function resetTarget(args: ToolArgs): ResetTarget {
  const chosen: ResetTarget[] = [];
  if (args.flag('to-earliest')) chosen.push({ kind: 'timestamp', timestamp: EARLIEST_TIMESTAMP });
  if (args.flag('to-latest')) chosen.push({ kind: 'timestamp', timestamp: LATEST_TIMESTAMP });
  const offset = args.string('to-offset');
  if (offset !== undefined) {
    if (!/^\d+$/.test(offset)) throw new UsageError(`--to-offset must be an offset (a whole number of at least 0), got "${offset}"`);
    chosen.push({ kind: 'offset', offset: BigInt(offset) });
  }
  const datetime = args.string('to-datetime');
  if (datetime !== undefined) chosen.push({ kind: 'timestamp', timestamp: parseTime(datetime, '--to-datetime') });
  if (chosen.length !== 1) throw new UsageError('say where to reset to with exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime');
  return chosen[0];
}

/** "orders" (every partition) or "orders:0,2", as kafka-consumer-groups.sh's --topic takes. */
export function parseTopicPartitions(text: string): { topic: string; partitions: number[] | null } {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { topic: text, partitions: null };
  const partitions = text
    .slice(colon + 1)
    .split(',')
    .map((s) => {
      if (!/^\d+$/.test(s)) throw new UsageError(`--topic takes topic or topic:partition,partition, got "${text}"`);
      return Number(s);
    });
  return { topic: text.slice(0, colon), partitions };
}

export interface ResetRow {
  readonly topic: string;
  readonly partition: number;
  readonly previousOffset: bigint | null;
  readonly newOffset: bigint;
}

async function plannedResets(client: KafkaClient, coordinator: number, group: string, asked: string[], target: ResetTarget): Promise<ResetRow[]> {
  const committed = await committedOffsets(client, coordinator, group, null);
  const specs = asked.length > 0 ? asked.map(parseTopicPartitions) : [...committed.keys()].sort().map((topic) => ({ topic, partitions: null }));
  if (specs.length === 0) throw new UsageError(`group '${group}' has no committed offsets: say which topics to reset with --topic`);
  const rows: ResetRow[] = [];
  for (const spec of specs) {
    const layout = await topicLayout(client, spec.topic);
    const partitions = (spec.partitions ?? layout.partitions.map((p) => p.partition)).map((p) => partitionOf(layout, p));
    const earliest = await listOffsets(client, layout, partitions, EARLIEST_TIMESTAMP);
    const latest = await listOffsets(client, layout, partitions, LATEST_TIMESTAMP);
    const found = target.kind === 'timestamp' ? await listOffsets(client, layout, partitions, target.timestamp) : null;
    for (const { partition } of partitions) {
      const low = earliest.get(partition) ?? 0n;
      const high = latest.get(partition) ?? 0n;
      const wanted = found === null ? (target as { offset: bigint }).offset : (found.get(partition) ?? -1n);
      const newOffset = wanted < 0n ? high : wanted < low ? low : wanted > high ? high : wanted;
      rows.push({ topic: spec.topic, partition, previousOffset: committed.get(spec.topic)?.get(partition) ?? null, newOffset });
    }
  }
  return rows;
}

export async function resetGroupOffsets(args: ToolArgs): Promise<void> {
  const group = args.requiredString('group');
  const target = resetTarget(args);
  const dryRun = args.flag('dry-run');
  await withClient(args, async (client) => {
    const coordinator = await client.groupCoordinator(group);
    const described = await describeAnyGroup(client, coordinator, group);
    if (described.state !== 'Empty' && described.state !== 'Dead') {
      throw new KafkaResponseError(
        ErrorCode.NON_EMPTY_GROUP,
        `group '${group}'`,
        `offsets can only be reset while the group is inactive, but its state is ${described.state}`,
      );
    }
    const rows = await plannedResets(client, coordinator, group, args.strings('topic'), target);
    if (!dryRun) {
      for (const topic of new Set(rows.map((r) => r.topic))) {
        const offsets = new Map(rows.filter((r) => r.topic === topic).map((r) => [r.partition, r.newOffset]));
        await commitOffsets(client, coordinator, group, topic, offsets);
      }
    }
    await writeOut(
      args.json
        ? toJson({ group, dryRun, offsets: rows }) + '\n'
        : renderTable(
            ['group', 'topic', 'partition', 'previous-offset', 'new-offset'],
            rows.map((r) => [group, r.topic, r.partition, r.previousOffset, r.newOffset]),
          ) + (dryRun ? '(dry run: nothing committed)\n' : ''),
    );
  });
}

export async function deleteGroups(args: ToolArgs): Promise<void> {
  const groups = args.strings('groups');
  await withClient(args, async (client) => {
    for (const group of groups) {
      const coordinator = await client.groupCoordinator(group);
      const answer = await client.send(Apis.DeleteGroups, () => ({ groupsNames: [group] }), coordinator);
      const result = answer.results.find((r) => r.groupId === group);
      checkErrorCode(result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `group '${group}'`);
    }
    await writeOut(args.json ? toJson(groups.map((group) => ({ group, deleted: true }))) + '\n' : groups.map((g) => `Deleted group ${g}.\n`).join(''));
  });
}
