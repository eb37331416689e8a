// The topic config keys, defined once (config-def.ts): Kafka's names, types, defaults and validators, each with a
// line of documentation. The typed LogConfig the engine acts on is read through these keys, so a value is checked
// the same way whether it arrives by CreateTopics, AlterConfigs or the catalog file, and is refused before anything
// is stored. The broker reports these keys in DescribeConfigs and derives its `log.*` defaults from them.
import {
  atLeast,
  between,
  booleanKey,
  ConfigKey,
  convertedKey,
  doubleKey,
  intKey,
  keysByName,
  listKey,
  LONG_MAX_TEXT,
  longKey,
  oneOf,
  stringKey,
} from './config-def';
import { InvalidConfigError } from './errors';

export type CleanupPolicy = { delete: boolean; compact: boolean };
export type TimestampType = 'CreateTime' | 'LogAppendTime';

function cleanupPolicyOf(items: readonly string[]): CleanupPolicy {
  return { delete: items.includes('delete'), compact: items.includes('compact') };
}

const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];
/** Kafka's level ranges: gzip 1-9 or -1 (zlib's default), lz4 1-17, zstd from the library's fastest (-131072) to 22. */
const gzipLevel = (level: number): string | null => (level === -1 || (level >= 1 && level <= 9) ? null : 'Value must be between 1 and 9 or equal to -1');
const ZSTD_MIN_LEVEL = -131072;
const timestampTypeOf = (text: string): TimestampType => text as TimestampType;

