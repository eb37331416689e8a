// The APIs the `eddy` tools call, each with its codecs and the oldest version the tools build bodies for (older
// versions have other shapes: message sets before Produce v3/Fetch v4, ZooKeeper offsets before OffsetFetch v1),
// and for the group offset APIs the newest version that still names topics.
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import { ApiVersionsRequestCodec, type ApiVersionsRequestInit } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec, type ApiVersionsResponse } from '../../codecs/generated/ApiVersionsResponse';
import { ConsumerGroupDescribeRequestCodec, type ConsumerGroupDescribeRequestInit } from '../../codecs/generated/ConsumerGroupDescribeRequest';
import { ConsumerGroupDescribeResponseCodec, type ConsumerGroupDescribeResponse } from '../../codecs/generated/ConsumerGroupDescribeResponse';
import { ConsumerGroupHeartbeatRequestCodec, type ConsumerGroupHeartbeatRequestInit } from '../../codecs/generated/ConsumerGroupHeartbeatRequest';
import { ConsumerGroupHeartbeatResponseCodec, type ConsumerGroupHeartbeatResponse } from '../../codecs/generated/ConsumerGroupHeartbeatResponse';
import { CreateTopicsRequestCodec, type CreateTopicsRequestInit } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec, type CreateTopicsResponse } from '../../codecs/generated/CreateTopicsResponse';
import { DeleteGroupsRequestCodec, type DeleteGroupsRequestInit } from '../../codecs/generated/DeleteGroupsRequest';
import { DeleteGroupsResponseCodec, type DeleteGroupsResponse } from '../../codecs/generated/DeleteGroupsResponse';
import { DeleteTopicsRequestCodec, type DeleteTopicsRequestInit } from '../../codecs/generated/DeleteTopicsRequest';
import { DeleteTopicsResponseCodec, type DeleteTopicsResponse } from '../../codecs/generated/DeleteTopicsResponse';
import { DescribeConfigsRequestCodec, type DescribeConfigsRequestInit } from '../../codecs/generated/DescribeConfigsRequest';
import { DescribeConfigsResponseCodec, type DescribeConfigsResponse } from '../../codecs/generated/DescribeConfigsResponse';
import { DescribeGroupsRequestCodec, type DescribeGroupsRequestInit } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec, type DescribeGroupsResponse } from '../../codecs/generated/DescribeGroupsResponse';
import { FetchRequestCodec, type FetchRequestInit } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec, type FetchResponse } from '../../codecs/generated/FetchResponse';
import { FindCoordinatorRequestCodec, type FindCoordinatorRequestInit } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec, type FindCoordinatorResponse } from '../../codecs/generated/FindCoordinatorResponse';
import { HeartbeatRequestCodec, type HeartbeatRequestInit } from '../../codecs/generated/HeartbeatRequest';
import { HeartbeatResponseCodec, type HeartbeatResponse } from '../../codecs/generated/HeartbeatResponse';
import { JoinGroupRequestCodec, type JoinGroupRequestInit } from '../../codecs/generated/JoinGroupRequest';
import { JoinGroupResponseCodec, type JoinGroupResponse } from '../../codecs/generated/JoinGroupResponse';
import { LeaveGroupRequestCodec, type LeaveGroupRequestInit } from '../../codecs/generated/LeaveGroupRequest';
import { LeaveGroupResponseCodec, type LeaveGroupResponse } from '../../codecs/generated/LeaveGroupResponse';
import { SyncGroupRequestCodec, type SyncGroupRequestInit } from '../../codecs/generated/SyncGroupRequest';
import { SyncGroupResponseCodec, type SyncGroupResponse } from '../../codecs/generated/SyncGroupResponse';
import { IncrementalAlterConfigsRequestCodec, type IncrementalAlterConfigsRequestInit } from '../../codecs/generated/IncrementalAlterConfigsRequest';
import { IncrementalAlterConfigsResponseCodec, type IncrementalAlterConfigsResponse } from '../../codecs/generated/IncrementalAlterConfigsResponse';
import { InitProducerIdRequestCodec, type InitProducerIdRequestInit } from '../../codecs/generated/InitProducerIdRequest';
import { InitProducerIdResponseCodec, type InitProducerIdResponse } from '../../codecs/generated/InitProducerIdResponse';
import { ListGroupsRequestCodec, type ListGroupsRequestInit } from '../../codecs/generated/ListGroupsRequest';
import { ListGroupsResponseCodec, type ListGroupsResponse } from '../../codecs/generated/ListGroupsResponse';
import { ListOffsetsRequestCodec, type ListOffsetsRequestInit } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec, type ListOffsetsResponse } from '../../codecs/generated/ListOffsetsResponse';
import { MetadataRequestCodec, type MetadataRequestInit } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec, type MetadataResponse } from '../../codecs/generated/MetadataResponse';
import { OffsetCommitRequestCodec, type OffsetCommitRequestInit } from '../../codecs/generated/OffsetCommitRequest';
import { OffsetCommitResponseCodec, type OffsetCommitResponse } from '../../codecs/generated/OffsetCommitResponse';
import { OffsetFetchRequestCodec, type OffsetFetchRequestInit } from '../../codecs/generated/OffsetFetchRequest';
import { OffsetFetchResponseCodec, type OffsetFetchResponse } from '../../codecs/generated/OffsetFetchResponse';
import { ProduceRequestCodec, type ProduceRequestInit } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec, type ProduceResponse } from '../../codecs/generated/ProduceResponse';

