// Differential scenarios for KIP-848 consumer groups (ConsumerGroupHeartbeat v0/v1, ConsumerGroupDescribe) with one
// member, where the broker's assignment is deterministic: join at epoch 0, steady heartbeats, fencing, leaving, and
// how the classic APIs see such a group. Member ids are client-chosen at v1 and minted at v0; both are masked.
import { ConsumerGroupDescribeRequestCodec } from '../../codecs/generated/ConsumerGroupDescribeRequest';
import { ConsumerGroupDescribeResponseCodec } from '../../codecs/generated/ConsumerGroupDescribeResponse';
import { ConsumerGroupHeartbeatRequestCodec } from '../../codecs/generated/ConsumerGroupHeartbeatRequest';
import { ConsumerGroupHeartbeatResponseCodec } from '../../codecs/generated/ConsumerGroupHeartbeatResponse';
import type { RawClient } from '../helpers/raw-client';
import { waitFor } from '../helpers/wait';
import { step, type Scenario, type Step } from './harness';
import {
  deleteGroups,
  describeGroups,
  joinGroup,
  listGroups,
  memberIdOf,
  offsetCommit,
  offsetFetch,
  resolve,
  SIMPLE_CONSUMER,
  type FromHistory,
} from './group-steps';
import { becomeStable } from './scenarios-groups';

const LEAVE = -1;
const STATIC_LEAVE = -2;

interface HeartbeatFields {
  readonly memberId: FromHistory<string>;
  readonly memberEpoch: FromHistory<number>;
  readonly instanceId?: string | null;
  /** Present on a join or a change; null on a steady heartbeat, which repeats nothing. */
  readonly topics?: readonly string[] | null;
  readonly serverAssignor?: string | null;
  readonly rebalanceTimeoutMs?: number;
}

function cgHeartbeat(version: number, groupId: string, fields: HeartbeatFields): Step {
  return step(ConsumerGroupHeartbeatRequestCodec, ConsumerGroupHeartbeatResponseCodec, version, (history) => {
    const joining = fields.topics !== undefined && fields.topics !== null;
    return {
      groupId,
      memberId: resolve(fields.memberId, history),
      memberEpoch: resolve(fields.memberEpoch, history),
      instanceId: fields.instanceId ?? null,
      rackId: null,
      rebalanceTimeoutMs: fields.rebalanceTimeoutMs ?? (joining ? 30_000 : -1),
      subscribedTopicNames: fields.topics ?? null,
      subscribedTopicRegex: null,
      serverAssignor: fields.serverAssignor ?? null,
      topicPartitions: joining ? [] : null,
    };
  });
}

