// Online migration between the classic and the consumer group protocols, driven through the GroupCoordinator with
// fake timers and in-memory storage: the steps Kafka 4.3.1 showed when probed with raw JoinGroup/SyncGroup and then
// ConsumerGroupHeartbeat (an upgraded generation-1 group is a consumer group at epoch 1, the classic member keeps
// epoch 1 and its partitions until it revokes them through a rejoin, the new member waits at epoch 2), then the
// downgrade when the last consumer-protocol member leaves, and a restart in between.
import type { GroupCoordinator, JoinGroupParams } from '../../../src/groups/group-coordinator';
import type { JoinResult } from '../../../src/groups/classic-member';
import type { ConsumerHeartbeatParams } from '../../../src/groups/consumer-group-coordinator';
import type { TopicCatalog } from '../../../src/groups/consumer-group-types';
import { decodeAssignment, encodeAssignment } from '../../../src/groups/consumer-protocol';
import { Writer } from '../../../codecs/primitives/writer';
import { ConsumerProtocolSubscriptionCodec } from '../../../codecs/generated/ConsumerProtocolSubscription';
import { ErrorCode } from '../../../codecs/protocol/errors';
import { coordinatorsOnMemoryStorage, heartbeatParams as baseHeartbeat } from './group-fixtures';

const TOPIC_ID = '00000000-0000-0000-0000-000000000001';
const TOPICS: TopicCatalog = {
  topic: (name) => (name === 'orders' ? { topicId: TOPIC_ID, partitions: 4 } : undefined),
  topicById: (id) => (id === TOPIC_ID ? { name: 'orders', partitions: 4 } : undefined),
  topics: () => [{ name: 'orders' }],
};

/** A v1 subscription (cooperative clients report what they own) to "orders". */
function subscription(owned: readonly number[]): Buffer {
  const w = new Writer();
  w.writeInt16(1);
  ConsumerProtocolSubscriptionCodec.encode({ topics: ['orders'], ownedPartitions: owned.length === 0 ? [] : [{ topic: 'orders', partitions: owned }] }, w, 1);
  return w.toBuffer();
}

function joinParams(memberId: string, owned: readonly number[], over: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId: 'g',
    memberId,
    groupInstanceId: null,
    requireKnownMemberId: false,
    supportSkippingAssignment: false,
    clientId: 'classic',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 5000,
    sessionTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{ name: 'cooperative-sticky', metadata: subscription(owned) }],
    reason: null,
    ...over,
  };
}

const heartbeatParams = (over: Partial<ConsumerHeartbeatParams>): ConsumerHeartbeatParams =>
  baseHeartbeat({ memberId: 'new-consumer', clientId: 'consumer', ...over });

const partitionsOf = (assignment: Buffer): number[] => decodeAssignment(assignment).flatMap((t) => [...t.partitions]);

