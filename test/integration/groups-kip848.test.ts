// KIP-848 consumer groups over the wire: ConsumerGroupHeartbeat members sharing partitions through revocation,
// offset commits checked against member epochs, ConsumerGroupDescribe, and how the classic APIs (ListGroups,
// DescribeGroups, JoinGroup, DeleteGroups) see such a group.
import { JoinGroupRequestCodec } from '../../codecs/generated/JoinGroupRequest';
import { JoinGroupResponseCodec } from '../../codecs/generated/JoinGroupResponse';
import { OffsetCommitRequestCodec } from '../../codecs/generated/OffsetCommitRequest';
import { OffsetCommitResponseCodec } from '../../codecs/generated/OffsetCommitResponse';
import { OffsetFetchRequestCodec } from '../../codecs/generated/OffsetFetchRequest';
import { OffsetFetchResponseCodec } from '../../codecs/generated/OffsetFetchResponse';
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec } from '../../codecs/generated/DescribeGroupsResponse';
import { ListGroupsRequestCodec } from '../../codecs/generated/ListGroupsRequest';
import { ListGroupsResponseCodec } from '../../codecs/generated/ListGroupsResponse';
import { DeleteGroupsRequestCodec } from '../../codecs/generated/DeleteGroupsRequest';
import { DeleteGroupsResponseCodec } from '../../codecs/generated/DeleteGroupsResponse';
import { ConsumerGroupHeartbeatRequestCodec } from '../../codecs/generated/ConsumerGroupHeartbeatRequest';
import { ConsumerGroupHeartbeatResponseCodec } from '../../codecs/generated/ConsumerGroupHeartbeatResponse';
import { ConsumerGroupDescribeRequestCodec } from '../../codecs/generated/ConsumerGroupDescribeRequest';
import { ConsumerGroupDescribeResponseCodec } from '../../codecs/generated/ConsumerGroupDescribeResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { rawGroupsSuite } from '../helpers/groups';
import { subscriptionMetadata } from '../helpers/consumer-protocol';

jest.setTimeout(60000);

