// `eddy consume <topic>`: prints a topic's records from a chosen start (earliest by default, latest, an offset, a
// time, or a group's committed offsets) up to the end offsets seen at start, then exits; --follow keeps waiting for
// new records until Ctrl-C, --max stops after N. With --group, the tool joins the group as a consumer, with the
// protocol --group-protocol names (KIP-848's ConsumerGroupHeartbeat, client/group-member.ts, or the classic
// JoinGroup/SyncGroup, client/classic-group-member.ts; by default the first when the broker serves it): it reads
// the partitions it is assigned, from the group's committed offsets, commits what it read of a partition before
// giving it up and all of it when it stops, and leaves the group.
import type { ConsumedRecord } from '../client/fetcher';
import { TopicFetcher } from '../client/fetcher';
import type { Assignment, ConsumerGroupMember } from '../client/group-member';
import { GROUP_PROTOCOLS, joinConsumerGroup, type GroupProtocol } from '../client/group-join';
import { commitOffsets, committedOffsets } from '../client/groups';
import type { KafkaClient } from '../client/kafka-client';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, partitionOf, topicLayout, type TopicLayout } from '../client/topics';
import type { ToolArgs } from './args';
import { withClient } from './connect';
import { startProgress, toJson, UsageError, writeOut } from './tool-io';

export type StartPoint = { readonly kind: 'offset'; readonly offset: bigint } | { readonly kind: 'timestamp'; readonly timestamp: bigint };

/** --offset: earliest/beginning, latest/end, or a non-negative offset. */
export function parseOffset(text: string): StartPoint {
  if (text === 'earliest' || text === 'beginning') return { kind: 'timestamp', timestamp: EARLIEST_TIMESTAMP };
  if (text === 'latest' || text === 'end') return { kind: 'timestamp', timestamp: LATEST_TIMESTAMP };
  if (/^\d+$/.test(text)) return { kind: 'offset', offset: BigInt(text) };
  throw new UsageError(`--offset must be earliest, latest or an offset (a whole number of at least 0), got "${text}"`);
}

/** A time as milliseconds since the epoch, from a number of milliseconds or an ISO 8601 date. */
export function parseTime(text: string, option: string): bigint {
  if (/^\d+$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${option} must be milliseconds since the epoch or an ISO date such as 2026-01-31T12:00:00Z, got "${text}"`);
  return BigInt(ms);
}

function parseIsolation(text: string): number {
  if (text === 'read_uncommitted') return 0;
  if (text === 'read_committed') return 1;
  throw new UsageError(`--isolation-level must be read_uncommitted or read_committed, got "${text}"`);
}

const FORMATS = ['text', 'json', 'hex'] as const;
type Format = (typeof FORMATS)[number];

export interface RecordFormat {
  readonly format: Format;
  readonly printKey: boolean;
  readonly keySeparator: string;
}

function bytesText(bytes: Buffer | null, format: Format): string {
  if (bytes === null) return 'null';
  return format === 'hex' ? bytes.toString('hex') : bytes.toString('utf8');
}

/** One output line for a record. JSON keeps one shape: key and value as UTF-8 text or null, headers in order. */
export function formatRecord(topic: string, record: ConsumedRecord, how: RecordFormat): string {
  if (how.format === 'json') {
    return toJson({
      topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      timestampType: record.timestampType,
      key: record.key === null ? null : record.key.toString('utf8'),
      value: record.value === null ? null : record.value.toString('utf8'),
      headers: record.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString('utf8') })),
    });
  }
  const value = bytesText(record.value, how.format);
  return how.printKey ? `${bytesText(record.key, how.format)}${how.keySeparator}${value}` : value;
}

function recordFormat(args: ToolArgs): RecordFormat {
  const format = args.json ? 'json' : FORMATS.find((f) => f === args.string('format'));
  if (format === undefined) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${args.string('format')}"`);
  return { format, printKey: args.flag('print-key'), keySeparator: args.string('key-separator') ?? '\t' };
}

/** Where each partition starts: the group's commits first, then --timestamp, --offset or earliest. */
async function startPositions(
  args: ToolArgs,
  client: KafkaClient,
  layout: TopicLayout,
  partitions: readonly number[],
  isolation: number,
): Promise<Map<number, bigint>> {
  const group = args.string('group');
  const committed =
    group === undefined
      ? new Map<number, bigint>()
      : ((await committedOffsets(client, await client.groupCoordinator(group), group, [layout.name])).get(layout.name) ?? new Map<number, bigint>());
  const timestampText = args.string('timestamp');
  const offsetText = args.string('offset');
  if (timestampText !== undefined && offsetText !== undefined) throw new UsageError('give --offset or --timestamp, not both');
  const start: StartPoint =
    timestampText !== undefined ? { kind: 'timestamp', timestamp: parseTime(timestampText, '--timestamp') } : parseOffset(offsetText ?? 'earliest');
  const rest = partitions.filter((p) => !committed.has(p)).map((p) => partitionOf(layout, p));
  const out = new Map(committed);
  if (start.kind === 'offset') {
    for (const p of rest) out.set(p.partition, start.offset);
    return out;
  }
  const found = await listOffsets(client, layout, rest, start.timestamp, isolation);
  const needEnd = [...found].filter(([, offset]) => offset < 0n).map(([p]) => partitionOf(layout, p));
  const ends = needEnd.length > 0 ? await listOffsets(client, layout, needEnd, LATEST_TIMESTAMP, isolation) : new Map<number, bigint>();
  for (const [p, offset] of found) out.set(p, offset < 0n ? (ends.get(p) ?? 0n) : offset);
  return out;
}

/** What is being read: each partition's next offset and (without --follow) the end it stops at. */
interface Reading {
  readonly next: Map<number, bigint>;
  readonly ends: Map<number, bigint>;
}

