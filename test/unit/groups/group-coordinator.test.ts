// The classic group state machine, driven directly with fake timers and in-memory storage.
import { GroupCoordinator, GroupCoordinatorConfig, JoinGroupParams } from '../../../src/groups/group-coordinator';
import type { JoinResult, SyncResult } from '../../../src/groups/classic-member';
import { OFFSETS_TOPIC } from '../../../src/groups/offsets-topic';
import { ErrorCode } from '../../../codecs/protocol/errors';
import { silentLogger } from '../../../src/logger';
import { subscriptionMetadata as subscription } from '../../helpers/consumer-protocol';
import { MemoryStorage } from './memory-storage';
import { BASE_CONFIG } from './group-fixtures';

function joinParams(groupId: string, memberId: string, over: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId,
    memberId,
    groupInstanceId: null,
    requireKnownMemberId: false,
    supportSkippingAssignment: false,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 5000,
    sessionTimeoutMs: 1000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    reason: null,
    ...over,
  };
}

/** Tracks whether a promise has settled without awaiting it. */
function track<T>(p: Promise<T>): { done: () => boolean; value: () => T } {
  let settled = false;
  let result: T | undefined;
  void p.then((v) => {
    settled = true;
    result = v;
  });
  return {
    done: () => settled,
    value: () => {
      if (!settled) throw new Error('not settled yet');
      return result as T;
    },
  };
}

const flush = (ms = 0): Promise<void> => jest.advanceTimersByTimeAsync(ms);