/** Every topic config Kafka accepts; Eddy validates and stores the ones it does not act on, as Kafka would. */
export const TopicConfigKeys = {
  CLEANUP_POLICY: convertedKey(
    listKey(
      'cleanup.policy',
      'delete',
      'Whether old segments are deleted, compacted to the last value per key, or both.',
      'dynamic',
      oneOf('compact', 'delete'),
    ),
    cleanupPolicyOf,
  ),
  COMPRESSION_GZIP_LEVEL: intKey('compression.gzip.level', -1, 'Level used when the broker compresses with gzip.', 'dynamic', gzipLevel),
  COMPRESSION_LZ4_LEVEL: intKey('compression.lz4.level', 9, 'Level used when the broker compresses with lz4.', 'dynamic', between(1, 17)),
  COMPRESSION_ZSTD_LEVEL: intKey('compression.zstd.level', 3, 'Level used when the broker compresses with zstd.', 'dynamic', between(ZSTD_MIN_LEVEL, 22)),
  COMPRESSION_TYPE: stringKey(
    'compression.type',
    'producer',
    "Codec batches are stored with; 'producer' keeps what the producer sent.",
    'dynamic',
    oneOf(...COMPRESSION_TYPES),
  ),
  DELETE_RETENTION_MS: longKey(
    'delete.retention.ms',
    86400000,
    'How long a compacted topic keeps delete markers (tombstones) for consumers to see.',
    'dynamic',
    atLeast(0),
  ),
  FILE_DELETE_DELAY_MS: longKey('file.delete.delay.ms', 60000, 'Wait between a segment leaving the log and its files being removed.', 'dynamic', atLeast(0)),
  FLUSH_MESSAGES: longKey('flush.messages', LONG_MAX_TEXT, 'Records appended between forced fsyncs; the maximum means never.', 'dynamic', atLeast(1)),
  FLUSH_MS: longKey('flush.ms', LONG_MAX_TEXT, 'Time between forced fsyncs; the maximum means never.', 'dynamic', atLeast(0)),
  FOLLOWER_REPLICATION_THROTTLED_REPLICAS: listKey(
    'follower.replication.throttled.replicas',
    '',
    'Follower replicas whose replication is throttled (no effect on a single node).',
    'dynamic',
  ),
  INDEX_INTERVAL_BYTES: intKey('index.interval.bytes', 4096, 'Bytes of log between two offset index entries.', 'dynamic', atLeast(0)),
  LEADER_REPLICATION_THROTTLED_REPLICAS: listKey(
    'leader.replication.throttled.replicas',
    '',
    'Leader replicas whose replication is throttled (no effect on a single node).',
    'dynamic',
  ),
  LOCAL_RETENTION_BYTES: longKey(
    'local.retention.bytes',
    -2,
    'Bytes kept on local disk when tiered storage is on; -2 follows retention.bytes.',
    'dynamic',
    atLeast(-2),
  ),
  LOCAL_RETENTION_MS: longKey('local.retention.ms', -2, 'Time kept on local disk when tiered storage is on; -2 follows retention.ms.', 'dynamic', atLeast(-2)),
  MAX_COMPACTION_LAG_MS: longKey(
    'max.compaction.lag.ms',
    LONG_MAX_TEXT,
    'Longest a record may wait before compaction must consider it.',
    'dynamic',
    atLeast(1),
  ),
  MAX_MESSAGE_BYTES: intKey('max.message.bytes', 1048588, 'Largest record batch the topic accepts.', 'dynamic', atLeast(0)),
  MESSAGE_DOWNCONVERSION_ENABLE: booleanKey(
    'message.downconversion.enable',
    true,
    'Whether old fetch versions may get converted batches (dropped in Kafka 4).',
    'dynamic',
    'legacy',
  ),
  MESSAGE_FORMAT_VERSION: stringKey('message.format.version', '3.0-IV1', 'Record format for old clients (dropped in Kafka 4).', 'dynamic', 'legacy'),
  MESSAGE_TIMESTAMP_AFTER_MAX_MS: longKey(
    'message.timestamp.after.max.ms',
    3600000,
    'How far in the future a CreateTime timestamp may be.',
    'dynamic',
    atLeast(0),
  ),
  MESSAGE_TIMESTAMP_BEFORE_MAX_MS: longKey(
    'message.timestamp.before.max.ms',
    LONG_MAX_TEXT,
    'How far in the past a CreateTime timestamp may be.',
    'dynamic',
    atLeast(0),
  ),
  MESSAGE_TIMESTAMP_DIFFERENCE_MAX_MS: longKey(
    'message.timestamp.difference.max.ms',
    LONG_MAX_TEXT,
    'Allowed gap between a timestamp and the broker clock (dropped in Kafka 4).',
    'dynamic',
    'legacy',
    atLeast(0),
  ),
  MESSAGE_TIMESTAMP_TYPE: convertedKey(
    stringKey(
      'message.timestamp.type',
      'CreateTime',
      "Whether batches keep the producer's timestamps or get the append time.",
      'dynamic',
      oneOf('CreateTime', 'LogAppendTime'),
    ),
    timestampTypeOf,
  ),
  MIN_CLEANABLE_DIRTY_RATIO: doubleKey(
    'min.cleanable.dirty.ratio',
    0.5,
    'Share of uncompacted log that makes a partition worth cleaning.',
    'dynamic',
    between(0, 1),
  ),
  MIN_COMPACTION_LAG_MS: longKey('min.compaction.lag.ms', 0, 'Shortest time a record stays uncompacted.', 'dynamic', atLeast(0)),
  MIN_INSYNC_REPLICAS: intKey('min.insync.replicas', 1, 'Replicas that must have a write for acks=all to succeed.', 'dynamic', atLeast(1)),
  PREALLOCATE: booleanKey('preallocate', false, 'Whether segment files are allocated at full size when created.', 'dynamic'),
  REMOTE_LOG_COPY_DISABLE: booleanKey('remote.log.copy.disable', false, 'Stops copying segments to tiered storage.', 'dynamic'),
  REMOTE_LOG_DELETE_ON_DISABLE: booleanKey('remote.log.delete.on.disable', false, 'Deletes tiered data when tiered storage is turned off.', 'dynamic'),
  REMOTE_STORAGE_ENABLE: booleanKey('remote.storage.enable', false, 'Turns tiered storage on for the topic (not supported by Eddy).', 'dynamic'),
  RETENTION_BYTES: longKey('retention.bytes', -1, 'Size a partition may reach before old segments go; -1 means no limit.', 'dynamic'),
  RETENTION_MS: longKey('retention.ms', 604800000, 'Age after which old segments go; -1 means forever.', 'dynamic', atLeast(-1)),
  // Kafka 4 raised the floor to 1 MiB; Eddy keeps the older floor because small segments are what tests need.
  SEGMENT_BYTES: intKey('segment.bytes', 1073741824, 'Size at which the active segment is closed and a new one started.', 'dynamic', atLeast(14)),
  SEGMENT_INDEX_BYTES: intKey(
    'segment.index.bytes',
    10485760,
    'Largest size of a segment offset index; a full index rolls the segment.',
    'dynamic',
    atLeast(4),
  ),
  SEGMENT_JITTER_MS: longKey('segment.jitter.ms', 0, 'Random amount taken off segment.ms so partitions do not roll together.', 'dynamic', atLeast(0)),
  SEGMENT_MS: longKey('segment.ms', 604800000, 'Age of its first batch at which the active segment is rolled.', 'dynamic', atLeast(1)),
  UNCLEAN_LEADER_ELECTION_ENABLE: booleanKey('unclean.leader.election.enable', false, 'Whether an out-of-sync replica may become leader.', 'dynamic'),
} as const;

const ALL_TOPIC_KEYS: readonly ConfigKey<unknown>[] = Object.values(TopicConfigKeys);

