// Steps for KIP-848 consumer groups (ConsumerGroupHeartbeat, ConsumerGroupDescribe) as the Java client and
// librdkafka send them, and the waits their scenarios need where Kafka's coordinator works off the request path
// (it learns of new topics from a metadata image and resolves regular expressions in the background).
import { ConsumerGroupDescribeRequestCodec } from '../../codecs/generated/ConsumerGroupDescribeRequest';
import { ConsumerGroupDescribeResponseCodec, type ConsumerGroupDescribeResponse } from '../../codecs/generated/ConsumerGroupDescribeResponse';
import { ConsumerGroupHeartbeatRequestCodec } from '../../codecs/generated/ConsumerGroupHeartbeatRequest';
import { ConsumerGroupHeartbeatResponseCodec, type ConsumerGroupHeartbeatResponse } from '../../codecs/generated/ConsumerGroupHeartbeatResponse';
import { CreateTopicsRequestCodec } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec } from '../../codecs/generated/CreateTopicsResponse';
import type { RawClient } from '../helpers/raw-client';
import { waitFor } from '../helpers/wait';
import { awaitLeaders, step, type Scenario, type Step } from './harness';
import { resolve, type FromHistory } from './group-steps';

export const LEAVE = -1;
export const STATIC_LEAVE = -2;

export interface HeartbeatFields {
  readonly memberId: FromHistory<string>;
  readonly memberEpoch: FromHistory<number>;
  readonly instanceId?: string | null;
  /** Present on a join or a change; null on a steady heartbeat, which repeats nothing. */
  readonly topics?: readonly string[] | null;
  readonly serverAssignor?: string | null;
  readonly rebalanceTimeoutMs?: number;
  /** A KIP-848 regular-expression subscription (RE2/J syntax), sent in place of topic names. */
  readonly regex?: string | null;
  readonly rackId?: string | null;
  /** The partitions the member reports owning on a steady heartbeat (null: unchanged since the last one). */
  readonly owned?: FromHistory<Array<{ topicId: string; partitions: number[] }> | null>;
}

export function cgHeartbeat(version: number, groupId: string, fields: HeartbeatFields): Step {
  return step(ConsumerGroupHeartbeatRequestCodec, ConsumerGroupHeartbeatResponseCodec, version, (history) => {
    const joining = (fields.topics !== undefined && fields.topics !== null) || (fields.regex !== undefined && fields.regex !== null);
    return {
      groupId,
      memberId: resolve(fields.memberId, history),
      memberEpoch: resolve(fields.memberEpoch, history),
      instanceId: fields.instanceId ?? null,
      rackId: fields.rackId ?? null,
      rebalanceTimeoutMs: fields.rebalanceTimeoutMs ?? (joining ? 30_000 : -1),
      subscribedTopicNames: fields.topics ?? null,
      subscribedTopicRegex: fields.regex ?? null,
      serverAssignor: fields.serverAssignor ?? null,
      topicPartitions: joining ? [] : fields.owned === undefined ? null : resolve(fields.owned, history),
    };
  });
}

/**
 * ConsumerGroupDescribe. Kafka lists a group's members in its hash map's order, no contract: they are compared in
 * the order of their member ids (client-chosen at v1; a classic member's minted id starts with the client id).
 */
export function cgDescribe(version: number, groupIds: readonly string[]): Step {
  const inner = step(ConsumerGroupDescribeRequestCodec, ConsumerGroupDescribeResponseCodec, version, { groupIds, includeAuthorizedOperations: false });
  return {
    label: inner.label,
    send: async (client, history) => {
      const answer = (await inner.send(client, history)) as ConsumerGroupDescribeResponse | { connectionClosed: true };
      if (!('groups' in answer)) return answer;
      const groups = answer.groups.map((g) => ({ ...g, members: [...g.members].sort((a, b) => a.memberId.localeCompare(b.memberId)) }));
      return { ...answer, groups };
    },
  };
}

