// The config definitions are the one source of truth: these tests hold the derived views (broker synonyms, the
// typed LogConfig, the internal topics' configs) to them, and the validator to Kafka's rules and messages.
import {
  DEFAULT_LOG_CONFIG,
  InvalidConfigError,
  LONG_MAX_TEXT,
  logConfigFromProperties,
  TOPIC_CONFIG_KEYS,
  TopicConfigKeys,
  validateTopicConfigs,
} from '../../../storage';
import {
  BROKER_CONFIGS,
  BROKER_CONFIG_BY_NAME,
  BrokerConfig,
  BrokerConfigKeys,
  brokerSynonymsOf,
  topicDefaultFromBroker,
} from '../../../src/config/broker-config';
import { TOPIC_CONFIG_BROKER_SYNONYM } from '../../../src/config/topic-configs';
import { offsetsTopicConfigs, transactionStateTopicConfigs } from '../../../src/config/internal-topics';
import { OFFSETS_TOPIC_CONFIGS } from '../../../src/groups/offsets-topic';
import { TRANSACTION_STATE_TOPIC_CONFIGS } from '../../../src/transactions/transaction-log';

const synonymNames = (topic: string): string[] => brokerSynonymsOf(topic).map((k) => k.name);

test('every key has a unique name, a sentence of documentation and a default its own validator accepts', () => {
  for (const keys of [TOPIC_CONFIG_KEYS, BROKER_CONFIGS]) {
    expect(new Set(keys.map((k) => k.name)).size).toBe(keys.length);
    for (const key of keys) {
      expect(key.doc).toMatch(/^[A-Z].{10,}\.$/);
      if (key.defaultValue !== null) expect(() => key.parse(key.defaultValue as string)).not.toThrow();
    }
  }
});

test('every broker synonym names a defined broker key standing for a defined topic key', () => {
  for (const topicKey of TOPIC_CONFIG_KEYS) {
    for (const synonym of brokerSynonymsOf(topicKey.name)) {
      expect(BROKER_CONFIG_BY_NAME.get(synonym.name)).toBe(synonym);
      expect(synonym.synonymOf?.topic).toBe(topicKey.name);
    }
  }
  for (const brokerKey of BROKER_CONFIGS) {
    const topic = brokerKey.synonymOf?.topic;
    if (topic !== undefined) expect(TOPIC_CONFIG_KEYS.map((k) => k.name)).toContain(topic);
  }
});

test("broker synonyms follow Kafka's lists, finest unit first", () => {
  expect(synonymNames('retention.ms')).toEqual(['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']);
  expect(synonymNames('segment.ms')).toEqual(['log.roll.ms', 'log.roll.hours']);
  expect(synonymNames('segment.jitter.ms')).toEqual(['log.roll.jitter.ms', 'log.roll.jitter.hours']);
  expect(synonymNames('segment.bytes')).toEqual(['log.segment.bytes']);
  expect(synonymNames('max.message.bytes')).toEqual(['message.max.bytes']);
  expect(synonymNames('delete.retention.ms')).toEqual(['log.cleaner.delete.retention.ms']);
  expect(synonymNames('remote.storage.enable')).toEqual([]);
  expect(TOPIC_CONFIG_BROKER_SYNONYM['min.cleanable.dirty.ratio']).toBe('log.cleaner.min.cleanable.ratio');
});

test('broker log.* keys take type, validator and default from their topic key (Kafka has no default for the ms forms)', () => {
  for (const topicKey of TOPIC_CONFIG_KEYS) {
    const [primary] = brokerSynonymsOf(topicKey.name);
    if (primary === undefined) continue;
    expect(primary.type).toBe(topicKey.type);
    expect(primary.dynamic).toBe(true);
    const noDefault = ['log.retention.ms', 'log.roll.ms', 'log.roll.jitter.ms', 'log.flush.interval.ms'];
    expect(primary.defaultValue).toBe(noDefault.includes(primary.name) ? null : topicKey.defaultValue);
  }
  expect(BrokerConfigKeys.LOG_SEGMENT_BYTES.defaultValue).toBe(TopicConfigKeys.SEGMENT_BYTES.defaultValue);
  expect(() => new BrokerConfig({ 'log.segment.bytes': '10' })).toThrow(/configuration log\.segment\.bytes: Value must be at least 14/);
  expect(() => new BrokerConfig({ 'log.cleanup.policy': 'shred' })).toThrow(/String must be one of: compact, delete/);
});