/** One API as the tools use it: both codecs and the oldest version whose body shape the tools build. */
export interface ToolApi<Res, Init> {
  readonly request: MessageCodec<unknown, Init>;
  readonly response: MessageCodec<Res, unknown>;
  readonly oldestVersion: number;
  /** The newest version the tools use, when below the codec's (later versions name topics by id only). */
  readonly newestVersion?: number;
}

function api<Res, Init>(
  request: MessageCodec<unknown, Init>,
  response: MessageCodec<Res, unknown>,
  oldestVersion: number,
  newestVersion?: number,
): ToolApi<Res, Init> {
  return { request, response, oldestVersion, newestVersion };
}

export const Apis = {
  ApiVersions: api<ApiVersionsResponse, ApiVersionsRequestInit>(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 0),
  Metadata: api<MetadataResponse, MetadataRequestInit>(MetadataRequestCodec, MetadataResponseCodec, 1),
  Produce: api<ProduceResponse, ProduceRequestInit>(ProduceRequestCodec, ProduceResponseCodec, 3),
  Fetch: api<FetchResponse, FetchRequestInit>(FetchRequestCodec, FetchResponseCodec, 4),
  ListOffsets: api<ListOffsetsResponse, ListOffsetsRequestInit>(ListOffsetsRequestCodec, ListOffsetsResponseCodec, 1),
  CreateTopics: api<CreateTopicsResponse, CreateTopicsRequestInit>(CreateTopicsRequestCodec, CreateTopicsResponseCodec, 0),
  DeleteTopics: api<DeleteTopicsResponse, DeleteTopicsRequestInit>(DeleteTopicsRequestCodec, DeleteTopicsResponseCodec, 0),
  DescribeConfigs: api<DescribeConfigsResponse, DescribeConfigsRequestInit>(DescribeConfigsRequestCodec, DescribeConfigsResponseCodec, 0),
  IncrementalAlterConfigs: api<IncrementalAlterConfigsResponse, IncrementalAlterConfigsRequestInit>(
    IncrementalAlterConfigsRequestCodec,
    IncrementalAlterConfigsResponseCodec,
    0,
  ),
  FindCoordinator: api<FindCoordinatorResponse, FindCoordinatorRequestInit>(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 0),
  ListGroups: api<ListGroupsResponse, ListGroupsRequestInit>(ListGroupsRequestCodec, ListGroupsResponseCodec, 0),
  DescribeGroups: api<DescribeGroupsResponse, DescribeGroupsRequestInit>(DescribeGroupsRequestCodec, DescribeGroupsResponseCodec, 0),
  OffsetFetch: api<OffsetFetchResponse, OffsetFetchRequestInit>(OffsetFetchRequestCodec, OffsetFetchResponseCodec, 1, 9),
  OffsetCommit: api<OffsetCommitResponse, OffsetCommitRequestInit>(OffsetCommitRequestCodec, OffsetCommitResponseCodec, 2, 9),
  DeleteGroups: api<DeleteGroupsResponse, DeleteGroupsRequestInit>(DeleteGroupsRequestCodec, DeleteGroupsResponseCodec, 0),
  InitProducerId: api<InitProducerIdResponse, InitProducerIdRequestInit>(InitProducerIdRequestCodec, InitProducerIdResponseCodec, 0),
  JoinGroup: api<JoinGroupResponse, JoinGroupRequestInit>(JoinGroupRequestCodec, JoinGroupResponseCodec, 0),
  SyncGroup: api<SyncGroupResponse, SyncGroupRequestInit>(SyncGroupRequestCodec, SyncGroupResponseCodec, 0),
  Heartbeat: api<HeartbeatResponse, HeartbeatRequestInit>(HeartbeatRequestCodec, HeartbeatResponseCodec, 0),
  LeaveGroup: api<LeaveGroupResponse, LeaveGroupRequestInit>(LeaveGroupRequestCodec, LeaveGroupResponseCodec, 0),
  ConsumerGroupHeartbeat: api<ConsumerGroupHeartbeatResponse, ConsumerGroupHeartbeatRequestInit>(
    ConsumerGroupHeartbeatRequestCodec,
    ConsumerGroupHeartbeatResponseCodec,
    0,
  ),
  ConsumerGroupDescribe: api<ConsumerGroupDescribeResponse, ConsumerGroupDescribeRequestInit>(
    ConsumerGroupDescribeRequestCodec,
    ConsumerGroupDescribeResponseCodec,
    0,
  ),
} as const;
