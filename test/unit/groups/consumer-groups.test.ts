// KIP-848 consumer groups: server assignors and the heartbeat-driven reconciliation, with fake timers.
import { rangeAssignor, uniformAssignor, TopicAssignment } from '../../../src/groups/server-assignors';
import { ConsumerGroupCoordinator, ConsumerHeartbeatParams, ConsumerHeartbeatResult, TopicCatalog } from '../../../src/groups/consumer-group-coordinator';
import { ErrorCode } from '../../../codecs/protocol/errors';
import { heartbeatParams } from './group-fixtures';
import { silentLogger } from '../../../src/logger';
import { describeConsumerGroup } from '../../../src/groups/consumer-group-description';

const T1 = '00000000-0000-0000-0000-000000000001';
const T2 = '00000000-0000-0000-0000-000000000002';

function count(a: TopicAssignment | undefined): number {
  let n = 0;
  for (const s of a?.values() ?? []) n += s.size;
  return n;
}

describe('server assignors', () => {
  const member = (memberId: string, topics: string[], current: TopicAssignment = new Map()) => ({
    memberId,
    subscribedTopicIds: new Set(topics),
    current,
  });

  test('range gives contiguous ranges per topic, the first members one extra', async () => {
    const result = rangeAssignor({ members: [member('b', [T1]), member('a', [T1])], partitionCounts: new Map([[T1, 5]]) });
    expect([...(result.get('a')?.get(T1) ?? [])]).toEqual([0, 1, 2]);
    expect([...(result.get('b')?.get(T1) ?? [])]).toEqual([3, 4]);
  });

  test('uniform balances and keeps what members already own', async () => {
    const first = uniformAssignor({
      members: [member('a', [T1, T2])],
      partitionCounts: new Map([
        [T1, 4],
        [T2, 2],
      ]),
    });
    expect(count(first.get('a'))).toBe(6);
    const second = uniformAssignor({
      members: [member('a', [T1, T2], first.get('a')), member('b', [T1, T2])],
      partitionCounts: new Map([
        [T1, 4],
        [T2, 2],
      ]),
    });
    expect(count(second.get('a'))).toBe(3);
    expect(count(second.get('b'))).toBe(3);
    // a kept only partitions it already had.
    for (const [t, ps] of second.get('a') ?? new Map<string, Set<number>>()) {
      for (const p of ps) expect(first.get('a')?.get(t)?.has(p)).toBe(true);
    }
  });

  test('uniform only gives members topics they subscribe to', async () => {
    const result = uniformAssignor({
      members: [member('a', [T1]), member('b', [T2])],
      partitionCounts: new Map([
        [T1, 3],
        [T2, 3],
      ]),
    });
    expect([...(result.get('a')?.keys() ?? [])]).toEqual([T1]);
    expect([...(result.get('b')?.keys() ?? [])]).toEqual([T2]);
  });
});