function cgDescribe(version: number, groupIds: readonly string[]): Step {
  return step(ConsumerGroupDescribeRequestCodec, ConsumerGroupDescribeResponseCodec, version, { groupIds, includeAuthorizedOperations: false });
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
function whenAssignable(topic: string, join: Step): Step {
  return {
    label: join.label,
    send: async (client, history) => {
      await waitFor(`the group coordinator to assign ${topic}`, () => assignsPartitionsOf(client, topic), 10_000);
      return join.send(client, history);
    },
  };
}

/** The member epoch this broker gave in its answer to step `index`. */
function epochOf(index: number): (history: readonly unknown[]) => number {
  return (history) => (history[index] as { memberEpoch?: number } | undefined)?.memberEpoch ?? -1;
}

/** A v1 member (client-chosen id, as librdkafka and the Java client send) joins `group` on its own topic. */
function member(name: string, key: string, then: (group: string, topic: string, id: string) => Step[], instanceId: string | null = null): Scenario {
  const group = `diff-cg-${key}`;
  const id = `${group}-member-1`;
  return {
    name,
    topics: [{ name: group, partitions: 2 }],
    steps: [whenAssignable(group, cgHeartbeat(1, group, { memberId: id, memberEpoch: 0, topics: [group], instanceId })), ...then(group, group, id)],
  };
}

const steady = (group: string, id: FromHistory<string>, epoch: FromHistory<number>, version = 1): Step =>
  cgHeartbeat(version, group, { memberId: id, memberEpoch: epoch });

export const CONSUMER_GROUP_SCENARIOS: readonly Scenario[] = [
  member('ConsumerGroupHeartbeat v1: join at epoch 0, steady heartbeat, describe, leave at epoch -1', 'lifecycle', (g, _t, id) => [
    steady(g, id, epochOf(0)),
    cgDescribe(0, [g]),
    cgHeartbeat(1, g, { memberId: id, memberEpoch: LEAVE }),
    cgDescribe(1, [g]),
    steady(g, id, epochOf(0)),
  ]),
  {
    name: 'ConsumerGroupHeartbeat v0: the broker mints the member id',
    topics: [{ name: 'diff-cg-v0', partitions: 2 }],
    steps: [
      whenAssignable('diff-cg-v0', cgHeartbeat(0, 'diff-cg-v0', { memberId: '', memberEpoch: 0, topics: ['diff-cg-v0'] })),
      steady('diff-cg-v0', memberIdOf(0), epochOf(0), 0),
      cgHeartbeat(0, 'diff-cg-v0', { memberId: memberIdOf(0), memberEpoch: LEAVE }),
    ],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join without a member id',
    steps: [cgHeartbeat(1, 'diff-cg-no-id', { memberId: '', memberEpoch: 0, topics: ['diff-cg-x'] })],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join with an empty group id',
    steps: [cgHeartbeat(1, '', { memberId: 'diff-cg-member', memberEpoch: 0, topics: ['diff-cg-x'] })],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join without a subscription',
    steps: [cgHeartbeat(1, 'diff-cg-no-subscription', { memberId: 'diff-cg-member', memberEpoch: 0 })],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join with an unknown server assignor',
    steps: [cgHeartbeat(1, 'diff-cg-bad-assignor', { memberId: 'diff-cg-member', memberEpoch: 0, topics: ['diff-cg-x'], serverAssignor: 'no-such-assignor' })],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join with the range assignor',
    topics: [{ name: 'diff-cg-range', partitions: 3 }],
    steps: [
      whenAssignable(
        'diff-cg-range',
        cgHeartbeat(1, 'diff-cg-range', { memberId: 'diff-cg-range-member', memberEpoch: 0, topics: ['diff-cg-range'], serverAssignor: 'range' }),
      ),
      cgDescribe(0, ['diff-cg-range']),
    ],
  },
  // The message quotes the group's epoch, one lower on Eddy (see the accepted divergences); a unit test pins its words.
  {
    ...member('ConsumerGroupHeartbeat with a member epoch the group never gave is fenced', 'fenced', (g, _t, id) => [
      steady(g, id, 7),
      steady(g, id, epochOf(0)),
    ]),
    freeTextMessages: true,
  },
  member('ConsumerGroupHeartbeat from an unknown member id', 'unknown-member', (g) => [steady(g, 'diff-cg-not-a-member', 1)]),
  { name: 'ConsumerGroupHeartbeat of a member of a group that does not exist', steps: [steady('diff-cg-no-group', 'diff-cg-nobody', 1)] },
  member('A member that left heartbeats again with its old id and epoch', 'after-leave', (g, _t, id) => [
    cgHeartbeat(1, g, { memberId: id, memberEpoch: LEAVE }),
    steady(g, id, epochOf(0)),
  ]),
  member(
    'A static member leaves with epoch -2 and rejoins with a new member id',
    'static',
    (g, t) => [
      cgHeartbeat(1, g, { memberId: `${g}-member-1`, memberEpoch: STATIC_LEAVE, instanceId: `${g}-instance` }),
      cgDescribe(0, [g]),
      cgHeartbeat(1, g, { memberId: `${g}-member-2`, memberEpoch: 0, topics: [t], instanceId: `${g}-instance` }),
      cgHeartbeat(1, g, { memberId: `${g}-member-3`, memberEpoch: 0, topics: [t], instanceId: `${g}-instance` }),
    ],
    'diff-cg-static-instance',
  ),
  member('OffsetCommit v9 and OffsetFetch v9 with a consumer group member epoch', 'commit', (g, t, id) => [
    offsetCommit(9, g, { memberId: id, generationId: epochOf(0) }, [{ topic: t, partition: 0, offset: 3n }]),
    offsetCommit(9, g, { memberId: id, generationId: 9 }, [{ topic: t, partition: 0, offset: 4n }]),
    offsetCommit(9, g, { memberId: 'diff-cg-not-a-member', generationId: epochOf(0) }, [{ topic: t, partition: 0, offset: 5n }]),
    offsetCommit(9, g, SIMPLE_CONSUMER, [{ topic: t, partition: 1, offset: 6n }]),
    offsetFetch(9, g, null),
  ]),
  member('The classic APIs see a consumer group: DescribeGroups, ListGroups, JoinGroup, DeleteGroups', 'classic-view', (g, t) => [
    describeGroups(5, [g]),
    listGroups(5, g, { types: ['consumer'] }),
    listGroups(5, g, { types: ['classic'] }),
    listGroups(4, g),
    deleteGroups(2, [g]),
    joinGroup(2, g, { topics: [t], protocolType: 'connect' }),
  ]),
  {
    name: 'ConsumerGroupHeartbeat to a classic group with a member, and ConsumerGroupDescribe of it',
    topics: [{ name: 'diff-cg-classic', partitions: 2 }],
    steps: [
      ...becomeStable(5, 3, 'diff-cg-classic', 'diff-cg-classic').steps,
      cgHeartbeat(1, 'diff-cg-classic', { memberId: 'diff-cg-classic-member', memberEpoch: 0, topics: ['diff-cg-classic'] }),
      cgDescribe(0, ['diff-cg-classic']),
    ],
  },
  { name: 'ConsumerGroupDescribe of an unknown group and of an empty group id', steps: [cgDescribe(1, ['diff-cg-describe-unknown', ''])] },
];
