// Topic-level configs as DescribeConfigs reports them: Kafka's names, types and defaults. Which names are
// accepted and which values are valid is storage's call (storage/log-config.ts validates every topic config);
// a unit test keeps the two lists in step.
import { ConfigDefinition } from './config-types';

const LONG_MAX = '9223372036854775807';

export const TOPIC_CONFIGS: readonly ConfigDefinition[] = [
  { name: 'cleanup.policy', type: 'list', defaultValue: 'delete', readOnly: false },
  { name: 'compression.gzip.level', type: 'int', defaultValue: '-1', readOnly: false },
  { name: 'compression.lz4.level', type: 'int', defaultValue: '9', readOnly: false },
  { name: 'compression.zstd.level', type: 'int', defaultValue: '3', readOnly: false },
  { name: 'compression.type', type: 'string', defaultValue: 'producer', readOnly: false },
  { name: 'delete.retention.ms', type: 'long', defaultValue: '86400000', readOnly: false },
  { name: 'file.delete.delay.ms', type: 'long', defaultValue: '60000', readOnly: false },
  { name: 'flush.messages', type: 'long', defaultValue: LONG_MAX, readOnly: false },
  { name: 'flush.ms', type: 'long', defaultValue: LONG_MAX, readOnly: false },
  { name: 'follower.replication.throttled.replicas', type: 'list', defaultValue: '', readOnly: false },
  { name: 'index.interval.bytes', type: 'int', defaultValue: '4096', readOnly: false },
  { name: 'leader.replication.throttled.replicas', type: 'list', defaultValue: '', readOnly: false },
  { name: 'local.retention.bytes', type: 'long', defaultValue: '-2', readOnly: false },
  { name: 'local.retention.ms', type: 'long', defaultValue: '-2', readOnly: false },
  { name: 'max.compaction.lag.ms', type: 'long', defaultValue: LONG_MAX, readOnly: false },
  { name: 'max.message.bytes', type: 'int', defaultValue: '1048588', readOnly: false },
  { name: 'message.timestamp.after.max.ms', type: 'long', defaultValue: '3600000', readOnly: false },
  { name: 'message.timestamp.before.max.ms', type: 'long', defaultValue: LONG_MAX, readOnly: false },
  { name: 'message.timestamp.type', type: 'string', defaultValue: 'CreateTime', readOnly: false },
  { name: 'min.cleanable.dirty.ratio', type: 'double', defaultValue: '0.5', readOnly: false },
  { name: 'min.compaction.lag.ms', type: 'long', defaultValue: '0', readOnly: false },
  { name: 'min.insync.replicas', type: 'int', defaultValue: '1', readOnly: false },
  { name: 'preallocate', type: 'boolean', defaultValue: 'false', readOnly: false },
  { name: 'remote.log.copy.disable', type: 'boolean', defaultValue: 'false', readOnly: false },
  { name: 'remote.log.delete.on.disable', type: 'boolean', defaultValue: 'false', readOnly: false },
  { name: 'remote.storage.enable', type: 'boolean', defaultValue: 'false', readOnly: false },
  { name: 'retention.bytes', type: 'long', defaultValue: '-1', readOnly: false },
  { name: 'retention.ms', type: 'long', defaultValue: '604800000', readOnly: false },
  { name: 'segment.bytes', type: 'int', defaultValue: '1073741824', readOnly: false },
  { name: 'segment.index.bytes', type: 'int', defaultValue: '10485760', readOnly: false },
  { name: 'segment.jitter.ms', type: 'long', defaultValue: '0', readOnly: false },
  { name: 'segment.ms', type: 'long', defaultValue: '604800000', readOnly: false },
  { name: 'unclean.leader.election.enable', type: 'boolean', defaultValue: 'false', readOnly: false },
];

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, ConfigDefinition> = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

/** The broker config whose value is a topic config's default (Kafka's "log.*" synonyms). */
export const TOPIC_CONFIG_BROKER_SYNONYM: Readonly<Record<string, string>> = {
  'cleanup.policy': 'log.cleanup.policy',
  'compression.type': 'compression.type',
  'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'file.delete.delay.ms': 'log.segment.delete.delay.ms',
  'flush.messages': 'log.flush.interval.messages',
  'flush.ms': 'log.flush.interval.ms',
  'index.interval.bytes': 'log.index.interval.bytes',
  'max.message.bytes': 'message.max.bytes',
  'message.timestamp.type': 'log.message.timestamp.type',
  'message.timestamp.after.max.ms': 'log.message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms': 'log.message.timestamp.before.max.ms',
  'min.insync.replicas': 'min.insync.replicas',
  'retention.bytes': 'log.retention.bytes',
  'retention.ms': 'log.retention.ms',
  'segment.bytes': 'log.segment.bytes',
  'segment.index.bytes': 'log.index.size.max.bytes',
  'segment.ms': 'log.roll.ms',
};