describe('GroupCoordinator (classic groups)', () => {
  let storage: MemoryStorage;
  let coordinators: GroupCoordinator[];

  const start = async (over: Partial<GroupCoordinatorConfig> = {}): Promise<GroupCoordinator> => {
    const c = await GroupCoordinator.start({ storage, config: { ...BASE_CONFIG, ...over }, logger: silentLogger() });
    coordinators.push(c);
    return c;
  };

  /** Joins a brand-new member and returns its join result once the join phase completes. */
  const joinNew = async (c: GroupCoordinator, groupId: string, over: Partial<JoinGroupParams> = {}): Promise<JoinResult> => {
    const pending = track(c.joinGroup(joinParams(groupId, '', over)));
    await flush();
    return pending.value();
  };

  const sync = (c: GroupCoordinator, groupId: string, j: JoinResult, assignments: Array<{ memberId: string; assignment: Buffer }> = []): Promise<SyncResult> =>
    c.syncGroup({ groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments });

  /** OffsetCommit of partition t-0 from a client outside any generation (a consumer with manual assignment). */
  const commitWithoutGeneration = (
    c: GroupCoordinator,
    groupId: string,
    offset: bigint,
    over: { retentionTimeMs?: bigint; apiVersion?: number } = {},
  ): Promise<number[]> =>
    c.commitOffsets({
      groupId,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: over.retentionTimeMs ?? -1n,
      apiVersion: over.apiVersion ?? 8,
      partitions: [{ topic: 't', partition: 0, offset, leaderEpoch: -1, metadata: '', commitTimestamp: -1n }],
    });

  /** The group's offsets survive an expiry pass after `keptMs`, and are gone with the group after `goneMs` more. */
  const expectExpiry = async (c: GroupCoordinator, groupId: string, keptMs: number, goneMs: number): Promise<void> => {
    await flush(keptMs);
    await c.expireOffsets();
    expect(c.fetchOffsets(groupId, null).topics).toHaveLength(1);
    await flush(goneMs);
    await c.expireOffsets();
    expect(c.group(groupId)).toBeUndefined();
  };

  /** Group g, Stable, whose one member subscribes to t and has committed t-0 and old-0 (a topic it no longer reads). */
  const stableGroupWithDroppedTopic = async (c: GroupCoordinator, over: Partial<JoinGroupParams> = {}): Promise<void> => {
    const a = await joinNew(c, 'g', { ...over, protocols: [{ name: 'range', metadata: subscription(['t']) }] });
    await sync(c, 'g', a, []);
    await c.commitOffsets({
      groupId: 'g',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      apiVersion: 8,
      partitions: [
        { topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: -1n },
        { topic: 'old', partition: 0, offset: 2n, leaderEpoch: -1, metadata: '', commitTimestamp: -1n },
      ],
    });
  };

  beforeEach(() => {
    jest.useFakeTimers();
    storage = new MemoryStorage();
    coordinators = [];
  });

  afterEach(() => {
    for (const c of coordinators) c.shutdown();
    jest.useRealTimers();
  });

  test('a lone member: MEMBER_ID_REQUIRED, then generation 1 as leader, then Stable with its assignment', async () => {
    const c = await start();
    const first = await c.joinGroup(joinParams('g', '', { requireKnownMemberId: true, clientId: 'app' }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^app-[0-9a-f-]{36}$/);
    expect(c.group('g')?.state).toBe('Empty');

    const joined = track(c.joinGroup(joinParams('g', first.memberId, { requireKnownMemberId: true })));
    await flush();
    expect(joined.value()).toMatchObject({ errorCode: 0, generationId: 1, leaderId: first.memberId, protocolName: 'range', protocolType: 'consumer' });
    expect(joined.value().members.map((m) => m.memberId)).toEqual([first.memberId]);
    expect(c.group('g')?.state).toBe('CompletingRebalance');

    const synced = await sync(c, 'g', joined.value(), [{ memberId: first.memberId, assignment: Buffer.from('p0') }]);
    expect(synced.errorCode).toBe(0);
    expect(synced.assignment.toString()).toBe('p0');
    expect(c.group('g')?.state).toBe('Stable');
    // The assignment was persisted before the group went Stable.
    expect(storage.allBatches(OFFSETS_TOPIC).length).toBeGreaterThan(0);
  });

  test('a second member triggers a rebalance; the first learns it from its heartbeat and both land in generation 2', async () => {
    const c = await start();
    const a1 = await joinNew(c, 'g');
    await sync(c, 'g', a1, [{ memberId: a1.memberId, assignment: Buffer.from('all') }]);

    const b = track(c.joinGroup(joinParams('g', '')));
    await flush();
    expect(b.done()).toBe(false);
    expect(c.group('g')?.state).toBe('PreparingRebalance');
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: a1.memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    const a2 = track(c.joinGroup(joinParams('g', a1.memberId)));
    await flush();
    expect(a2.value()).toMatchObject({ errorCode: 0, generationId: 2, leaderId: a1.memberId });
    expect(a2.value().members).toHaveLength(2);
    expect(b.value()).toMatchObject({ errorCode: 0, generationId: 2, leaderId: a1.memberId, members: [] });

    // The follower's SyncGroup waits for the leader's.
    const bSync = track(sync(c, 'g', b.value()));
    await flush();
    expect(bSync.done()).toBe(false);
    const aSync = await sync(c, 'g', a2.value(), [
      { memberId: a1.memberId, assignment: Buffer.from('A') },
      { memberId: b.value().memberId, assignment: Buffer.from('B') },
    ]);
    await flush();
    expect(aSync.assignment.toString()).toBe('A');
    expect(bSync.value().assignment.toString()).toBe('B');
    expect(bSync.value().protocolName).toBe('range');
    expect(c.group('g')?.state).toBe('Stable');
  });

  test('a member that stops heartbeating is removed after its session timeout and the group rebalances', async () => {
    const c = await start();
    const a = await joinNew(c, 'g', { sessionTimeoutMs: 1000 });
    await sync(c, 'g', a, []);
    const b = track(c.joinGroup(joinParams('g', '', { sessionTimeoutMs: 3000 })));
    await flush();
    const a2 = track(c.joinGroup(joinParams('g', a.memberId, { sessionTimeoutMs: 1000 })));
    await flush();
    await Promise.all([sync(c, 'g', a2.value(), []), sync(c, 'g', b.value(), [])]);
    expect(c.group('g')?.size).toBe(2);

    // b keeps heartbeating, a goes silent.
    for (let t = 0; t < 800; t += 200) {
      expect(c.heartbeat({ groupId: 'g', generationId: 2, memberId: b.value().memberId, groupInstanceId: null })).toBe(ErrorCode.NONE);
      await flush(200);
    }
    expect(c.group('g')?.has(a.memberId)).toBe(true);
    await flush(300);
    expect(c.group('g')?.has(a.memberId)).toBe(false);
    expect(c.group('g')?.state).toBe('PreparingRebalance');
    expect(c.heartbeat({ groupId: 'g', generationId: 2, memberId: b.value().memberId, groupInstanceId: null })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const b3 = track(c.joinGroup(joinParams('g', b.value().memberId, { sessionTimeoutMs: 3000 })));
    await flush();
    expect(b3.value()).toMatchObject({ errorCode: 0, generationId: 3, leaderId: b.value().memberId });
  });

  test('members that do not rejoin within the rebalance timeout are dropped', async () => {
    const c = await start();
    const a = await joinNew(c, 'g', { rebalanceTimeoutMs: 2000, sessionTimeoutMs: 10_000 });
    await sync(c, 'g', a, []);
    const b = track(c.joinGroup(joinParams('g', '', { rebalanceTimeoutMs: 2000, sessionTimeoutMs: 10_000 })));
    await flush(1000);
    expect(b.done()).toBe(false);
    // a keeps its session alive but never rejoins.
    c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null });
    await flush(1100);
    expect(b.value()).toMatchObject({ errorCode: 0, generationId: 2, leaderId: b.value().memberId });
    expect(c.group('g')?.has(a.memberId)).toBe(false);
    expect(c.heartbeat({ groupId: 'g', generationId: 2, memberId: a.memberId, groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('a member that never sends SyncGroup is removed after the rebalance timeout', async () => {
    const c = await start();
    const timeouts = { rebalanceTimeoutMs: 1000, sessionTimeoutMs: 5000 };
    const a = await joinNew(c, 'g', timeouts);
    const b = track(c.joinGroup(joinParams('g', '', timeouts)));
    await flush();
    // a's generation-1 sync is answered REBALANCE_IN_PROGRESS; it rejoins.
    const a2 = track(c.joinGroup(joinParams('g', a.memberId, timeouts)));
    await flush();
    expect(a2.value().generationId).toBe(2);
    // Only the leader syncs; b stays silent.
    const aSync = await sync(c, 'g', a2.value(), []);
    expect(aSync.errorCode).toBe(0);
    await flush(1001);
    expect(c.group('g')?.has(b.value().memberId)).toBe(false);
    expect(c.group('g')?.state).toBe('PreparingRebalance');
  });

  test('group.initial.rebalance.delay.ms holds a new group open and each arrival extends it', async () => {
    const c = await start({ initialRebalanceDelayMs: 300 });
    const a = track(c.joinGroup(joinParams('g', '', { rebalanceTimeoutMs: 10_000 })));
    await flush(200);
    const b = track(c.joinGroup(joinParams('g', '', { rebalanceTimeoutMs: 10_000 })));
    await flush(200);
    expect(a.done()).toBe(false);
    await flush(300);
    expect(a.value()).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(b.value()).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(c.group('g')?.size).toBe(2);
  });

  test('static membership: a restarted instance takes over its slot without a rebalance and fences the old id', async () => {
    const c = await start();
    const first = await joinNew(c, 'g', { groupInstanceId: 'instance-1' });
    expect(first.memberId).toMatch(/^instance-1-/);
    await sync(c, 'g', first, [{ memberId: first.memberId, assignment: Buffer.from('mine') }]);

    const again = await c.joinGroup(joinParams('g', '', { groupInstanceId: 'instance-1' }));
    await flush();
    expect(again.errorCode).toBe(0);
    expect(again.memberId).not.toBe(first.memberId);
    expect(again.generationId).toBe(1);
    // The old leader id comes back so the restarted leader does not compute an assignment nobody would get.
    expect(again.leaderId).toBe(first.memberId);
    expect(c.group('g')?.state).toBe('Stable');
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: 'instance-1' })).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: again.memberId, groupInstanceId: 'instance-1' })).toBe(ErrorCode.NONE);
    const synced = await c.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: again.memberId,
      groupInstanceId: 'instance-1',
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    });
    expect(synced.assignment.toString()).toBe('mine');

    const removed = c.leaveGroup('g', [{ memberId: '', groupInstanceId: 'instance-1', reason: 'admin' }]);
    expect(removed.members[0].errorCode).toBe(ErrorCode.NONE);
    await flush();
    expect(c.group('g')?.state).toBe('Empty');
  });

  test('group.max.size, inconsistent protocols and session timeout bounds', async () => {
    const c = await start({ maxGroupSize: 1 });
    const a = await joinNew(c, 'g');
    await sync(c, 'g', a, []);
    expect((await c.joinGroup(joinParams('g', ''))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    const other = await joinNew(c, 'other');
    await sync(c, 'other', other, []);
    c.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null, reason: null }]);
    expect((await c.joinGroup(joinParams('other', '', { protocolType: 'connect' }))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    const c2 = await start({ maxGroupSize: 5 });
    const b = await joinNew(c2, 'h');
    await sync(c2, 'h', b, []);
    expect((await c2.joinGroup(joinParams('h', '', { protocolType: 'connect' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const otherProtocol = [{ name: 'roundrobin', metadata: subscription(['t']) }];
    expect((await c2.joinGroup(joinParams('h', '', { protocols: otherProtocol }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await c.joinGroup(joinParams('g', '', { sessionTimeoutMs: 50 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await c.joinGroup(joinParams('g', '', { sessionTimeoutMs: 60_001 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await c.joinGroup(joinParams('', ''))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  test('protocol selection: the protocol all members support with the most first-choice votes', async () => {
    const c = await start();
    const p = (names: string[]) => names.map((name) => ({ name, metadata: subscription(['t']) }));
    const a = track(c.joinGroup(joinParams('g', '', { protocols: p(['roundrobin', 'range', 'sticky']) })));
    const b = track(c.joinGroup(joinParams('g', '', { protocols: p(['range', 'roundrobin']) })));
    const d = track(c.joinGroup(joinParams('g', '', { protocols: p(['range', 'sticky', 'roundrobin']) })));
    // Members arriving during the (zero) initial delay extend it once more before the join completes.
    await flush(10);
    for (const r of [a, b, d]) expect(r.value().protocolName).toBe('range');
  });

  test('LeaveGroup: batched results, the group empties and persists as Empty', async () => {
    const c = await start();
    const a = await joinNew(c, 'g');
    await sync(c, 'g', a, []);
    const left = c.leaveGroup('g', [
      { memberId: a.memberId, groupInstanceId: null, reason: 'bye' },
      { memberId: 'ghost', groupInstanceId: null, reason: null },
    ]);
    expect(left.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    await flush();
    expect(c.group('g')?.state).toBe('Empty');
    expect(c.group('g')?.generationId).toBe(2);
  });

  test('offset commits: members by generation, admin commits only to empty groups', async () => {
    const c = await start();
    const commit = (generationId: number, memberId: string, metadata = 'm') =>
      c.commitOffsets({
        groupId: 'g',
        generationId,
        memberId,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        apiVersion: 8,
        partitions: [{ topic: 't', partition: 0, offset: 10n, leaderEpoch: -1, metadata, commitTimestamp: -1n }],
      });
    expect(await commit(3, 'x')).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    const v9 = await c.commitOffsets({
      groupId: 'g',
      generationId: 3,
      memberId: 'x',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      apiVersion: 9,
      partitions: [{ topic: 't', partition: 0, offset: 1n, leaderEpoch: -1, metadata: '', commitTimestamp: -1n }],
    });
    expect(v9).toEqual([ErrorCode.GROUP_ID_NOT_FOUND]);
    const a = await joinNew(c, 'g');
    expect(await commit(1, a.memberId)).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    await sync(c, 'g', a, []);
    expect(await commit(1, a.memberId)).toEqual([ErrorCode.NONE]);
    expect(await commit(2, a.memberId)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(await commit(1, 'stranger')).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(await commit(-1, '')).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(await commit(1, a.memberId, 'x'.repeat(101))).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE]);

    const fetched = c.fetchOffsets('g', [{ topic: 't', partitions: [0, 1] }]);
    expect(fetched.topics[0].partitions).toEqual([
      { partition: 0, offset: 10n, leaderEpoch: -1, metadata: 'm', errorCode: 0 },
      { partition: 1, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: 0 },
    ]);

    // A commit with generation -1 to an unknown group creates a "simple" group.
    const simple = await c.commitOffsets({
      groupId: 'simple',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      apiVersion: 2,
      partitions: [{ topic: 't', partition: 2, offset: 5n, leaderEpoch: -1, metadata: null, commitTimestamp: -1n }],
    });
    expect(simple).toEqual([ErrorCode.NONE]);
    expect(c.listGroups([], []).find((g) => g.groupId === 'simple')).toEqual({ groupId: 'simple', protocolType: '', state: 'Empty', groupType: 'classic' });
  });

  test('OffsetDelete refuses subscribed topics of a live consumer group and deletes the rest', async () => {
    const c = await start();
    await stableGroupWithDroppedTopic(c);
    const result = await c.deleteOffsets('g', [
      { topic: 't', partitions: [0] },
      { topic: 'old', partitions: [0] },
    ]);
    expect(result.errorCode).toBe(0);
    expect(result.topics.map((t) => t.partitions[0].errorCode)).toEqual([ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.NONE]);
    expect(c.fetchOffsets('g', null).topics.map((t) => t.topic)).toEqual(['t']);
    expect((await c.deleteOffsets('nope', [])).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  test('DeleteGroups: empty groups go with their offsets, live groups stay', async () => {
    const c = await start();
    await commitWithoutGeneration(c, 'empty', 1n);
    const a = await joinNew(c, 'live');
    await sync(c, 'live', a, []);
    expect(await c.deleteGroups(['empty', 'live', 'missing'])).toEqual([
      { groupId: 'empty', errorCode: ErrorCode.NONE },
      { groupId: 'live', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(c.group('empty')).toBeUndefined();
    expect(c.fetchOffsets('empty', null).topics).toEqual([]);
  });

  test('state is rebuilt from __consumer_offsets: offsets, generations, members and deletions', async () => {
    const c1 = await start();
    const a = await joinNew(c1, 'stable');
    await sync(c1, 'stable', a, [{ memberId: a.memberId, assignment: Buffer.from('assigned') }]);
    await c1.commitOffsets({
      groupId: 'stable',
      generationId: 1,
      memberId: a.memberId,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      apiVersion: 8,
      partitions: [{ topic: 't', partition: 3, offset: 33n, leaderEpoch: 2, metadata: 'meta', commitTimestamp: -1n }],
    });
    await commitWithoutGeneration(c1, 'gone', 1n);
    await c1.deleteGroups(['gone']);
    c1.shutdown();

    const c2 = await start();
    const g = c2.group('stable');
    expect(g?.state).toBe('Stable');
    expect(g?.generationId).toBe(1);
    expect(g?.leaderId).toBe(a.memberId);
    expect(g?.get(a.memberId).assignment.toString()).toBe('assigned');
    expect(c2.fetchOffsets('stable', null).topics).toEqual([
      { topic: 't', partitions: [{ partition: 3, offset: 33n, leaderEpoch: 2, metadata: 'meta', errorCode: 0 }] },
    ]);
    expect(c2.group('gone')).toBeUndefined();
    // The restored member still has to heartbeat within its session.
    expect(c2.heartbeat({ groupId: 'stable', generationId: 1, memberId: a.memberId, groupInstanceId: null })).toBe(ErrorCode.NONE);
    await flush(1001);
    expect(c2.group('stable')?.has(a.memberId)).toBe(false);
  });

  test('offsets of an empty group expire after offsets.retention.ms, then the group goes away', async () => {
    const c = await start({ offsetsRetentionMs: 10_000 });
    await commitWithoutGeneration(c, 'idle', 7n);
    await expectExpiry(c, 'idle', 5_000, 5_001);
    c.shutdown();
    const reloaded = await start();
    expect(reloaded.group('idle')).toBeUndefined();
  });

  test('a Stable consumer group loses only the offsets of topics it no longer subscribes to', async () => {
    const c = await start({ offsetsRetentionMs: 10_000 });
    await stableGroupWithDroppedTopic(c, { sessionTimeoutMs: 60_000 });
    await flush(10_001);
    await c.expireOffsets();
    expect(c.fetchOffsets('g', null).topics.map((t) => t.topic)).toEqual(['t']);
    expect(c.group('g')?.state).toBe('Stable');
  });

  test('an explicit retention time (OffsetCommit v2-4) expires the offset even while the group is in use', async () => {
    const c = await start({ offsetsRetentionMs: 1_000_000 });
    await commitWithoutGeneration(c, 'simple', 1n, { retentionTimeMs: 2_000n, apiVersion: 2 });
    await expectExpiry(c, 'simple', 1_000, 1_000);
  });

  test('a failed write of the assignment fails the SyncGroup and restarts the rebalance', async () => {
    const c = await start();
    await c.ensureOffsetsTopic();
    const a = await joinNew(c, 'g');
    const log = storage.partition(OFFSETS_TOPIC, c.partitionFor('g'));
    if (!log) throw new Error('offsets partition missing');
    log.failWith = new Error('disk full');
    const synced = await sync(c, 'g', a, [{ memberId: a.memberId, assignment: Buffer.from('x') }]);
    expect(synced.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(c.group('g')?.state).toBe('PreparingRebalance');
    log.failWith = null;
    const rejoined = track(c.joinGroup(joinParams('g', a.memberId)));
    await flush();
    expect(rejoined.value()).toMatchObject({ errorCode: 0, generationId: 2 });
  });

  test('KIP-848 consumer groups are stored and reloaded: epochs, members and assignments', async () => {
    const topics = {
      topic: (name: string) => (name === 'orders' ? { topicId: '00000000-0000-0000-0000-00000000000a', partitions: 4 } : undefined),
      topicById: () => undefined,
    };
    const c1 = await GroupCoordinator.start({ storage, topics, config: BASE_CONFIG, logger: silentLogger() });
    coordinators.push(c1);
    const base = {
      apiVersion: 1,
      groupId: 'cg',
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['orders'],
      subscribedTopicRegex: null,
      serverAssignor: 'range',
      topicPartitions: [],
      clientId: 'c',
      clientHost: '/127.0.0.1',
    };
    const a = await c1.consumerGroups.heartbeat({ ...base, memberId: 'a', memberEpoch: 0 });
    expect(a.memberEpoch).toBe(2);
    const b = await c1.consumerGroups.heartbeat({ ...base, memberId: 'b', memberEpoch: 0 });
    expect(b.memberEpoch).toBe(3);
    c1.shutdown();

    const c2 = await GroupCoordinator.start({ storage, topics, config: BASE_CONFIG, logger: silentLogger() });
    coordinators.push(c2);
    const described = c2.consumerGroups.describe('cg');
    expect(described).toMatchObject({ groupEpoch: 3, assignmentEpoch: 3, assignorName: 'range', state: 'Reconciling' });
    expect(described?.members.map((m) => [m.memberId, m.memberEpoch])).toEqual([
      ['a', 2],
      ['b', 3],
    ]);
    expect(described?.members[0].assignment[0].partitions).toEqual([0, 1, 2, 3]);
    expect(described?.members[1].targetAssignment[0].partitions).toEqual([2, 3]);
    // The reloaded member carries on with its epoch, and is asked to revoke what b is waiting for.
    const again = await c2.consumerGroups.heartbeat({ ...base, memberId: 'a', memberEpoch: 2, subscribedTopicNames: null, topicPartitions: null });
    expect(again).toMatchObject({ errorCode: 0, memberEpoch: 2 });
    expect(again.assignment?.[0].partitions).toEqual([0, 1]);

    // Once empty and deleted, nothing comes back.
    await c2.consumerGroups.heartbeat({ ...base, memberId: 'a', memberEpoch: -1, topicPartitions: null });
    await c2.consumerGroups.heartbeat({ ...base, memberId: 'b', memberEpoch: -1, topicPartitions: null });
    expect(await c2.deleteGroups(['cg'])).toEqual([{ groupId: 'cg', errorCode: 0 }]);
    c2.shutdown();
    const c3 = await GroupCoordinator.start({ storage, topics, config: BASE_CONFIG, logger: silentLogger() });
    coordinators.push(c3);
    expect(c3.consumerGroups.describe('cg')).toBeUndefined();
  });

  test('shutdown answers waiting JoinGroup requests with NOT_COORDINATOR', async () => {
    const c = await start({ initialRebalanceDelayMs: 10_000 });
    const pending = c.joinGroup(joinParams('g', ''));
    c.shutdown();
    expect((await pending).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
