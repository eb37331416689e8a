// The classic group APIs' error answers over the wire: unknown groups and members, wrong generations, bad session
// timeouts, inconsistent protocols, groups that may not be deleted, FindCoordinator key types, and OffsetFetch of
// several groups at once with OffsetDelete.
import { JoinGroupRequestCodec } from '../../codecs/generated/JoinGroupRequest';
import { JoinGroupResponseCodec } from '../../codecs/generated/JoinGroupResponse';
import { SyncGroupRequestCodec } from '../../codecs/generated/SyncGroupRequest';
import { SyncGroupResponseCodec } from '../../codecs/generated/SyncGroupResponse';
import { HeartbeatRequestCodec } from '../../codecs/generated/HeartbeatRequest';
import { HeartbeatResponseCodec } from '../../codecs/generated/HeartbeatResponse';
import { LeaveGroupRequestCodec } from '../../codecs/generated/LeaveGroupRequest';
import { LeaveGroupResponseCodec } from '../../codecs/generated/LeaveGroupResponse';
import { OffsetCommitRequestCodec } from '../../codecs/generated/OffsetCommitRequest';
import { OffsetCommitResponseCodec } from '../../codecs/generated/OffsetCommitResponse';
import { OffsetFetchRequestCodec } from '../../codecs/generated/OffsetFetchRequest';
import { OffsetFetchResponseCodec } from '../../codecs/generated/OffsetFetchResponse';
import { OffsetDeleteRequestCodec } from '../../codecs/generated/OffsetDeleteRequest';
import { OffsetDeleteResponseCodec } from '../../codecs/generated/OffsetDeleteResponse';
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec } from '../../codecs/generated/DescribeGroupsResponse';
import { ListGroupsRequestCodec } from '../../codecs/generated/ListGroupsRequest';
import { ListGroupsResponseCodec } from '../../codecs/generated/ListGroupsResponse';
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { DeleteGroupsRequestCodec } from '../../codecs/generated/DeleteGroupsRequest';
import { DeleteGroupsResponseCodec } from '../../codecs/generated/DeleteGroupsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { rawGroupsSuite } from '../helpers/groups';
import { subscriptionMetadata } from '../helpers/consumer-protocol';

jest.setTimeout(60000);

/** The two-partition topic the OffsetFetch test commits to. */
const OFFSETS_TOPIC_NAME = 'groups-errors-offsets';

