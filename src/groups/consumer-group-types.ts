// The shapes the KIP-848 consumer group coordinator exchanges with the rest of the broker: what a heartbeat brings
// and gets back, what ConsumerGroupDescribe shows, and the services the coordinator is built on (topic lookups, its
// config, the writer of its records). Kept apart from consumer-group-coordinator.ts, which holds the rules.
import type { ConsumerGroup, ConsumerGroupState, ConsumerMember } from './consumer-group';
import type { KeyedRecord } from './consumer-group-records';
import type { TopicAssignment } from './server-assignors';

/** Writes a group's records to __consumer_offsets (resolves once stored). */
export type ConsumerGroupPersister = (groupId: string, records: readonly KeyedRecord[]) => Promise<void>;

/** Topic lookups by name and id (storage's LogManager satisfies it). */
export interface TopicCatalog {
  topic(name: string): { readonly topicId: string; readonly partitions: number } | undefined;
  topicById(topicId: string): { readonly name: string; readonly partitions: number } | undefined;
  /** Every topic, for resolving regular-expression subscriptions (none when absent). */
  topics?(): ReadonlyArray<{ readonly name: string }>;
}

export interface ConsumerGroupsConfig {
  /** group.consumer.session.timeout.ms */
  readonly sessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms */
  readonly heartbeatIntervalMs: number;
  /** group.consumer.max.size */
  readonly maxGroupSize: number;
}

export interface ConsumerHeartbeatParams {
  readonly apiVersion: number;
  readonly groupId: string;
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly subscribedTopicNames: readonly string[] | null;
  readonly subscribedTopicRegex: string | null;
  readonly serverAssignor: string | null;
  readonly topicPartitions: ReadonlyArray<{ readonly topicId: string; readonly partitions: readonly number[] }> | null;
  readonly clientId: string;
  readonly clientHost: string;
}

export interface TopicPartitionsById {
  readonly topicId: string;
  readonly partitions: number[];
}

export interface ConsumerHeartbeatResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly memberId: string | null;
  readonly memberEpoch: number;
  readonly heartbeatIntervalMs: number;
  readonly assignment: TopicPartitionsById[] | null;
}

export interface DescribedConsumerMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly memberEpoch: number;
  readonly clientId: string;
  readonly clientHost: string;
  readonly subscribedTopicNames: readonly string[];
  readonly subscribedTopicRegex: string;
  /** A member that joined (or was upgraded) with JoinGroup and still uses the classic protocol. */
  readonly usesClassicProtocol: boolean;
  readonly assignment: TopicPartitionsById[];
  readonly targetAssignment: TopicPartitionsById[];
}

export interface DescribedConsumerGroup {
  readonly groupId: string;
  readonly state: ConsumerGroupState;
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly assignorName: string;
  readonly members: readonly DescribedConsumerMember[];
}

/** What the consumer groups need from the classic groups sharing their id space (group-migration.ts). */
export interface ClassicGroupsBridge {
  /** Whether a classic group with this id has members (or members joining). */
  inUse(groupId: string): boolean;
  /**
   * Turns the classic group into a consumer group (online upgrade) with the records that store the change; a reason
   * (answered as GROUP_ID_NOT_FOUND) when it may not. Absent: classic groups are never upgraded.
   */
  upgrade?(groupId: string): { readonly group: ConsumerGroup; readonly records: KeyedRecord[] } | { readonly refused: string };
  /**
   * Whether the group becomes a classic group again once `leaving` is gone (online downgrade); with null, whether it
   * does as it is (every member uses the classic protocol, a static member having just replaced the last other one).
   */
  downgradable?(group: ConsumerGroup, leaving: ConsumerMember | null): boolean;
  /**
   * Turns the group, without `leaving`, into a classic group that rebalances unless `rebalance` is false;
   * `tombstones` end its records.
   */
  downgrade?(group: ConsumerGroup, leaving: ConsumerMember | null, tombstones: KeyedRecord[], rebalance?: boolean): void;
}

/** The consumer group operations the classic members' APIs (consumer-group-classic.ts) are built on. */
export interface ConsumerGroupEngine {
  readonly config: ConsumerGroupsConfig;
  group(groupId: string): ConsumerGroup | undefined;
  hasMembers(groupId: string): boolean;
  newMemberId(): string;
  addMember(group: ConsumerGroup, member: ConsumerMember): void;
  /** Bumps the epoch if asked (or if topic metadata changed), recomputes the target, reconciles the member. */
  advance(group: ConsumerGroup, member: ConsumerMember, bump: boolean, owned: TopicAssignment | null): void;
  /** Writes what changed in the group since its last write. */
  store(groupId: string): Promise<void>;
  armSession(group: ConsumerGroup, member: ConsumerMember): void;
  /** Takes a member out without bumping the epoch; false when it was not there. */
  removeMember(group: ConsumerGroup, member: ConsumerMember, reason: string): boolean;
  /** Whether the group, as it is, would become a classic group (its members all use the classic protocol). */
  downgradableAsIs(group: ConsumerGroup): boolean;
  /** Turns such a group into a classic group, rebalancing or not. */
  downgradeAsIs(group: ConsumerGroup, rebalance: boolean): void;
  /** Fences a member on a timer (may downgrade the group) and stores the result. */
  expireMember(group: ConsumerGroup, member: ConsumerMember, reason: string): void;
}