describe('KIP-848 consumer groups over the wire', () => {
  const s = rawGroupsSuite('eddy-groups-kip848-', { name: 'kip848', partitions: 4 });

  const heartbeat = (memberId: string, memberEpoch: number, extra: Record<string, unknown> = {}) =>
    s.raw.request(ConsumerGroupHeartbeatRequestCodec, ConsumerGroupHeartbeatResponseCodec, 1, {
      groupId: 'kip848-group',
      memberId,
      memberEpoch,
      rebalanceTimeoutMs: 30000,
      ...extra,
    });
  const partitionsOf = (r: { assignment: { topicPartitions: Array<{ partitions: number[] }> } | null }) =>
    (r.assignment?.topicPartitions ?? []).flatMap((t) => t.partitions).sort((a, b) => a - b);

  test('two members share partitions, commit with their epochs, and the group shows up as a consumer group', async () => {
    const a = await heartbeat('member-a', 0, { subscribedTopicNames: ['kip848'], topicPartitions: [] });
    expect(a).toMatchObject({ errorCode: 0, memberId: 'member-a', memberEpoch: 2 });
    expect(partitionsOf(a)).toEqual([0, 1, 2, 3]);

    const b = await heartbeat('member-b', 0, { subscribedTopicNames: ['kip848'], topicPartitions: [] });
    expect(b.memberEpoch).toBe(3);
    const aRevoke = await heartbeat('member-a', 2);
    const kept = partitionsOf(aRevoke);
    expect(kept).toHaveLength(2);
    const aDone = await heartbeat('member-a', 2, { topicPartitions: [{ topicId: s.topicId, partitions: kept }] });
    expect(aDone.memberEpoch).toBe(3);
    const bDone = await heartbeat('member-b', 3);
    expect(partitionsOf(bDone)).toEqual([0, 1, 2, 3].filter((p) => !kept.includes(p)));

    const given = [0, 1, 2, 3].filter((p) => !kept.includes(p));
    const commit = async (memberId: string, epoch: number, partitions = [kept[0]]) =>
      (
        await s.raw.request(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 9, {
          groupId: 'kip848-group',
          generationIdOrMemberEpoch: epoch,
          memberId,
          topics: [{ name: 'kip848', partitions: partitions.map((p) => ({ partitionIndex: p, committedOffset: 12n, committedMetadata: null })) }],
        })
      ).topics[0].partitions.map((p) => p.errorCode);
    expect(await commit('member-a', 3)).toEqual([ErrorCode.NONE]);
    // KIP-1251 (Kafka 4.3): a late commit from epoch 2 is accepted for what member-a has held since epoch 2, refused
    // for the whole request when it names a partition member-a gave up; member-b got its partitions at epoch 3.
    expect(await commit('member-a', 2)).toEqual([ErrorCode.NONE]);
    expect(await commit('member-a', 2, [kept[1], given[0]])).toEqual([ErrorCode.STALE_MEMBER_EPOCH, ErrorCode.STALE_MEMBER_EPOCH]);
    expect(await commit('member-a', 4)).toEqual([ErrorCode.STALE_MEMBER_EPOCH]);
    expect(await commit('member-b', 3, given)).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    expect(await commit('member-b', 2, given)).toEqual([ErrorCode.STALE_MEMBER_EPOCH, ErrorCode.STALE_MEMBER_EPOCH]);
    const fetched = await s.raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 8, {
      groups: [{ groupId: 'kip848-group', topics: [{ name: 'kip848', partitionIndexes: [kept[0]] }] }],
    });
    expect(fetched.groups[0].topics[0].partitions[0].committedOffset).toBe(12n);

    const described = await s.raw.request(ConsumerGroupDescribeRequestCodec, ConsumerGroupDescribeResponseCodec, 1, { groupIds: ['kip848-group', 'nope'] });
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Stable', groupEpoch: 3, assignmentEpoch: 3, assignorName: 'uniform' });
    expect(described.groups[0].members.map((m) => m.memberId).sort()).toEqual(['member-a', 'member-b']);
    expect(described.groups[0].members[0].assignment.topicPartitions[0].topicName).toBe('kip848');
    expect(described.groups[1].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    const listed = await s.raw.request(ListGroupsRequestCodec, ListGroupsResponseCodec, 5, { typesFilter: ['consumer'] });
    expect(listed.groups).toEqual([{ groupId: 'kip848-group', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
    const classicView = await s.raw.request(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 6, { groups: ['kip848-group'] });
    expect(classicView.groups[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const classicJoin = (protocolType: string) =>
      s.raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, 5, {
        groupId: 'kip848-group',
        sessionTimeoutMs: 10000,
        rebalanceTimeoutMs: 10000,
        memberId: '',
        protocolType,
        protocols: [{ name: 'range', metadata: subscriptionMetadata(['kip848']) }],
      });
    // Kafka 4 admits a consumer-protocol JoinGroup into a consumer group as a classic member (online migration):
    // a v4+ join without a member id first gets its id. Any other protocol type is refused.
    expect((await classicJoin('consumer')).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect((await classicJoin('connect')).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const busy = await s.raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, 2, { groupsNames: ['kip848-group'] });
    expect(busy.results[0].errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);

    expect((await heartbeat('member-a', -1)).errorCode).toBe(ErrorCode.NONE);
    expect((await heartbeat('member-b', -1)).errorCode).toBe(ErrorCode.NONE);
    const deleted = await s.raw.request(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, 2, { groupsNames: ['kip848-group'] });
    expect(deleted.results[0].errorCode).toBe(ErrorCode.NONE);
    const after = await s.raw.request(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 8, {
      groups: [{ groupId: 'kip848-group', topics: [{ name: 'kip848', partitionIndexes: [kept[0]] }] }],
    });
    expect(after.groups[0].topics[0].partitions[0].committedOffset).toBe(-1n);
  });
});
