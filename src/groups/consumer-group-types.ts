// The shapes the KIP-848 consumer group coordinator exchanges with the rest of the broker: what a heartbeat brings
// and gets back, what ConsumerGroupDescribe shows, and the services the coordinator is built on (topic lookups, its
// config, the writer of its records). Kept apart from consumer-group-coordinator.ts, which holds the rules.
import type { ConsumerGroupState } from './consumer-group';
import type { KeyedRecord } from './consumer-group-records';

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