/** Adds partitions to the reading: where each starts, and the end offset it reads up to. */
async function addPartitions(
  args: ToolArgs,
  client: KafkaClient,
  layout: TopicLayout,
  partitions: readonly number[],
  isolation: number,
  reading: Reading,
  fetcher: TopicFetcher | null,
): Promise<void> {
  if (partitions.length === 0) return;
  const start = await startPositions(args, client, layout, partitions, isolation);
  const ends = await listOffsets(
    client,
    layout,
    partitions.map((p) => partitionOf(layout, p)),
    LATEST_TIMESTAMP,
    isolation,
  );
  for (const p of partitions) {
    reading.next.set(p, start.get(p) ?? 0n);
    reading.ends.set(p, ends.get(p) ?? 0n);
    fetcher?.seek(p, start.get(p) ?? 0n);
  }
}

/** The reading's positions of the partitions of `assignment` that are this topic's. */
function positionsIn(reading: Reading, layout: TopicLayout, assignment: Assignment): Map<number, bigint> {
  const owned = new Set(assignment.partitionsOf(layout));
  return new Map([...reading.next].filter(([p]) => owned.has(p)));
}

function parseGroupProtocol(text: string | undefined): GroupProtocol | undefined {
  if (text === undefined) return undefined;
  const protocol = GROUP_PROTOCOLS.find((p) => p === text);
  if (protocol === undefined) throw new UsageError(`--group-protocol must be ${GROUP_PROTOCOLS.join(' or ')}, got "${text}"`);
  return protocol;
}

export async function consume(args: ToolArgs): Promise<void> {
  const topic = args.requiredString('topic');
  const how = recordFormat(args);
  const isolation = parseIsolation(args.string('isolation-level') ?? 'read_uncommitted');
  const max = args.integer('max', 1);
  const follow = args.flag('follow');
  const group = args.string('group');
  const asked = args.integers('partition');
  if (group !== undefined && asked.length > 0) throw new UsageError('--partition cannot be used with --group: the group assigns the partitions');
  const protocol = parseGroupProtocol(args.string('group-protocol'));
  if (protocol !== undefined && group === undefined) throw new UsageError('--group-protocol goes with --group');
  await withClient(args, async (client) => {
    let layout = await topicLayout(client, topic);
    const reading: Reading = { next: new Map(), ends: new Map() };
    const commit = async (offsets: ReadonlyMap<number, bigint>): Promise<void> => {
      if (group !== undefined && member !== null) await commitOffsets(client, member.coordinatorNode, group, topic, offsets, member.identity);
    };
    // With a group, the coordinator says which partitions to read; what was read of one it takes away is committed first.
    let member: ConsumerGroupMember | null = null;
    if (group !== undefined) {
      member = await joinConsumerGroup(client, protocol, group, [topic], (previous) => commit(positionsIn(reading, layout, previous)));
    }
    const assigned = (): number[] => (member === null ? [...reading.next.keys()] : [...member.assignment.partitionsOf(layout)]);
    const initial =
      member !== null ? assigned() : asked.length > 0 ? asked.map((p) => partitionOf(layout, p).partition) : layout.partitions.map((p) => p.partition);
    await addPartitions(args, client, layout, initial, isolation, reading, null);
    const fetcher = new TopicFetcher(client, layout, reading.next, { isolationLevel: isolation, maxWaitMs: follow ? 500 : 100 });
    let seenAssignment = member?.assignmentVersion ?? 0;
    const unread = (p: number): boolean => (reading.next.get(p) ?? 0n) < (reading.ends.get(p) ?? 0n);
    const expected = initial.reduce((sum, p) => sum + Number((reading.ends.get(p) ?? 0n) - (reading.next.get(p) ?? 0n)), 0);
    const progress = startProgress(`consume ${topic}`, follow ? null : Math.min(expected, max ?? expected), args.flag('progress'));
    let stopping = false;
    const onSigint = (): void => {
      stopping = true;
    };
    process.once('SIGINT', onSigint);
    let printed = 0;
    try {
      while (!stopping && (max === undefined || printed < max)) {
        if (member !== null) {
          member.throwIfFailed();
          // A member joining again owns nothing for a moment; that is not the end of what it has to read.
          if (member.rebalancing) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            continue;
          }
          if (member.assignmentVersion !== seenAssignment) {
            seenAssignment = member.assignmentVersion;
            layout = await topicLayout(client, topic);
            await addPartitions(
              args,
              client,
              layout,
              assigned().filter((p) => !reading.next.has(p)),
              isolation,
              reading,
              fetcher,
            );
          }
        }
        const active = follow ? assigned() : assigned().filter(unread);
        if (active.length === 0) {
          if (!follow) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
          continue;
        }
        const records = await fetcher.poll(active);
        const lines: string[] = [];
        let cut = false;
        for (const record of records) {
          if (!follow && record.offset >= (reading.ends.get(record.partition) ?? 0n)) continue;
          lines.push(formatRecord(topic, record, how) + '\n');
          reading.next.set(record.partition, record.offset + 1n);
          printed++;
          if (max !== undefined && printed >= max) {
            cut = true;
            break;
          }
        }
        if (!cut) {
          for (const p of active) {
            const reached = fetcher.position(p);
            const end = reading.ends.get(p) ?? 0n;
            reading.next.set(p, follow || reached < end ? reached : end);
          }
        }
        progress.add(lines.length);
        if (lines.length > 0) await writeOut(lines.join(''));
      }
    } finally {
      process.removeListener('SIGINT', onSigint);
      progress.done();
    }
    if (member !== null) {
      await commit(positionsIn(reading, layout, member.assignment));
      await member.leave();
    }
  });
}
