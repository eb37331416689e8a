// Topic-level configs Eddy accepts, with Kafka's names and defaults. Storage interprets the ones it acts on
// (storage/log-config.ts); the rest are accepted and reported so that tools which set them keep working.
import { ConfigDefinition } from './config-types';

const LONG_MAX = '9223372036854775807';

export const TOPIC_CONFIGS: readonly ConfigDefinition[] = [
  { name: 'cleanup.policy', type: 'list', defaultValue: 'delete', readOnly: false, validValues: ['delete', 'compact'] },
  { name: 'compression.type', type: 'string', defaultValue: 'producer', readOnly: false,
    validValues: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] },
  { name: 'delete.retention.ms', type: 'long', defaultValue: '86400000', readOnly: false, min: 0 },
  { name: 'file.delete.delay.ms', type: 'long', defaultValue: '60000', readOnly: false, min: 0 },
  { name: 'flush.messages', type: 'long', defaultValue: LONG_MAX, readOnly: false, min: 1 },
  { name: 'flush.ms', type: 'long', defaultValue: LONG_MAX, readOnly: false, min: 0 },
  { name: 'index.interval.bytes', type: 'int', defaultValue: '4096', readOnly: false, min: 0 },
  { name: 'max.compaction.lag.ms', type: 'long', defaultValue: LONG_MAX, readOnly: false, min: 1 },
  { name: 'max.message.bytes', type: 'int', defaultValue: '1048588', readOnly: false, min: 0 },
  { name: 'message.timestamp.after.max.ms', type: 'long', defaultValue: '3600000', readOnly: false, min: 0 },
  { name: 'message.timestamp.before.max.ms', type: 'long', defaultValue: LONG_MAX, readOnly: false, min: 0 },
  { name: 'message.timestamp.type', type: 'string', defaultValue: 'CreateTime', readOnly: false,
    validValues: ['CreateTime', 'LogAppendTime'] },
  { name: 'min.cleanable.dirty.ratio', type: 'double', defaultValue: '0.5', readOnly: false, min: 0 },
  { name: 'min.compaction.lag.ms', type: 'long', defaultValue: '0', readOnly: false, min: 0 },
  { name: 'min.insync.replicas', type: 'int', defaultValue: '1', readOnly: false, min: 1 },
  { name: 'preallocate', type: 'boolean', defaultValue: 'false', readOnly: false },
  { name: 'retention.bytes', type: 'long', defaultValue: '-1', readOnly: false },
  { name: 'retention.ms', type: 'long', defaultValue: '604800000', readOnly: false, min: -1 },
  { name: 'segment.bytes', type: 'int', defaultValue: '1073741824', readOnly: false, min: 14 },
  { name: 'segment.index.bytes', type: 'int', defaultValue: '10485760', readOnly: false, min: 4 },
  { name: 'segment.jitter.ms', type: 'long', defaultValue: '0', readOnly: false, min: 0 },
  { name: 'segment.ms', type: 'long', defaultValue: '604800000', readOnly: false, min: 1 },
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
