// The broker settings the group coordinator follows (Kafka's names; see src/config/broker-config.ts).
import type { BrokerConfig } from '../config/broker-config';
import type { ConsumerGroupsConfig } from './consumer-group-coordinator';

/** KIP-848 consumer group settings with Kafka's defaults (not yet in the broker's config table). */
const CONSUMER_GROUP_DEFAULTS = {
  'group.consumer.session.timeout.ms': 45_000,
  'group.consumer.heartbeat.interval.ms': 5_000,
  'group.consumer.max.size': 2147483647,
} as const;

function intOr(config: BrokerConfig, name: keyof typeof CONSUMER_GROUP_DEFAULTS): number {
  const v = config.explicit(name);
  return v === undefined ? CONSUMER_GROUP_DEFAULTS[name] : Number(v);
}

export interface GroupCoordinatorConfig {
  readonly offsetsTopicPartitions: number;
  readonly initialRebalanceDelayMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly maxGroupSize: number;
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetMetadataMaxBytes: number;
  /** How long a new member may wait in a rebalance before it is dropped (Kafka: 5 minutes). */
  readonly newMemberJoinTimeoutMs: number;
  readonly consumer: ConsumerGroupsConfig;
}

export function groupCoordinatorConfig(config: BrokerConfig): GroupCoordinatorConfig {
  return {
    offsetsTopicPartitions: config.int('offsets.topic.num.partitions'),
    initialRebalanceDelayMs: config.int('group.initial.rebalance.delay.ms'),
    minSessionTimeoutMs: config.int('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: config.int('group.max.session.timeout.ms'),
    maxGroupSize: config.int('group.max.size'),
    offsetsRetentionMs: config.int('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: config.int('offsets.retention.check.interval.ms'),
    offsetMetadataMaxBytes: config.int('offset.metadata.max.bytes'),
    newMemberJoinTimeoutMs: 5 * 60_000,
    consumer: {
      sessionTimeoutMs: intOr(config, 'group.consumer.session.timeout.ms'),
      heartbeatIntervalMs: intOr(config, 'group.consumer.heartbeat.interval.ms'),
      maxGroupSize: intOr(config, 'group.consumer.max.size'),
    },
  };
}
