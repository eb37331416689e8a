import { BrokerConfig, BrokerConfigKeys } from '../../../src/config/broker-config';
import { InvalidConfigValueError } from '../../../src/config/config-types';
import { TOPIC_CONFIGS, topicDefaultsFromBroker } from '../../../src/config/topic-configs';
import { DEFAULT_LOG_CONFIG, isKnownTopicConfig, validateTopicConfigs } from '../../../storage';
import { parseListeners, resolveAdvertised, ListenerConfigError } from '../../../src/config/listeners';
import { applyIncremental, AlterOp } from '../../../src/api/config-resources';
import { brokerOverrides } from '../../../src/cli';
import { topicNameProblem } from '../../../src/topics/topic-names';
import { KafkaError } from '../../../codecs/protocol/errors';

test('broker config defaults follow Kafka, with retention resolved from hours/minutes/ms', () => {
  const c = new BrokerConfig();
  expect(c.get(BrokerConfigKeys.NUM_PARTITIONS)).toBe(1);
  expect(c.get(BrokerConfigKeys.AUTO_CREATE_TOPICS_ENABLE)).toBe(true);
  expect(c.get(BrokerConfigKeys.SOCKET_REQUEST_MAX_BYTES)).toBe(104857600);
  expect(c.logRetentionMs).toBe(168 * 3600000);
  expect(new BrokerConfig({ 'log.retention.minutes': '5' }).logRetentionMs).toBe(300000);
  expect(new BrokerConfig({ 'log.retention.ms': '1234', 'log.retention.minutes': '5' }).logRetentionMs).toBe(1234);
});

test('bad broker config values are refused with Kafka-style messages', () => {
  expect(() => new BrokerConfig({ 'num.partitions': 'three' })).toThrow(InvalidConfigValueError);
  expect(() => new BrokerConfig({ 'num.partitions': '0' })).toThrow(/at least 1/);
  expect(() => new BrokerConfig({ 'auto.create.topics.enable': 'yes' })).toThrow(/true or false/);
});

test('every topic config DescribeConfigs reports is one storage accepts, with a default storage accepts', () => {
  for (const def of TOPIC_CONFIGS) {
    expect(isKnownTopicConfig(def.name)).toBe(true);
    if (def.defaultValue !== null) expect(() => validateTopicConfigs({ [def.name]: def.defaultValue as string })).not.toThrow();
  }
});

test('listeners parse, and advertised addresses replace wildcard hosts with localhost', () => {
  const bound = parseListeners('HOST://0.0.0.0:9092, DOCKER://:29092,V6://[::1]:9093');
  expect(bound).toEqual([
    { name: 'HOST', host: '0.0.0.0', port: 9092 },
    { name: 'DOCKER', host: '', port: 29092 },
    { name: 'V6', host: '::1', port: 9093 },
  ]);
  const adv = resolveAdvertised(bound, parseListeners('DOCKER://eddy:29092'));
  expect(adv).toEqual([
    { name: 'HOST', host: 'localhost', port: 9092 },
    { name: 'DOCKER', host: 'eddy', port: 29092 },
    { name: 'V6', host: '::1', port: 9093 },
  ]);
  expect(() => parseListeners('nonsense')).toThrow(ListenerConfigError);
  expect(() => parseListeners('A://h:1,A://h:2')).toThrow(/twice/);
  expect(() => resolveAdvertised(bound, parseListeners('OTHER://x:1'))).toThrow(/no matching/);
});

test('incremental config operations, including list append and subtract', () => {
  const isList = (n: string) => n === 'cleanup.policy';
  const defaults = (n: string) => (n === 'cleanup.policy' ? 'delete' : null);
  const next = applyIncremental(
    { 'retention.ms': '100', 'segment.bytes': '2000' },
    [
      { name: 'retention.ms', op: AlterOp.DELETE, value: null },
      { name: 'segment.ms', op: AlterOp.SET, value: '500' },
      { name: 'cleanup.policy', op: AlterOp.APPEND, value: 'compact' },
    ],
    defaults,
    isList,
  );
  expect(next).toEqual({ 'segment.bytes': '2000', 'segment.ms': '500', 'cleanup.policy': 'delete,compact' });
  const sub = applyIncremental(next, [{ name: 'cleanup.policy', op: AlterOp.SUBTRACT, value: 'delete' }], defaults, isList);
  expect(sub['cleanup.policy']).toBe('compact');
  expect(() => applyIncremental({}, [{ name: 'retention.ms', op: AlterOp.APPEND, value: '1' }], defaults, isList)).toThrow(KafkaError);
});

test('CLI flags, --config pairs and EDDY_CFG_ variables fold into broker configs', () => {
  const o = brokerOverrides(
    { port: 1234, host: '127.0.0.1', dataDir: '/tmp/x', logLevel: 'info', config: ['num.partitions=3', 'a.b=c=d'] },
    { EDDY_CFG_LOG_RETENTION_HOURS: '1', EDDY_CFG_NUM_PARTITIONS: '2' },
  );
  expect(o).toMatchObject({
    listeners: 'PLAINTEXT://127.0.0.1:1234',
    'num.partitions': '3',
    'a.b': 'c=d',
    'log.retention.hours': '1',
    'log.dirs': '/tmp/x',
  });
  const defaults = brokerOverrides({ dataDir: 'd', logLevel: 'info', config: [] }, {});
  expect(defaults.listeners).toBe('PLAINTEXT://:9092');
  expect(() => brokerOverrides({ dataDir: 'd', logLevel: 'info', config: ['novalue'] }, {})).toThrow(/key=value/);
});

test('topic names follow Kafka rules', () => {
  expect(topicNameProblem('orders.v1_x-y')).toBeNull();
  expect(topicNameProblem('')).not.toBeNull();
  expect(topicNameProblem('..')).not.toBeNull();
  expect(topicNameProblem('a/b')).not.toBeNull();
  expect(topicNameProblem('x'.repeat(249))).toBeNull();
  expect(topicNameProblem('x'.repeat(250))).not.toBeNull();
});

test('topic defaults storage applies come from the broker synonyms, converted to the topic key units', () => {
  const config = topicDefaultsFromBroker(
    new BrokerConfig({ 'log.retention.hours': '48', 'log.roll.hours': '2', 'log.segment.bytes': '1000', 'log.cleanup.policy': 'compact' }),
  );
  expect(config).toEqual({
    ...DEFAULT_LOG_CONFIG,
    retentionMs: 48 * 3_600_000,
    segmentMs: 2 * 3_600_000,
    segmentBytes: 1000,
    cleanupPolicy: { delete: false, compact: true },
  });
  expect(topicDefaultsFromBroker(new BrokerConfig({ 'log.retention.ms': '-1', 'log.retention.hours': '1' })).retentionMs).toBe(-1);
  expect(topicDefaultsFromBroker(new BrokerConfig())).toEqual(DEFAULT_LOG_CONFIG);
});