/** The topic keys DescribeConfigs reports (every key but the legacy ones), in name order. */
export const TOPIC_CONFIG_KEYS: readonly ConfigKey<unknown>[] = ALL_TOPIC_KEYS.filter((k) => !k.legacy);

const TOPIC_KEY_BY_NAME = keysByName(ALL_TOPIC_KEYS);

export function topicConfigKey(name: string): ConfigKey<unknown> | undefined {
  return TOPIC_KEY_BY_NAME.get(name);
}

export function isKnownTopicConfig(name: string): boolean {
  return TOPIC_KEY_BY_NAME.has(name);
}

export function knownTopicConfigNames(): readonly string[] {
  return [...TOPIC_KEY_BY_NAME.keys()];
}

/** Parses every name and value, by name; throws InvalidConfigError on the first problem. */
function parseTopicConfigs(props: Readonly<Record<string, string>>): Map<string, unknown> {
  const parsed = new Map<string, unknown>();
  for (const name in props) {
    const key = TOPIC_KEY_BY_NAME.get(name);
    if (key === undefined) throw new InvalidConfigError(name, `Unknown topic config name: ${name}`);
    parsed.set(name, key.parse(props[name]));
  }
  return parsed;
}

/** Checks every name and value; throws InvalidConfigError on the first problem. */
export function validateTopicConfigs(props: Readonly<Record<string, string>>): void {
  parseTopicConfigs(props);
}

/** Where each LogConfig field comes from: the typed view is derived from the keys, never written out again. */
const LOG_CONFIG_KEYS = {
  segmentBytes: TopicConfigKeys.SEGMENT_BYTES,
  segmentMs: TopicConfigKeys.SEGMENT_MS,
  segmentIndexBytes: TopicConfigKeys.SEGMENT_INDEX_BYTES,
  indexIntervalBytes: TopicConfigKeys.INDEX_INTERVAL_BYTES,
  retentionMs: TopicConfigKeys.RETENTION_MS,
  retentionBytes: TopicConfigKeys.RETENTION_BYTES,
  cleanupPolicy: TopicConfigKeys.CLEANUP_POLICY,
  deleteRetentionMs: TopicConfigKeys.DELETE_RETENTION_MS,
  minCleanableDirtyRatio: TopicConfigKeys.MIN_CLEANABLE_DIRTY_RATIO,
  minCompactionLagMs: TopicConfigKeys.MIN_COMPACTION_LAG_MS,
  /** Number.MAX_SAFE_INTEGER stands for Kafka's Long.MAX_VALUE (never forced). */
  maxCompactionLagMs: TopicConfigKeys.MAX_COMPACTION_LAG_MS,
  timestampType: TopicConfigKeys.MESSAGE_TIMESTAMP_TYPE,
  flushMessages: TopicConfigKeys.FLUSH_MESSAGES,
  flushMs: TopicConfigKeys.FLUSH_MS,
  fileDeleteDelayMs: TopicConfigKeys.FILE_DELETE_DELAY_MS,
} as const;

type LogConfigField = keyof typeof LOG_CONFIG_KEYS;

/** The typed view of the topic configs the storage engine acts on. */
export type LogConfig = { -readonly [F in LogConfigField]: (typeof LOG_CONFIG_KEYS)[F] extends ConfigKey<infer T> ? T : never };

const LOG_CONFIG_ENTRIES = Object.entries(LOG_CONFIG_KEYS) as ReadonlyArray<[LogConfigField, ConfigKey<unknown>]>;

function readLogConfig(valueOf: (field: LogConfigField, key: ConfigKey<unknown>) => unknown): LogConfig {
  const out: Record<string, unknown> = {};
  for (const [field, key] of LOG_CONFIG_ENTRIES) out[field] = valueOf(field, key);
  return out as LogConfig;
}

function defaultOf(key: ConfigKey<unknown>): unknown {
  if (key.defaultValue === null) throw new Error(`topic config ${key.name} has no default`);
  return key.parse(key.defaultValue);
}

export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze(
  readLogConfig((_field, key) => {
    const value = defaultOf(key);
    return typeof value === 'object' && value !== null ? Object.freeze(value) : value;
  }),
);

/** Overlays Kafka topic config overrides on `base`; throws InvalidConfigError on unknown names or bad values. */
export function logConfigFromProperties(props: Readonly<Record<string, string>>, base: LogConfig = DEFAULT_LOG_CONFIG): LogConfig {
  const parsed = parseTopicConfigs(props);
  return readLogConfig((field, key) => {
    if (parsed.has(key.name)) return parsed.get(key.name);
    const inherited: unknown = base[field];
    return typeof inherited === 'object' && inherited !== null ? { ...inherited } : inherited;
  });
}
