// Dynamic broker configs without a broker: the checks Kafka 4.3.1 makes before storing a change (codes and
// messages as its ConfigAdminManager and DynamicBrokerConfig give them), the precedence of the levels, the sources
// and synonyms DescribeConfigs reports, and the file that keeps them across restarts.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ErrorCode, KafkaError } from '../../../codecs/protocol/errors';
import { TopicConfigKeys } from '../../../storage';
import { BROKER_CONFIG_BY_NAME, BROKER_CONFIGS, BrokerConfig, BrokerConfigKeys } from '../../../src/config/broker-config';
import { ConfigSource, describeBrokerConfigs, describeTopicConfig } from '../../../src/config/config-sources';
import { checkDynamicBrokerConfigs } from '../../../src/config/dynamic-broker-config-rules';
import { DYNAMIC_BROKER_CONFIGS_FILE, DynamicBrokerConfigs } from '../../../src/config/dynamic-broker-configs';
import { topicDefaultsFromBroker } from '../../../src/config/topic-configs';
import { silentLogger } from '../../../src/logger';

function refusal(config: BrokerConfig, scope: 'default' | 'broker', next: Record<string, string>): { code: number; message: string } | null {
  try {
    checkDynamicBrokerConfigs(config, scope, next);
    return null;
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err;
    return { code: err.code, message: err.message };
  }
}

const invalidRequest = (message: string): { code: number; message: string } => ({ code: ErrorCode.INVALID_REQUEST, message });