describe('group API error answers', () => {
  const s = rawGroupsSuite('eddy-groups-errors-', { name: OFFSETS_TOPIC_NAME, partitions: 2 });

  const joinV5 = (groupId: string, memberId: string, extra: { sessionTimeoutMs?: number; protocolType?: string; protocol?: string } = {}) =>
    s.raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, 5, {
      groupId,
      sessionTimeoutMs: extra.sessionTimeoutMs ?? 10000,
      rebalanceTimeoutMs: 10000,
      memberId,
      protocolType: extra.protocolType ?? 'consumer',
      protocols: [{ name: extra.protocol ?? 'range', metadata: subscriptionMetadata(['x']) }],
    });

  test('unknown group and unknown member', async () => {
    const hb = await s.raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, { groupId: 'no-such-group', generationId: 1, memberId: 'm' });
    expect(hb.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const join = await joinV5('no-such-group', 'stale-member-id');
    expect(join.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const sync = await s.raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 3, {
      groupId: 'no-such-group',
      generationId: 1,
      memberId: 'm',
      assignments: [],
    });
    expect(sync.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const leave = await s.raw.request(LeaveGroupRequestCodec, LeaveGroupResponseCodec, 3, { groupId: 'no-such-group', members: [{ memberId: 'm' }] });
    expect(leave.errorCode).toBe(ErrorCode.NONE);
    expect(leave.members[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const describe = await s.raw.request(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 6, { groups: ['no-such-group'] });
    expect(describe.groups[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const describeOld = await s.raw.request(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 2, { groups: ['no-such-group'] });
    expect(describeOld.groups[0]).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Dead' });
    const del = await s.raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, 1, { groupsNames: ['no-such-group'] });
    expect(del.results[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const offDel = await s.raw.request(OffsetDeleteRequestCodec, OffsetDeleteResponseCodec, 0, { groupId: 'no-such-group', topics: [] });
    expect(offDel.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  test('wrong generation, unknown member of a live group, bad session timeout, inconsistent protocol', async () => {
    const groupId = 'raw-errors';
    const first = await joinV5(groupId, '');
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^raw-test-[0-9a-f-]{36}$/);
    const joined = await joinV5(groupId, first.memberId);
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: first.memberId, protocolName: 'range' });
    expect(joined.members.map((m) => m.memberId)).toEqual([first.memberId]);

    const wrongGen = await s.raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 3, {
      groupId,
      generationId: 99,
      memberId: joined.memberId,
      assignments: [],
    });
    expect(wrongGen.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const sync = await s.raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 3, {
      groupId,
      generationId: 1,
      memberId: joined.memberId,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('mine') }],
    });
    expect(sync).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(sync.assignment.toString()).toBe('mine');

    const hbGen = await s.raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, { groupId, generationId: 0, memberId: joined.memberId });
    expect(hbGen.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const hbMember = await s.raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, { groupId, generationId: 1, memberId: 'someone-else' });
    expect(hbMember.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const hbOk = await s.raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, { groupId, generationId: 1, memberId: joined.memberId });
    expect(hbOk.errorCode).toBe(ErrorCode.NONE);

    const commitGen = await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 5, {
      groupId,
      generationIdOrMemberEpoch: 7,
      memberId: joined.memberId,
      topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    });
    expect(commitGen.topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const commitAnon = await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 5, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    });
    expect(commitAnon.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const commitUnknownTopic = await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 5, {
      groupId,
      generationIdOrMemberEpoch: 1,
      memberId: joined.memberId,
      topics: [{ name: 'no-such-topic', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    });
    expect(commitUnknownTopic.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

    const badSession = await joinV5(groupId, '', { sessionTimeoutMs: 10 });
    expect(badSession.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    const otherType = await joinV5(groupId, '', { protocolType: 'connect' });
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const otherProtocol = await joinV5(groupId, '', { protocol: 'roundrobin' });
    expect(otherProtocol.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    const offDel = await s.raw.request(OffsetDeleteRequestCodec, OffsetDeleteResponseCodec, 0, { groupId, topics: [] });
    expect(offDel.errorCode).toBe(ErrorCode.NONE);
    const delLive = await s.raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, 1, { groupsNames: [groupId] });
    expect(delLive.results[0].errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);

    const listed = await s.raw.request(ListGroupsRequestCodec, ListGroupsResponseCodec, 5, { statesFilter: ['stable'], typesFilter: ['Classic'] });
    expect(listed.groups).toEqual(expect.arrayContaining([{ groupId, protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }]));
    const listedEmpty = await s.raw.request(ListGroupsRequestCodec, ListGroupsResponseCodec, 4, { statesFilter: ['Empty'] });
    expect(listedEmpty.groups.map((g) => g.groupId)).not.toContain(groupId);

    const leave = await s.raw.request(LeaveGroupRequestCodec, LeaveGroupResponseCodec, 1, { groupId, memberId: joined.memberId });
    expect(leave.errorCode).toBe(ErrorCode.NONE);
    const leaveAgain = await s.raw.request(LeaveGroupRequestCodec, LeaveGroupResponseCodec, 1, { groupId, memberId: joined.memberId });
    expect(leaveAgain.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(s.broker.groups.group(groupId)?.state).toBe('Empty');
  });

  test('FindCoordinator single and batched keys', async () => {
    const v2 = await s.raw.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 2, { key: 'g', keyType: 0 });
    expect(v2).toMatchObject({ errorCode: ErrorCode.NONE, nodeId: s.broker.identity.nodeId, port: s.broker.port });
    const v4 = await s.raw.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType: 1, coordinatorKeys: ['txn-a', 'txn-b'] });
    expect(v4.coordinators.map((c) => [c.key, c.errorCode, c.port])).toEqual([
      ['txn-a', ErrorCode.NONE, s.broker.port],
      ['txn-b', ErrorCode.NONE, s.broker.port],
    ]);
    const badType = await s.raw.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType: 7, coordinatorKeys: ['x'] });
    expect(badType.coordinators[0].errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  test('OffsetFetch v8 fetches several groups at once; committed metadata round-trips', async () => {
    const topic = OFFSETS_TOPIC_NAME;
    const commit = await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 8, {
      groupId: 'simple-a',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: topic, partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: 3, committedMetadata: 'note' }] }],
    });
    expect(commit.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    const tooLarge = await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 8, {
      groupId: 'simple-a',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: 'x'.repeat(5000) }] }],
    });
    expect(tooLarge.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
    const fetched = await s.raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 8, {
      groups: [
        { groupId: 'simple-a', topics: null },
        { groupId: 'simple-b', topics: [{ name: topic, partitionIndexes: [0, 1] }] },
      ],
      requireStable: true,
    });
    expect(fetched.groups[0].topics).toEqual([
      {
        name: topic,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: 3, metadata: 'note', errorCode: 0 }],
      },
    ]);
    expect(fetched.groups[1].topics[0].partitions.map((p) => p.committedOffset)).toEqual([-1n, -1n]);

    const deleted = await s.raw.request(OffsetDeleteRequestCodec, OffsetDeleteResponseCodec, 0, {
      groupId: 'simple-a',
      topics: [
        { name: topic, partitions: [{ partitionIndex: 1 }] },
        { name: 'nope', partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(deleted.errorCode).toBe(ErrorCode.NONE);
    // Kafka's response builder lists the topics it refused itself before the coordinator's results.
    expect(deleted.topics.map((t) => [t.name, t.partitions[0].errorCode])).toEqual([
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      [topic, ErrorCode.NONE],
    ]);
    const after = await s.raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 4, {
      groupId: 'simple-a',
      topics: [{ name: topic, partitionIndexes: [1] }],
    });
    expect(after.topics[0].partitions[0].committedOffset).toBe(-1n);
  });
});