describe('ConsumerGroupCoordinator', () => {
  const catalog: TopicCatalog = {
    topic: (name) => (name === 'orders' ? { topicId: T1, partitions: 6 } : undefined),
    topicById: (id) => (id === T1 ? { name: 'orders', partitions: 6 } : undefined),
    topics: () => [{ name: 'orders' }],
  };
  let classicInUse = false;
  let c: ConsumerGroupCoordinator;

  beforeEach(() => {
    jest.useFakeTimers();
    classicInUse = false;
    c = new ConsumerGroupCoordinator(catalog, { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5_000, maxGroupSize: 10 }, silentLogger(), {
      inUse: () => classicInUse,
    });
  });

  afterEach(() => {
    c.shutdown();
    jest.useRealTimers();
  });

  const hb = (over: Partial<ConsumerHeartbeatParams>): Promise<ConsumerHeartbeatResult> => c.heartbeat(heartbeatParams(over));
  const join = (memberId: string) => hb({ memberId, memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] });
  const owned = (r: ConsumerHeartbeatResult) => r.assignment?.flatMap((t) => t.partitions) ?? [];

  test('a lone member gets every partition at epoch 2 (a new group starts at 1, as in Kafka 4.3)', async () => {
    const r = await join('m1');
    expect(r).toMatchObject({ errorCode: 0, memberId: 'm1', memberEpoch: 2, heartbeatIntervalMs: 5000 });
    expect(owned(r)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(c.describe('g')).toMatchObject({ state: 'Stable', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'uniform' });
  });

  test("ConsumerGroupDescribe's view names the topics of current and target assignments", async () => {
    await join('m1');
    expect(describeConsumerGroup(c, 'nope')).toBeUndefined();
    const named = { topicPartitions: [{ topicId: T1, topicName: 'orders', partitions: [0, 1, 2, 3, 4, 5] }] };
    expect(describeConsumerGroup(c, 'g')).toEqual({
      groupId: 'g',
      groupState: 'Stable',
      groupEpoch: 2,
      assignmentEpoch: 2,
      assignorName: 'uniform',
      members: [
        {
          memberId: 'm1',
          instanceId: null,
          rackId: null,
          memberEpoch: 2,
          clientId: 'client',
          clientHost: '/127.0.0.1',
          subscribedTopicNames: ['orders'],
          subscribedTopicRegex: '',
          assignment: named,
          targetAssignment: named,
          memberType: 1,
        },
      ],
    });
  });

  test('a second member gets partitions only after the first has revoked them', async () => {
    await join('m1');
    const b1 = await join('m2');
    expect(b1).toMatchObject({ errorCode: 0, memberEpoch: 3 });
    expect(owned(b1)).toEqual([]);
    expect(c.describe('g')?.state).toBe('Reconciling');

    // m1 is told to keep three partitions and revoke the others; its epoch stays until it confirms.
    const a2 = await hb({ memberId: 'm1', memberEpoch: 2 });
    expect(a2.memberEpoch).toBe(2);
    const kept = owned(a2);
    expect(kept).toHaveLength(3);
    // m2 still waits: the partitions are not released yet.
    expect(owned(await hb({ memberId: 'm2', memberEpoch: 3, topicPartitions: [] }))).toEqual([]);

    const a3 = await hb({ memberId: 'm1', memberEpoch: 2, topicPartitions: [{ topicId: T1, partitions: kept }] });
    expect(a3.memberEpoch).toBe(3);
    const b2 = await hb({ memberId: 'm2', memberEpoch: 3 });
    expect(owned(b2).sort()).toEqual([0, 1, 2, 3, 4, 5].filter((p) => !kept.includes(p)));
    expect(c.describe('g')?.state).toBe('Stable');
  });

  test('errors: unknown member, fenced epoch, bad requests, unsupported assignor, classic group id', async () => {
    await join('m1');
    expect((await hb({ memberId: 'ghost', memberEpoch: 2 })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await hb({ groupId: 'nowhere', memberId: 'm1', memberEpoch: 2 })).toMatchObject({
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
      errorMessage: 'Consumer group nowhere not found.',
    });
    expect((await hb({ memberId: 'm1', memberEpoch: 7 })).errorMessage).toMatch(/has a greater member epoch \(7\)/);
    expect((await hb({ memberId: 'm1', memberEpoch: 7 })).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect((await hb({ memberId: '', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await hb({ memberId: 'm3', memberEpoch: 0, subscribedTopicNames: null, topicPartitions: [] })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await hb({ memberId: 'm3', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [], serverAssignor: 'sticky' })).errorCode).toBe(
      ErrorCode.UNSUPPORTED_ASSIGNOR,
    );
    classicInUse = true;
    expect((await hb({ groupId: 'classic', memberId: 'x', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] })).errorCode).toBe(
      ErrorCode.GROUP_ID_NOT_FOUND,
    );
  });

  test('an empty regex is no regex subscription (librdkafka sends one on every join)', async () => {
    const r = await hb({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['orders'], subscribedTopicRegex: '', topicPartitions: [] });
    expect(r.errorCode).toBe(0);
    expect(owned(r)).toHaveLength(6);
  });

  test("a regex is resolved after the join is answered, and an invalid one is refused with RE2's reason", async () => {
    const joined = await hb({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: null, subscribedTopicRegex: 'ord.*', topicPartitions: [] });
    expect(joined).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    expect(owned(joined)).toEqual([]);
    jest.advanceTimersByTime(1);
    const assigned = await hb({ memberId: 'm1', memberEpoch: 1 });
    expect(assigned).toMatchObject({ errorCode: 0, memberEpoch: 2 });
    expect(owned(assigned)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(c.describe('g')?.members[0]).toMatchObject({ subscribedTopicNames: [], subscribedTopicRegex: 'ord.*' });
    const bad = await hb({ memberId: 'm2', memberEpoch: 0, subscribedTopicNames: null, subscribedTopicRegex: '(?!x)', topicPartitions: [] });
    expect(bad).toMatchObject({
      errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION,
      errorMessage: 'SubscribedTopicRegex `(?!x)` is not a valid regular expression: invalid or unsupported Perl syntax.',
    });
  });

  test('a static member that leaves with epoch -2 keeps its partitions for its instance id until its session ends', async () => {
    await hb({ memberId: 'm1', memberEpoch: 0, instanceId: 'i1', subscribedTopicNames: ['orders'], topicPartitions: [] });
    expect(await hb({ memberId: 'm1', memberEpoch: -2, instanceId: 'i1' })).toMatchObject({ errorCode: 0, memberEpoch: -2 });
    expect(c.describe('g')).toMatchObject({ state: 'Reconciling', groupEpoch: 2, members: [{ memberId: 'm1', memberEpoch: -2 }] });
    const back = await hb({ memberId: 'm1b', memberEpoch: 0, instanceId: 'i1', subscribedTopicNames: ['orders'], topicPartitions: [] });
    expect(back).toMatchObject({ errorCode: 0, memberId: 'm1b', memberEpoch: 2 });
    expect(owned(back)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(c.describe('g')?.members.map((m) => m.memberId)).toEqual(['m1b']);
    await hb({ memberId: 'm1b', memberEpoch: -2, instanceId: 'i1' });
    jest.advanceTimersByTime(45_001);
    expect(c.describe('g')).toMatchObject({ state: 'Empty', groupEpoch: 3, members: [] });
  });

  test('v0 generates the member id on join', async () => {
    const r = await hb({ apiVersion: 0, memberId: '', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] });
    expect(r.errorCode).toBe(0);
    expect(r.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  test('leaving and session expiry hand partitions to the remaining member', async () => {
    await join('m1');
    await join('m2');
    const a = await hb({ memberId: 'm1', memberEpoch: 2 });
    await hb({ memberId: 'm1', memberEpoch: 2, topicPartitions: [{ topicId: T1, partitions: owned(a) }] });
    expect(await hb({ memberId: 'm1', memberEpoch: -1 })).toMatchObject({ errorCode: 0, memberEpoch: -1 });
    const b = await hb({ memberId: 'm2', memberEpoch: 3 });
    expect(b.memberEpoch).toBe(4);
    expect(owned(b)).toEqual([0, 1, 2, 3, 4, 5]);

    await join('m3');
    jest.advanceTimersByTime(45_001);
    expect(c.describe('g')?.members).toHaveLength(0);
    expect(c.describe('g')?.state).toBe('Empty');
  });

  test('a member that does not revoke within its rebalance timeout is removed', async () => {
    await hb({ memberId: 'm1', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [], rebalanceTimeoutMs: 10_000 });
    await join('m2');
    const a = await hb({ memberId: 'm1', memberEpoch: 2, rebalanceTimeoutMs: -1 });
    expect(owned(a)).toHaveLength(3);
    // m1 keeps heartbeating but never confirms the revocation; m2 keeps its session alive too.
    for (let t = 0; t < 10; t++) {
      jest.advanceTimersByTime(1_000);
      await hb({ memberId: 'm2', memberEpoch: 3 });
      if (t < 9) await hb({ memberId: 'm1', memberEpoch: 2, rebalanceTimeoutMs: -1 });
    }
    jest.advanceTimersByTime(1);
    expect(c.describe('g')?.members.map((m) => m.memberId)).toEqual(['m2']);
    expect(c.describe('g')?.members[0].assignment).toEqual([{ topicId: T1, partitions: [0, 1, 2, 3, 4, 5] }]);
  });

  test('offset fetch rules for consumer group members', async () => {
    await join('m1');
    expect(c.offsetFetchError('g', 'm1', 2)).toBe(ErrorCode.NONE);
    expect(c.offsetFetchError('g', 'm1', 3)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(c.offsetFetchError('g', 'ghost', 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(c.offsetFetchError('g', null, -1)).toBe(ErrorCode.NONE);
    expect(c.offsetFetchError('other', 'x', 5)).toBe(ErrorCode.NONE);
  });

  const commit = (
    groupId: string,
    memberId: string,
    memberEpoch: number,
    apiVersion = 9,
    partitions: Array<[string, number]> = [['orders', 0]],
    transactional = false,
  ) =>
    c.offsetCommitError(groupId, {
      memberId,
      instanceId: null,
      memberEpoch,
      apiVersion,
      transactional,
      partitions: partitions.map(([topic, partition]) => ({ topic, partition })),
    });

  test('offset commit rules for consumer group members', async () => {
    await join('m1');
    expect(commit('g', 'm1', 2)).toBe(ErrorCode.NONE);
    expect(commit('g', 'm1', 1)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(commit('g', 'm1', 3)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(commit('g', 'm1', 2, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(commit('g', 'ghost', 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Kafka looks the member up before it checks the version.
    expect(commit('g', 'ghost', 2, 8)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(commit('g', '', -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(commit('not-a-consumer-group', '', -1)).toBeNull();
  });

  test('KIP-1251: a commit with an older member epoch is accepted for partitions held since that epoch', async () => {
    await join('m1');
    // m2 joins at epoch 3: m1 must give up half of its partitions, then moves to epoch 3 keeping the others.
    await join('m2');
    const revoking = await hb({ memberId: 'm1', memberEpoch: 2 });
    const kept = owned(revoking);
    expect(kept).toHaveLength(3);
    const given = [0, 1, 2, 3, 4, 5].filter((p) => !kept.includes(p));
    // While revoking, m1 is still at epoch 2: it may commit what it is giving up.
    expect(commit('g', 'm1', 2, 9, [['orders', given[0]]])).toBe(ErrorCode.NONE);
    await hb({ memberId: 'm1', memberEpoch: 2, topicPartitions: [{ topicId: T1, partitions: kept }] });
    expect(c.describe('g')?.members.find((m) => m.memberId === 'm1')?.memberEpoch).toBe(3);
    // A late commit from epoch 2 for a partition m1 has held since epoch 2: accepted.
    expect(commit('g', 'm1', 2, 9, [['orders', kept[0]]])).toBe(ErrorCode.NONE);
    expect(
      commit(
        'g',
        'm1',
        2,
        9,
        kept.map((p): [string, number] => ['orders', p]),
      ),
    ).toBe(ErrorCode.NONE);
    // One it gave up, or a topic that does not exist, refuses the whole commit.
    expect(
      commit('g', 'm1', 2, 9, [
        ['orders', kept[0]],
        ['orders', given[0]],
      ]),
    ).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(commit('g', 'm1', 2, 9, [['nope', 0]])).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    // m2 got its partitions at epoch 3: a commit from before that is refused.
    await hb({ memberId: 'm2', memberEpoch: 3 });
    const m2 = c.describe('g')?.members.find((m) => m.memberId === 'm2');
    expect(m2?.memberEpoch).toBe(3);
    expect(commit('g', 'm2', 3, 9, [['orders', given[0]]])).toBe(ErrorCode.NONE);
    expect(commit('g', 'm2', 2, 9, [['orders', given[0]]])).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    // TxnOffsetCommit answers the same refusal as ILLEGAL_GENERATION, and accepts a producer without member fields.
    expect(commit('g', 'm2', 2, 9, [['orders', given[0]]], true)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(commit('g', 'm1', 2, 9, [['orders', kept[0]]], true)).toBe(ErrorCode.NONE);
    expect(commit('g', '', -1, 9, [['orders', 0]], true)).toBe(ErrorCode.NONE);
  });

  test('a static member that leaves temporarily holds its partitions from epoch 0, so the old id cannot commit', async () => {
    await hb({ memberId: 'm1', instanceId: 'i1', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] });
    await hb({ memberId: 'm1', instanceId: 'i1', memberEpoch: -2 });
    expect(commit('g', 'm1', 1, 9, [['orders', 0]])).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    const back = await hb({ memberId: 'm1b', instanceId: 'i1', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] });
    expect(back.memberEpoch).toBe(2);
    expect(commit('g', 'm1b', 0, 9, [['orders', 0]])).toBe(ErrorCode.NONE);
  });
});
