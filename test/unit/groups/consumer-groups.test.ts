// KIP-848 consumer groups: server assignors and the heartbeat-driven reconciliation, with fake timers.
import { rangeAssignor, uniformAssignor, TopicAssignment } from '../../../src/groups/server-assignors';
import {
  ConsumerGroupCoordinator,
  ConsumerHeartbeatParams,
  ConsumerHeartbeatResult,
  TopicCatalog,
} from '../../../src/groups/consumer-group-coordinator';
import { ErrorCode } from '../../../src/cluster/errors';
import { silentLogger } from '../../../src/logger';

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

  test('range gives contiguous ranges per topic, the first members one extra', () => {
    const result = rangeAssignor({ members: [member('b', [T1]), member('a', [T1])], partitionCounts: new Map([[T1, 5]]) });
    expect([...(result.get('a')?.get(T1) ?? [])]).toEqual([0, 1, 2]);
    expect([...(result.get('b')?.get(T1) ?? [])]).toEqual([3, 4]);
  });

  test('uniform balances and keeps what members already own', () => {
    const first = uniformAssignor({ members: [member('a', [T1, T2])], partitionCounts: new Map([[T1, 4], [T2, 2]]) });
    expect(count(first.get('a'))).toBe(6);
    const second = uniformAssignor({
      members: [member('a', [T1, T2], first.get('a')), member('b', [T1, T2])],
      partitionCounts: new Map([[T1, 4], [T2, 2]]),
    });
    expect(count(second.get('a'))).toBe(3);
    expect(count(second.get('b'))).toBe(3);
    // a kept only partitions it already had.
    for (const [t, ps] of second.get('a') ?? new Map<string, Set<number>>()) {
      for (const p of ps) expect(first.get('a')?.get(t)?.has(p)).toBe(true);
    }
  });

  test('uniform only gives members topics they subscribe to', () => {
    const result = uniformAssignor({ members: [member('a', [T1]), member('b', [T2])], partitionCounts: new Map([[T1, 3], [T2, 3]]) });
    expect([...(result.get('a')?.keys() ?? [])]).toEqual([T1]);
    expect([...(result.get('b')?.keys() ?? [])]).toEqual([T2]);
  });
});

describe('ConsumerGroupCoordinator', () => {
  const catalog: TopicCatalog = {
    topic: (name) => (name === 'orders' ? { topicId: T1, partitions: 6 } : undefined),
    topicById: (id) => (id === T1 ? { name: 'orders', partitions: 6 } : undefined),
  };
  let classicInUse = false;
  let c: ConsumerGroupCoordinator;

  beforeEach(() => {
    jest.useFakeTimers();
    classicInUse = false;
    c = new ConsumerGroupCoordinator(catalog, { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5_000, maxGroupSize: 10 }, silentLogger(), () => classicInUse);
  });

  afterEach(() => {
    c.shutdown();
    jest.useRealTimers();
  });

  const hb = (over: Partial<ConsumerHeartbeatParams>): ConsumerHeartbeatResult =>
    c.heartbeat({
      apiVersion: 1,
      groupId: 'g',
      memberId: '',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: null,
      clientId: 'client',
      clientHost: '/127.0.0.1',
      ...over,
    });
  const join = (memberId: string) => hb({ memberId, memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] });
  const owned = (r: ConsumerHeartbeatResult) => r.assignment?.flatMap((t) => t.partitions) ?? [];

  test('a lone member gets every partition at epoch 1', () => {
    const r = join('m1');
    expect(r).toMatchObject({ errorCode: 0, memberId: 'm1', memberEpoch: 1, heartbeatIntervalMs: 5000 });
    expect(owned(r)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(c.describe('g')).toMatchObject({ state: 'Stable', groupEpoch: 1, assignmentEpoch: 1, assignorName: 'uniform' });
  });

  test('a second member gets partitions only after the first has revoked them', () => {
    join('m1');
    const b1 = join('m2');
    expect(b1).toMatchObject({ errorCode: 0, memberEpoch: 2 });
    expect(owned(b1)).toEqual([]);
    expect(c.describe('g')?.state).toBe('Reconciling');

    // m1 is told to keep three partitions and revoke the others; its epoch stays until it confirms.
    const a2 = hb({ memberId: 'm1', memberEpoch: 1 });
    expect(a2.memberEpoch).toBe(1);
    const kept = owned(a2);
    expect(kept).toHaveLength(3);
    // m2 still waits: the partitions are not released yet.
    expect(owned(hb({ memberId: 'm2', memberEpoch: 2, topicPartitions: [] }))).toEqual([]);

    const a3 = hb({ memberId: 'm1', memberEpoch: 1, topicPartitions: [{ topicId: T1, partitions: kept }] });
    expect(a3.memberEpoch).toBe(2);
    const b2 = hb({ memberId: 'm2', memberEpoch: 2 });
    expect(owned(b2).sort()).toEqual([0, 1, 2, 3, 4, 5].filter((p) => !kept.includes(p)));
    expect(c.describe('g')?.state).toBe('Stable');
  });

  test('errors: unknown member, fenced epoch, bad requests, unsupported assignor, classic group id', () => {
    join('m1');
    expect(hb({ memberId: 'ghost', memberEpoch: 1 }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(hb({ memberId: 'm1', memberEpoch: 7 }).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect(hb({ memberId: '', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] }).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(hb({ memberId: 'm3', memberEpoch: 0, subscribedTopicNames: null, topicPartitions: [] }).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(hb({ memberId: 'm3', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [], serverAssignor: 'sticky' }).errorCode).toBe(
      ErrorCode.UNSUPPORTED_ASSIGNOR,
    );
    classicInUse = true;
    expect(hb({ groupId: 'classic', memberId: 'x', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] }).errorCode).toBe(
      ErrorCode.GROUP_ID_NOT_FOUND,
    );
  });

  test('v0 generates the member id on join', () => {
    const r = hb({ apiVersion: 0, memberId: '', memberEpoch: 0, subscribedTopicNames: ['orders'], topicPartitions: [] });
    expect(r.errorCode).toBe(0);
    expect(r.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  test('leaving and session expiry hand partitions to the remaining member', () => {
    join('m1');
    join('m2');
    const a = hb({ memberId: 'm1', memberEpoch: 1 });
    hb({ memberId: 'm1', memberEpoch: 1, topicPartitions: [{ topicId: T1, partitions: owned(a) }] });
    expect(hb({ memberId: 'm1', memberEpoch: -1 })).toMatchObject({ errorCode: 0, memberEpoch: -1 });
    const b = hb({ memberId: 'm2', memberEpoch: 2 });
    expect(b.memberEpoch).toBe(3);
    expect(owned(b)).toEqual([0, 1, 2, 3, 4, 5]);

    join('m3');
    jest.advanceTimersByTime(45_001);
    expect(c.describe('g')?.members).toHaveLength(0);
    expect(c.describe('g')?.state).toBe('Empty');
  });

  test('offset commit rules for consumer group members', () => {
    join('m1');
    expect(c.offsetCommitError('g', 'm1', 1, 9)).toBe(ErrorCode.NONE);
    expect(c.offsetCommitError('g', 'm1', 0, 9)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(c.offsetCommitError('g', 'm1', 1, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(c.offsetCommitError('g', 'ghost', 1, 9)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(c.offsetCommitError('g', '', -1, 9)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(c.offsetCommitError('not-a-consumer-group', '', -1, 9)).toBeNull();
  });
});