test.each([
  ['a topic default', 'default', { 'log.retention.ms': '3600000' }, null],
  ['a thread count within double', 'default', { 'num.io.threads': '16' }, null],
  ['a name no definition knows', 'default', { 'plugin.setting': 'x' }, null],
  ['a listener-prefixed security config on the broker', 'broker', { 'listener.name.plaintext.ssl.keystore.type': 'JKS' }, null],
  ['a read-only key', 'default', { 'node.id': '3' }, invalidRequest('Cannot update these configs dynamically: [node.id]')],
  [
    'a read-only Kafka key Eddy does not define',
    'broker',
    { 'num.replica.alter.log.dirs.threads': '2' },
    invalidRequest('Cannot update these configs dynamically: [num.replica.alter.log.dirs.threads]'),
  ],
  [
    'two read-only keys',
    'default',
    { 'num.partitions': '3', 'node.id': '3' },
    invalidRequest('Cannot update these configs dynamically: [node.id, num.partitions]'),
  ],
  [
    'a security config without a listener prefix',
    'broker',
    { 'ssl.keystore.type': 'JKS' },
    invalidRequest('These security configs can be dynamically updated only per-listener using the listener prefix: [ssl.keystore.type]'),
  ],
  [
    'a value of the wrong type',
    'default',
    { 'log.retention.ms': 'abc' },
    invalidRequest('Invalid value abc for configuration log.retention.ms: Not a number of type LONG'),
  ],
  [
    'a per-broker key at the cluster-wide default',
    'default',
    { 'listener.name.plaintext.ssl.keystore.type': 'JKS' },
    invalidRequest('Cannot update these configs at default cluster level, broker id must be specified: [listener.name.plaintext.ssl.keystore.type]'),
  ],
  [
    'a thread pool beyond double',
    'default',
    { 'num.io.threads': '17' },
    invalidRequest(
      'Invalid value org.apache.kafka.common.config.ConfigException: Dynamic thread count update validation failed for num.io.threads=17, value should not be greater than double the current value 8 for configuration Invalid dynamic configuration',
    ),
  ],
  ['no log cleaner threads', 'broker', { 'log.cleaner.threads': '0' }, invalidRequest('/ by zero')],
  [
    'the cluster-wide min.insync.replicas left out',
    'default',
    {},
    { code: ErrorCode.INVALID_CONFIG, message: 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.' },
  ],
] as const)('a change of %s', (_what, scope, next, expected) => {
  const config = new BrokerConfig();
  config.replaceDynamic('default', { 'min.insync.replicas': '1' });
  // Every level keeps min.insync.replicas unless the case is about removing it.
  const whole = scope === 'default' && Object.keys(next).length > 0 ? { 'min.insync.replicas': '1', ...next } : next;
  expect(refusal(config, scope, whole)).toEqual(expected);
});

test("this broker's level wins over the cluster-wide one, which wins over the static setting", () => {
  const config = new BrokerConfig({ 'log.retention.ms': '1000' });
  const before = config.revision;
  config.replaceDynamic('default', { 'log.retention.ms': '2000' });
  expect(config.revision).toBeGreaterThan(before);
  expect(config.get(BrokerConfigKeys.LOG_RETENTION_MS)).toBe(2000);
  config.replaceDynamic('broker', { 'log.retention.ms': '3000' });
  expect(config.get(BrokerConfigKeys.LOG_RETENTION_MS)).toBe(3000);
  expect(topicDefaultsFromBroker(config).retentionMs).toBe(3000);
  expect(describeTopicConfig(config, {}, TopicConfigKeys.RETENTION_MS)).toMatchObject({
    value: '3000',
    source: ConfigSource.DYNAMIC_BROKER_CONFIG,
    synonyms: [
      { name: 'log.retention.ms', value: '3000', source: ConfigSource.DYNAMIC_BROKER_CONFIG },
      { name: 'log.retention.ms', value: '2000', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
      { name: 'log.retention.ms', value: '1000', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ],
  });
  config.replaceDynamic('broker', {});
  config.replaceDynamic('default', {});
  expect(config.get(BrokerConfigKeys.LOG_RETENTION_MS)).toBe(1000);
});

test('names no definition knows are listed for the broker as secrets of unknown type, from the level that set them', () => {
  const config = new BrokerConfig({ 'plugin.static': 'a' });
  config.replaceDynamic('default', { 'plugin.dynamic': 'b' });
  const described = describeBrokerConfigs(config, BROKER_CONFIGS, (name) => BROKER_CONFIG_BY_NAME.has(name));
  const unknown = described.filter((c) => c.name.startsWith('plugin.'));
  expect(unknown).toEqual([
    expect.objectContaining({
      name: 'plugin.static',
      value: null,
      sensitive: true,
      readOnly: true,
      type: undefined,
      source: ConfigSource.STATIC_BROKER_CONFIG,
    }),
    expect.objectContaining({ name: 'plugin.dynamic', value: null, sensitive: true, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }),
  ]);
});

describe('the file that keeps them', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-dyncfg-unit-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("a new data dir gets the static min.insync.replicas as a cluster-wide default, as Kafka's storage tool writes it", async () => {
    const config = new BrokerConfig({ 'min.insync.replicas': '2' });
    await DynamicBrokerConfigs.open(config, dir, silentLogger());
    expect(Object.fromEntries(config.dynamicEntries('default'))).toEqual({ 'min.insync.replicas': '2' });
    expect(JSON.parse(fs.readFileSync(path.join(dir, DYNAMIC_BROKER_CONFIGS_FILE), 'utf8'))).toEqual({ default: { 'min.insync.replicas': '2' }, broker: {} });
  });

  test('changes asked for at once each build on the one before', async () => {
    const config = new BrokerConfig();
    const store = await DynamicBrokerConfigs.open(config, dir, silentLogger());
    const add = (name: string, value: string) => (current: Record<string, string>) => ({ ...current, [name]: value });
    await Promise.all([store.update('broker', add('log.retention.ms', '1000'), false), store.update('broker', add('message.max.bytes', '2000'), false)]);
    expect(Object.fromEntries(config.dynamicEntries('broker'))).toEqual({ 'log.retention.ms': '1000', 'message.max.bytes': '2000' });
    await store.update('broker', add('log.retention.ms', '5'), true);
    expect(config.dynamicEntries('broker').get('log.retention.ms')).toBe('1000');
  });

  test('a change is stored, told to listeners, and read back at the next open; invalid or read-only stored values are dropped', async () => {
    const config = new BrokerConfig();
    const store = await DynamicBrokerConfigs.open(config, dir, silentLogger());
    let told = 0;
    store.onChange(() => {
      told++;
      return Promise.resolve();
    });
    await store.replace('broker', { 'message.max.bytes': '2000000' });
    expect(told).toBe(1);
    expect(config.get(BrokerConfigKeys.MESSAGE_MAX_BYTES)).toBe(2000000);
    await expect(store.replace('broker', { 'node.id': '5' })).rejects.toThrow('Cannot update these configs dynamically: [node.id]');

    const file = path.join(dir, DYNAMIC_BROKER_CONFIGS_FILE);
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { default: Record<string, string>; broker: Record<string, string> };
    fs.writeFileSync(file, JSON.stringify({ ...stored, broker: { ...stored.broker, 'log.segment.bytes': 'huge', 'log.dirs': '/elsewhere' } }));
    const reopened = new BrokerConfig();
    await DynamicBrokerConfigs.open(reopened, dir, silentLogger());
    expect(Object.fromEntries(reopened.dynamicEntries('broker'))).toEqual({ 'message.max.bytes': '2000000' });
    expect(reopened.get(BrokerConfigKeys.MESSAGE_MAX_BYTES)).toBe(2000000);
  });
});
