// Every version of the classic group APIs Eddy advertises, spoken byte by byte: JoinGroup/SyncGroup/Heartbeat/
// LeaveGroup rounds, OffsetCommit read back with OffsetFetch (by name and by topic id), FindCoordinator,
// DescribeGroups, ListGroups and DeleteGroups.
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
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec } from '../../codecs/generated/DescribeGroupsResponse';
import { ListGroupsRequestCodec } from '../../codecs/generated/ListGroupsRequest';
import { ListGroupsResponseCodec } from '../../codecs/generated/ListGroupsResponse';
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { DeleteGroupsRequestCodec } from '../../codecs/generated/DeleteGroupsRequest';
import { DeleteGroupsResponseCodec } from '../../codecs/generated/DeleteGroupsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { rawGroupsSuite, versions } from '../helpers/groups';
import { subscriptionMetadata } from '../helpers/consumer-protocol';

jest.setTimeout(60000);

describe('every version of the group APIs', () => {
  const s = rawGroupsSuite('eddy-groups-versions-', { name: 'versions', partitions: 2 });

  test.each(versions(JoinGroupRequestCodec))('JoinGroup v%i, SyncGroup, Heartbeat, LeaveGroup round', async (v) => {
    const groupId = `versions-join-${v}`;
    const join = (memberId: string) =>
      s.raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, v, {
        groupId,
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 10000,
        memberId,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscriptionMetadata(['versions']) }],
      });
    let joined = await join('');
    if (v >= 4) {
      expect(joined.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
      joined = await join(joined.memberId);
    }
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: 'range' });
    expect(joined.leader).toBe(joined.memberId);
    if (v >= 7) expect(joined.protocolType).toBe('consumer');

    const syncVersion = Math.min(v, SyncGroupRequestCodec.maxVersion);
    const synced = await s.raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, syncVersion, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      ...(syncVersion >= 5 ? { protocolType: 'consumer', protocolName: 'range' } : {}),
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from([1, 2, 3]) }],
    });
    expect(synced.errorCode).toBe(ErrorCode.NONE);
    expect([...synced.assignment]).toEqual([1, 2, 3]);

    const hbVersion = Math.min(v, HeartbeatRequestCodec.maxVersion);
    const hb = await s.raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, hbVersion, { groupId, generationId: 1, memberId: joined.memberId });
    expect(hb.errorCode).toBe(ErrorCode.NONE);

    const leaveVersion = Math.min(v, LeaveGroupRequestCodec.maxVersion);
    const leave = await s.raw.request(
      LeaveGroupRequestCodec,
      LeaveGroupResponseCodec,
      leaveVersion,
      leaveVersion >= 3 ? { groupId, members: [{ memberId: joined.memberId }] } : { groupId, memberId: joined.memberId },
    );
    expect(leave.errorCode).toBe(ErrorCode.NONE);
    if (leaveVersion >= 3) expect(leave.members).toEqual([{ memberId: joined.memberId, groupInstanceId: null, errorCode: 0 }]);
    expect(s.broker.groups.group(groupId)?.state).toBe('Empty');
  });

  test('SyncGroup v5 checks the protocol type and name', async () => {
    const groupId = 'versions-sync-5';
    const joined = await s.raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, 3, {
      groupId,
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 10000,
      memberId: '',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscriptionMetadata(['versions']) }],
    });
    const wrong = await s.raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 5, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      protocolType: 'consumer',
      protocolName: 'sticky',
      assignments: [],
    });
    expect(wrong.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const right = await s.raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 5, {
      groupId,
      generationId: joined.generationId,
      memberId: joined.memberId,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    });
    expect(right).toMatchObject({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range' });
  });

  test.each(versions(OffsetCommitRequestCodec))('OffsetCommit v%i and OffsetFetch read it back', async (v) => {
    const groupId = `versions-commit-${v}`;
    const committed = await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, v, {
      groupId,
      topics: [
        {
          ...(v >= 10 ? { topicId: s.topicId } : { name: 'versions' }),
          partitions: [{ partitionIndex: 1, committedOffset: BigInt(100 + v), committedMetadata: `v${v}` }],
        },
      ],
    });
    expect(committed.topics[0].partitions[0]).toEqual({ partitionIndex: 1, errorCode: ErrorCode.NONE });
    if (v >= 10) expect(committed.topics[0].topicId).toBe(s.topicId);
    else expect(committed.topics[0].name).toBe('versions');

    const fetchVersion = Math.min(v, OffsetFetchRequestCodec.maxVersion);
    const fetched = await s.raw.request(
      OffsetFetchRequestCodec,
      OffsetFetchResponseCodec,
      fetchVersion,
      fetchVersion >= 8
        ? { groups: [{ groupId, topics: [{ ...(fetchVersion >= 10 ? { topicId: s.topicId } : { name: 'versions' }), partitionIndexes: [0, 1] }] }] }
        : { groupId, topics: [{ name: 'versions', partitionIndexes: [0, 1] }] },
    );
    const partitions = fetchVersion >= 8 ? fetched.groups[0].topics[0].partitions : fetched.topics[0].partitions;
    expect(partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])).toEqual([
      [0, -1n, '', ErrorCode.NONE],
      [1, BigInt(100 + v), `v${v}`, ErrorCode.NONE],
    ]);
  });

  test('OffsetCommit v10 and OffsetFetch v10 report unknown topic ids', async () => {
    const unknownId = '11111111-2222-3333-4444-555555555555';
    const committed = await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 10, {
      groupId: 'versions-ids',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ topicId: unknownId, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    });
    expect(committed.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
    const fetched = await s.raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 10, {
      groups: [{ groupId: 'versions-ids', topics: [{ topicId: unknownId, partitionIndexes: [0] }] }],
    });
    expect(fetched.groups[0].topics[0]).toMatchObject({ topicId: unknownId, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }] });
  });

  test.each(versions(FindCoordinatorRequestCodec))('FindCoordinator v%i', async (v) => {
    const body = v >= 4 ? { keyType: 0, coordinatorKeys: ['g'] } : v >= 1 ? { key: 'g', keyType: 0 } : { key: 'g' };
    const res = await s.raw.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, v, body);
    if (v >= 4) expect(res.coordinators).toEqual([expect.objectContaining({ key: 'g', nodeId: s.broker.identity.nodeId, port: s.broker.port, errorCode: 0 })]);
    else expect(res).toMatchObject({ errorCode: 0, nodeId: s.broker.identity.nodeId, host: '127.0.0.1', port: s.broker.port });
  });

  test.each(versions(DescribeGroupsRequestCodec))('DescribeGroups v%i', async (v) => {
    await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 2, {
      groupId: 'versions-described',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 'versions', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    });
    const res = await s.raw.request(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, v, {
      groups: ['versions-described'],
      includeAuthorizedOperations: v >= 3,
    });
    expect(res.groups[0]).toMatchObject({ errorCode: 0, groupId: 'versions-described', groupState: 'Empty', protocolType: '', members: [] });
  });

  test.each(versions(ListGroupsRequestCodec))('ListGroups v%i', async (v) => {
    const res = await s.raw.request(ListGroupsRequestCodec, ListGroupsResponseCodec, v, {});
    expect(res.errorCode).toBe(0);
    expect(res.groups.length).toBeGreaterThan(0);
  });

  test.each(versions(DeleteGroupsRequestCodec))('DeleteGroups v%i', async (v) => {
    const groupId = `versions-delete-${v}`;
    await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 2, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 'versions', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
    });
    const res = await s.raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, v, { groupsNames: [groupId, `${groupId}-missing`] });
    expect(res.results).toEqual([
      { groupId, errorCode: ErrorCode.NONE },
      { groupId: `${groupId}-missing`, errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
  });
});
