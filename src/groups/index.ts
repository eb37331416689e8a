// The group coordinator's public surface, for the broker and the group API handlers.
export { GroupCoordinator, groupCoordinatorConfig } from './group-coordinator';
export type {
  GroupCoordinatorConfig,
  GroupCoordinatorOptions,
  JoinGroupParams,
  SyncGroupParams,
  HeartbeatParams,
  LeavingMember,
  LeaveGroupResult,
  OffsetCommitParams,
  OffsetCommitInput,
  OffsetFetchResult,
  OffsetDeleteResult,
  FetchedOffset,
  TopicPartitions,
  TxnOffsetCommitParams,
  ConsumerGroupDescription,
  ConsumerGroupMemberDescription,
} from './group-coordinator';
export type { JoinResult, SyncResult, MemberProtocol } from './classic-member';
export type { GroupDescription, GroupListing } from './group-views';
export type { ClassicGroupState } from './group-state';
export { OFFSETS_TOPIC, OFFSETS_TOPIC_CONFIGS } from './offsets-topic';
export type { CoordinatorStorage, CoordinatorPartitionLog } from './offsets-topic';
export { offsetsPartitionFor, javaStringHashCode } from '../topics/java-hash';