describe('online migration between classic and consumer groups', () => {
  const start = coordinatorsOnMemoryStorage(TOPICS);

  /** A classic group at generation 1 whose only member owns all four partitions. */
  const stableClassicGroup = async (c: GroupCoordinator): Promise<JoinResult> => {
    const joining = c.joinGroup(joinParams('', []));
    await jest.advanceTimersByTimeAsync(0);
    const joined = await joining;
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
    const assignment = encodeAssignment([{ topic: 'orders', partitions: [0, 1, 2, 3] }], 1);
    const synced = await c.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: joined.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'cooperative-sticky',
      assignments: [{ memberId: joined.memberId, assignment }],
    });
    expect(synced.errorCode).toBe(ErrorCode.NONE);
    return joined;
  };

  const sync = (c: GroupCoordinator, memberId: string, generationId: number) =>
    c.syncGroup({ groupId: 'g', generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'cooperative-sticky', assignments: [] });

  it('upgrades on a ConsumerGroupHeartbeat, moves partitions through the classic member rejoining, and downgrades when the consumer member leaves', async () => {
    const c = await start();
    const classic = await stableClassicGroup(c);

    const first = await c.consumerGroups.heartbeat(heartbeatParams({ subscribedTopicNames: ['orders'], topicPartitions: [] }));
    expect(first).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: 2, assignment: [] });
    const upgraded = c.describeConsumerGroup('g');
    expect(upgraded).toMatchObject({ groupEpoch: 2, assignmentEpoch: 2 });
    const classicView = upgraded?.members.find((m) => m.memberId === classic.memberId);
    expect(classicView).toMatchObject({ memberEpoch: 1, memberType: 0 });
    expect(classicView?.assignment.topicPartitions[0].partitions).toEqual([0, 1, 2, 3]);
    expect(classicView?.targetAssignment.topicPartitions[0].partitions).toHaveLength(2);
    expect(c.describeGroup('g')).toBeUndefined();
    expect(c.listGroups([], []).map((l) => l.groupType)).toEqual(['consumer']);

    // The classic member learns of the new epoch from its heartbeat and rejoins still owning everything.
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: classic.memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = await c.joinGroup(joinParams(classic.memberId, [0, 1, 2, 3]));
    expect(rejoin).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'cooperative-sticky', leaderId: '' });
    const kept = await sync(c, classic.memberId, 1);
    const keptPartitions = partitionsOf(kept.assignment);
    expect(keptPartitions).toHaveLength(2);
    // Having revoked the others, it rejoins and reaches epoch 2.
    const second = await c.joinGroup(joinParams(classic.memberId, keptPartitions));
    expect(second).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2 });
    expect(partitionsOf((await sync(c, classic.memberId, 2)).assignment)).toEqual(keptPartitions);
    expect(c.heartbeat({ groupId: 'g', generationId: 2, memberId: classic.memberId, groupInstanceId: null })).toBe(ErrorCode.NONE);

    const freed = await c.consumerGroups.heartbeat(heartbeatParams({ memberEpoch: 2 }));
    expect(freed.assignment?.[0].partitions).toEqual([0, 1, 2, 3].filter((p) => !keptPartitions.includes(p)));
    expect(c.describeConsumerGroup('g')?.groupState).toBe('Stable');

    // Classic members commit with their member epoch as the generation; an older one (KIP-1251) only for partitions
    // held since then, a newer one never.
    const given = [0, 1, 2, 3].find((p) => !keptPartitions.includes(p)) as number;
    const commit = (generationId: number, partition = keptPartitions[0]) =>
      c.commitOffsets({
        groupId: 'g',
        generationId,
        memberId: classic.memberId,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        apiVersion: 8,
        partitions: [{ topic: 'orders', partition, offset: 5n, leaderEpoch: -1, metadata: null, commitTimestamp: -1n }],
      });
    expect(await commit(2)).toEqual([ErrorCode.NONE]);
    expect(await commit(1)).toEqual([ErrorCode.NONE]);
    expect(await commit(1, given)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(await commit(3)).toEqual([ErrorCode.ILLEGAL_GENERATION]);

    // The consumer-protocol member leaves: only the classic member remains, so the group is classic again.
    await c.consumerGroups.heartbeat(heartbeatParams({ memberEpoch: -1 }));
    expect(c.describeConsumerGroup('g')).toBeUndefined();
    expect(c.describeGroup('g')).toMatchObject({ state: 'PreparingRebalance', protocolType: 'consumer' });
    expect(c.heartbeat({ groupId: 'g', generationId: 2, memberId: classic.memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const back = c.joinGroup(joinParams(classic.memberId, keptPartitions));
    await jest.advanceTimersByTimeAsync(0);
    expect(await back).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 3, leaderId: classic.memberId });
    expect(c.fetchOffsets('g', null).topics[0].partitions[0]).toMatchObject({ offset: 5n });
  });

  it('keeps an upgraded group and its classic member across a restart', async () => {
    const c = await start();
    const classic = await stableClassicGroup(c);
    await c.consumerGroups.heartbeat(heartbeatParams({ subscribedTopicNames: ['orders'], topicPartitions: [] }));
    c.shutdown();

    const restarted = await start();
    const described = restarted.describeConsumerGroup('g');
    expect(described?.members.map((m) => [m.memberId, m.memberType, m.memberEpoch]).sort()).toEqual(
      [
        [classic.memberId, 0, 1],
        ['new-consumer', 1, 2],
      ].sort(),
    );
    expect(restarted.describeGroup('g')).toBeUndefined();
    expect(restarted.heartbeat({ groupId: 'g', generationId: 1, memberId: classic.memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('refuses the upgrade when group.consumer.migration.policy does not allow it', async () => {
    const c = await start({ migrationPolicy: 'downgrade' });
    await stableClassicGroup(c);
    const refused = await c.consumerGroups.heartbeat(heartbeatParams({ subscribedTopicNames: ['orders'], topicPartitions: [] }));
    expect(refused).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: 'Group g is not a consumer group.' });
    expect(c.describeGroup('g')).toMatchObject({ state: 'Stable' });
  });

  it('fences a classic member told to rejoin that does not within its rebalance timeout', async () => {
    const c = await start();
    const classic = await stableClassicGroup(c);
    await c.consumerGroups.heartbeat(heartbeatParams({ subscribedTopicNames: ['orders'], topicPartitions: [] }));
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: classic.memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await jest.advanceTimersByTimeAsync(5_001);
    expect(c.describeConsumerGroup('g')?.members.map((m) => m.memberId)).toEqual(['new-consumer']);
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: classic.memberId, groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a static member restarted with the other protocol takes its instance id over: upgrade, then downgrade without a rebalance', async () => {
    const c = await start();
    // A classic static member; the application restarts it with group.protocol=consumer: it replaces the member.
    const joining = c.joinGroup(joinParams('', [], { groupInstanceId: 'app-1' }));
    await jest.advanceTimersByTimeAsync(0);
    const classic = await joining;
    await c.syncGroup({
      groupId: 'g',
      generationId: classic.generationId,
      memberId: classic.memberId,
      groupInstanceId: 'app-1',
      protocolType: 'consumer',
      protocolName: 'cooperative-sticky',
      assignments: [{ memberId: classic.memberId, assignment: encodeAssignment([{ topic: 'orders', partitions: [0, 1, 2, 3] }], 1) }],
    });
    const upgraded = await c.consumerGroups.heartbeat(
      heartbeatParams({ memberId: 'consumer-1', instanceId: 'app-1', subscribedTopicNames: ['orders'], topicPartitions: [] }),
    );
    expect(upgraded).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: 1 });
    expect(upgraded.assignment?.[0].partitions).toEqual([0, 1, 2, 3]);
    expect(c.describeConsumerGroup('g')?.members.map((m) => [m.memberId, m.memberType])).toEqual([['consumer-1', 1]]);
    // Held since the classic generation 1 under the new id: it may commit them at epoch 1.
    // A second consumer-protocol start while the first still runs is refused.
    const twice = await c.consumerGroups.heartbeat(
      heartbeatParams({ memberId: 'consumer-2', instanceId: 'app-1', subscribedTopicNames: ['orders'], topicPartitions: [] }),
    );
    expect(twice.errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);

    // Restarted with the classic protocol again: the JoinGroup replaces the last consumer-protocol member, and the
    // group is a classic group, Stable, the member holding its partitions at the same generation.
    const back = await c.joinGroup(joinParams('', [], { groupInstanceId: 'app-1' }));
    expect(back).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'cooperative-sticky' });
    expect(c.describeConsumerGroup('g')).toBeUndefined();
    expect(c.describeGroup('g')).toMatchObject({ state: 'Stable', protocolType: 'consumer' });
    const synced = await c.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: back.memberId,
      groupInstanceId: 'app-1',
      protocolType: 'consumer',
      protocolName: 'cooperative-sticky',
      assignments: [],
    });
    expect(synced.errorCode).toBe(ErrorCode.NONE);
    expect(partitionsOf(synced.assignment)).toEqual([0, 1, 2, 3]);
  });
});