test('LogConfig defaults are the topic keys defaults', () => {
  expect(DEFAULT_LOG_CONFIG).toEqual({
    segmentBytes: Number(TopicConfigKeys.SEGMENT_BYTES.defaultValue),
    segmentMs: Number(TopicConfigKeys.SEGMENT_MS.defaultValue),
    segmentIndexBytes: Number(TopicConfigKeys.SEGMENT_INDEX_BYTES.defaultValue),
    indexIntervalBytes: Number(TopicConfigKeys.INDEX_INTERVAL_BYTES.defaultValue),
    retentionMs: Number(TopicConfigKeys.RETENTION_MS.defaultValue),
    retentionBytes: Number(TopicConfigKeys.RETENTION_BYTES.defaultValue),
    cleanupPolicy: { delete: true, compact: false },
    deleteRetentionMs: Number(TopicConfigKeys.DELETE_RETENTION_MS.defaultValue),
    minCleanableDirtyRatio: Number(TopicConfigKeys.MIN_CLEANABLE_DIRTY_RATIO.defaultValue),
    minCompactionLagMs: Number(TopicConfigKeys.MIN_COMPACTION_LAG_MS.defaultValue),
    maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
    timestampType: TopicConfigKeys.MESSAGE_TIMESTAMP_TYPE.defaultValue,
    flushMessages: Number.MAX_SAFE_INTEGER,
    flushMs: Number.MAX_SAFE_INTEGER,
    fileDeleteDelayMs: Number(TopicConfigKeys.FILE_DELETE_DELAY_MS.defaultValue),
  });
  expect(TopicConfigKeys.FLUSH_MS.defaultValue).toBe(LONG_MAX_TEXT);
  expect(Object.isFrozen(DEFAULT_LOG_CONFIG.cleanupPolicy)).toBe(true);
  const overlaid = logConfigFromProperties({ 'retention.ms': '5' });
  overlaid.cleanupPolicy.compact = true;
  expect(DEFAULT_LOG_CONFIG.cleanupPolicy.compact).toBe(false);
});

test("values are checked with Kafka's rules and messages", () => {
  const refused = (props: Record<string, string>): string => {
    try {
      validateTopicConfigs(props);
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidConfigError);
      return (err as Error).message;
    }
    throw new Error('accepted');
  };
  expect(refused({ 'segment.bytes': 'big' })).toBe('Invalid value big for configuration segment.bytes: Not a number of type INT');
  expect(refused({ 'segment.bytes': '3000000000' })).toMatch(/Not a number of type INT$/);
  expect(refused({ 'retention.ms': '-2' })).toMatch(/Value must be at least -1$/);
  expect(refused({ 'min.cleanable.dirty.ratio': '1.5' })).toMatch(/Value must be no more than 1$/);
  expect(refused({ preallocate: 'yes' })).toMatch(/Expected value to be either true or false$/);
  expect(refused({ 'compression.type': 'brotli' })).toMatch(/String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer$/);
  expect(refused({ 'no.such.config': '1' })).toBe('Unknown topic config name: no.such.config');
  expect(() => validateTopicConfigs({ preallocate: ' TRUE ', 'cleanup.policy': 'compact, delete', 'message.format.version': '2.8' })).not.toThrow();
});

test('typed reads give numbers, booleans, lists and null for keys without a default', () => {
  const config = new BrokerConfig({ 'num.partitions': '3', 'auto.create.topics.enable': 'false', 'log.cleanup.policy': 'compact' });
  const partitions: number = config.get(BrokerConfigKeys.NUM_PARTITIONS);
  expect(partitions).toBe(3);
  expect(config.get(BrokerConfigKeys.AUTO_CREATE_TOPICS_ENABLE)).toBe(false);
  expect(config.get(BrokerConfigKeys.LISTENERS)).toEqual(['PLAINTEXT://127.0.0.1:9092']);
  expect(config.get(BrokerConfigKeys.ADVERTISED_LISTENERS)).toBeNull();
  expect(config.get(BrokerConfigKeys.LOG_CLEANUP_POLICY)).toEqual({ delete: false, compact: true });
  config.set(BrokerConfigKeys.NUM_PARTITIONS, '4');
  expect(config.get(BrokerConfigKeys.NUM_PARTITIONS)).toBe(4);
});

test('a topic default comes from the finest broker synonym set, converted to milliseconds', () => {
  const retention = (overrides: Record<string, string>): string | null => topicDefaultFromBroker(new BrokerConfig(overrides), TopicConfigKeys.RETENTION_MS);
  expect(retention({})).toBe('604800000');
  expect(retention({ 'log.retention.hours': '2' })).toBe('7200000');
  expect(retention({ 'log.retention.minutes': '3', 'log.retention.hours': '2' })).toBe('180000');
  expect(retention({ 'log.retention.ms': '-1', 'log.retention.hours': '2' })).toBe('-1');
  expect(retention({ 'log.retention.hours': '-1' })).toBe('-1');
  expect(new BrokerConfig({ 'log.roll.hours': '1' }).logRollMs).toBe(3_600_000);
});

test('internal topics get their configs from broker keys, as Kafka creates them', () => {
  expect(OFFSETS_TOPIC_CONFIGS).toEqual({ 'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer' });
  expect(TRANSACTION_STATE_TOPIC_CONFIGS).toEqual({
    'cleanup.policy': 'compact',
    'segment.bytes': '104857600',
    'compression.type': 'uncompressed',
    'min.insync.replicas': '1',
    'unclean.leader.election.enable': 'false',
  });
  const config = new BrokerConfig({
    'offsets.topic.segment.bytes': '2048',
    'transaction.state.log.segment.bytes': '4096',
    'transaction.state.log.min.isr': '2',
  });
  expect(offsetsTopicConfigs(config)['segment.bytes']).toBe('2048');
  expect(transactionStateTopicConfigs(config)).toMatchObject({ 'segment.bytes': '4096', 'min.insync.replicas': '2' });
  expect(() => validateTopicConfigs(transactionStateTopicConfigs(config))).not.toThrow();
});
