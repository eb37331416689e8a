// The broker settings the group coordinator follows (Kafka's names; see src/config/broker-config.ts).
import { BrokerConfig, BrokerConfigKeys as Key } from '../config/broker-config';
import { offsetsTopicConfigs } from '../config/internal-topics';
import type { ConsumerGroupsConfig } from './consumer-group-coordinator';

export type MigrationPolicy = 'bidirectional' | 'upgrade' | 'downgrade' | 'disabled';

export const MIGRATION_POLICIES: readonly MigrationPolicy[] = ['bidirectional', 'upgrade', 'downgrade', 'disabled'];

/** Kafka parses the policy case-insensitively and takes anything else as disabled. */
export function parseMigrationPolicy(text: string): MigrationPolicy {
  const lower = text.trim().toLowerCase();
  return MIGRATION_POLICIES.find((p) => p === lower) ?? 'disabled';
}

export interface GroupCoordinatorConfig {
  readonly offsetsTopicPartitions: number;
  /** The configs __consumer_offsets is created with (config/internal-topics.ts); the broker defaults when absent. */
  readonly offsetsTopicConfigs?: Readonly<Record<string, string>>;
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
  /** group.consumer.migration.policy: online conversion between classic and consumer groups (bidirectional when absent). */
  readonly migrationPolicy?: MigrationPolicy;
}

export function groupCoordinatorConfig(config: BrokerConfig): GroupCoordinatorConfig {
  return {
    offsetsTopicPartitions: config.get(Key.OFFSETS_TOPIC_NUM_PARTITIONS),
    offsetsTopicConfigs: offsetsTopicConfigs(config),
    initialRebalanceDelayMs: config.get(Key.GROUP_INITIAL_REBALANCE_DELAY_MS),
    minSessionTimeoutMs: config.get(Key.GROUP_MIN_SESSION_TIMEOUT_MS),
    maxSessionTimeoutMs: config.get(Key.GROUP_MAX_SESSION_TIMEOUT_MS),
    maxGroupSize: config.get(Key.GROUP_MAX_SIZE),
    offsetsRetentionMs: config.get(Key.OFFSETS_RETENTION_MINUTES) * 60_000,
    offsetsRetentionCheckIntervalMs: config.get(Key.OFFSETS_RETENTION_CHECK_INTERVAL_MS),
    offsetMetadataMaxBytes: config.get(Key.OFFSET_METADATA_MAX_BYTES),
    newMemberJoinTimeoutMs: 5 * 60_000,
    migrationPolicy: parseMigrationPolicy(config.get(Key.GROUP_CONSUMER_MIGRATION_POLICY)),
    consumer: {
      sessionTimeoutMs: config.get(Key.GROUP_CONSUMER_SESSION_TIMEOUT_MS),
      heartbeatIntervalMs: config.get(Key.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS),
      maxGroupSize: config.get(Key.GROUP_CONSUMER_MAX_SIZE),
    },
  };
}