/** One join and leave of a throw-away group: whether the coordinator assigns the topic's partitions yet. */
async function assignsPartitionsOf(client: RawClient, topic: string): Promise<boolean> {
  const probe = {
    groupId: `diff-cgprobe-${topic}`,
    memberId: `diff-cgprobe-${topic}-member`,
    instanceId: null,
    rackId: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
  };
  const joined = await client.request(ConsumerGroupHeartbeatRequestCodec, ConsumerGroupHeartbeatResponseCodec, 1, {
    ...probe,
    memberEpoch: 0,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: [topic],
    topicPartitions: [],
  });
  await client.request(ConsumerGroupHeartbeatRequestCodec, ConsumerGroupHeartbeatResponseCodec, 1, {
    ...probe,
    memberEpoch: -1,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    topicPartitions: null,
  });
  return (joined.assignment?.topicPartitions.length ?? 0) > 0;
}

/**
 * `join`, sent once the group coordinator assigns `topic`: Kafka's coordinator learns of a new topic from a metadata
 * image that may trail CreateTopics, and until then assigns nothing. The wait is not compared.
 */
export function whenAssignable(topic: string, join: Step): Step {
  return {
    label: join.label,
    send: async (client, history) => {
      await waitFor(`the group coordinator to assign ${topic}`, () => assignsPartitionsOf(client, topic), 10_000);
      return join.send(client, history);
    },
  };
}

/** A v1 member's first heartbeat to `group`, subscribed to the topic of the same name once it is assignable. */
export function firstJoin(group: string, memberId: string, fields: Partial<HeartbeatFields> = {}): Step {
  return whenAssignable(group, cgHeartbeat(1, group, { memberId, memberEpoch: 0, topics: [group], ...fields }));
}

/** The partitions this broker assigned in its answer to step `index`, as the member reports them back. */
export function assignmentOf(index: number): (history: readonly unknown[]) => Array<{ topicId: string; partitions: number[] }> {
  return (history) =>
    (history[index] as ConsumerGroupHeartbeatResponse | undefined)?.assignment?.topicPartitions.map((t) => ({
      topicId: t.topicId,
      partitions: [...t.partitions],
    })) ?? [];
}

/** The first partition of the assignment this broker gave in its answer to step `index` (-1 when none). */
export function firstAssignedPartition(index: number): (history: readonly unknown[]) => number {
  return (history) => assignmentOf(index)(history)[0]?.partitions[0] ?? -1;
}

/** The member epoch this broker gave in its answer to step `index`. */
export function epochOf(index: number): (history: readonly unknown[]) => number {
  return (history) => (history[index] as { memberEpoch?: number } | undefined)?.memberEpoch ?? -1;
}

/** A v1 member (client-chosen id, as librdkafka and the Java client send) joins `group` on its own topic. */
export function member(name: string, key: string, then: (group: string, topic: string, id: string) => Step[], instanceId: string | null = null): Scenario {
  const group = `diff-cg-${key}`;
  const id = `${group}-member-1`;
  return {
    name,
    topics: [{ name: group, partitions: 2 }],
    steps: [whenAssignable(group, cgHeartbeat(1, group, { memberId: id, memberEpoch: 0, topics: [group], instanceId })), ...then(group, group, id)],
  };
}

export const steady = (group: string, id: FromHistory<string>, epoch: FromHistory<number>, version = 1): Step =>
  cgHeartbeat(version, group, { memberId: id, memberEpoch: epoch });

/**
 * Heartbeats (at the epoch of the previous answer, every 250 ms) until the coordinator sends a non-empty assignment,
 * and answers with that heartbeat: Kafka resolves regular expressions off the request path (at most once every 10 s
 * per group), so the answers before it assign nothing, a number of times that depends on timing.
 */
export function untilAssigned(group: string, id: string, from: number, timeoutMs = 25_000): Step {
  return {
    label: 'ConsumerGroupHeartbeat v1 (until assigned)',
    send: async (client, history) => {
      let epoch = epochOf(from)(history);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const answer = (await steady(group, id, epoch).send(client, history)) as ConsumerGroupHeartbeatResponse;
        if ((answer.assignment?.topicPartitions.length ?? 0) > 0 || Date.now() > deadline) return answer;
        epoch = answer.memberEpoch;
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}

/** Creates a topic in the middle of a scenario and waits for its leaders; the answer is not compared. */
export function createTopicStep(name: string, partitions: number): Step {
  return {
    label: `CreateTopics ${name}`,
    send: async (client) => {
      await client.request(CreateTopicsRequestCodec, CreateTopicsResponseCodec, 7, {
        topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 10_000,
        validateOnly: false,
      });
      await awaitLeaders(client, [name]);
      return { created: name };
    },
  };
}
