// DescribeConfigs over a real socket answers from the config definitions as Kafka's ConfigHelper does: each value's
// source, the synonyms in Kafka's order (topic override, broker settings, defaults, with Kafka's quirk of dropping
// everything before the primary synonym), config types and, when asked, documentation.
import { DescribeConfigsRequestCodec } from '../../../codecs/generated/DescribeConfigsRequest';
import {
  DescribeConfigsResponse,
  DescribeConfigsResponseCodec,
  DescribeConfigsResponseDescribeConfigsResourceResult as Entry,
} from '../../../codecs/generated/DescribeConfigsResponse';
import { passwordKey } from '../../../storage';
import type { Broker } from '../../../src/broker';
import { BrokerConfig } from '../../../src/config/broker-config';
import { ConfigSource, describeBrokerConfig } from '../../../src/config/config-sources';
import { removeDir, startInProcess, tempDataDir } from '../../helpers/broker';
import { RawClient } from '../../helpers/raw-client';

const { DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG } = ConfigSource;
const TOPIC = 2;
const BROKER = 4;
const INT = 3;
const LIST = 7;

let dataDir = '';
let broker: Broker;

beforeAll(async () => {
  dataDir = tempDataDir();
  const overrides = { 'log.retention.hours': '2', 'log.segment.bytes': '2097152', 'message.max.bytes': '5000' };
  ({ broker } = await startInProcess(dataDir, overrides));
  await broker.topics.create({ name: 'tuned', numPartitions: 1, replicationFactor: -1, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } });
  await broker.topics.create({ name: 'plain', numPartitions: 1, replicationFactor: -1, configs: {} });
});

afterAll(async () => {
  await broker.stop();
  removeDir(dataDir);
});

async function describe(
  version: number,
  resourceType: number,
  resourceName: string,
  includeSynonyms: boolean,
  includeDocumentation = false,
): Promise<DescribeConfigsResponse> {
  const client = await RawClient.connect(broker.port);
  try {
    const body = { resources: [{ resourceType, resourceName, configurationKeys: null }], includeSynonyms, includeDocumentation };
    return await client.request(DescribeConfigsRequestCodec, DescribeConfigsResponseCodec, version, body);
  } finally {
    client.close();
  }
}

/** A broker key set at start: its static value, then its default. */
function setOverDefault(name: string, value: string, defaultValue: string): object[] {
  return [
    { name, value, source: STATIC_BROKER_CONFIG },
    { name, value: defaultValue, source: DEFAULT_CONFIG },
  ];
}

function entry(res: DescribeConfigsResponse, name: string): Entry {
  const found = res.results[0].configs.find((c) => c.name === name);
  if (found === undefined) throw new Error(`${name} not described`);
  return found;
}

test('a topic override comes first, then the broker settings and defaults of its synonyms', async () => {
  const res = await describe(4, TOPIC, 'tuned', true, true);
  expect(res.results[0].errorCode).toBe(0);
  expect(entry(res, 'cleanup.policy')).toMatchObject({
    value: 'compact',
    configSource: DYNAMIC_TOPIC_CONFIG,
    readOnly: false,
    isSensitive: false,
    configType: LIST,
    synonyms: [
      { name: 'cleanup.policy', value: 'compact', source: DYNAMIC_TOPIC_CONFIG },
      { name: 'log.cleanup.policy', value: 'delete', source: DEFAULT_CONFIG },
    ],
  });
  const segmentSynonyms = setOverDefault('log.segment.bytes', '2097152', '1073741824');
  expect(entry(res, 'segment.bytes')).toMatchObject({ value: '2097152', configSource: STATIC_BROKER_CONFIG, configType: INT, synonyms: segmentSynonyms });
  // log.retention.hours stands before log.retention.ms, so Kafka drops it from the list.
  expect(entry(res, 'retention.ms')).toMatchObject({
    value: '3600000',
    configSource: DYNAMIC_TOPIC_CONFIG,
    synonyms: [{ name: 'retention.ms', value: '3600000', source: DYNAMIC_TOPIC_CONFIG }],
  });
  expect(entry(res, 'remote.storage.enable')).toMatchObject({ value: 'false', configSource: DEFAULT_CONFIG, synonyms: [] });
  expect(entry(res, 'segment.bytes').documentation).toMatch(/segment/);
  expect(res.results[0].configs.every((c) => typeof c.documentation === 'string' && c.documentation.length > 0)).toBe(true);
  expect(res.results[0].configs.map((c) => c.name)).not.toContain('message.format.version');
});

test('a topic without overrides reports broker values, and retention from log.retention.hours as Kafka does (a default with no synonyms)', async () => {
  const res = await describe(4, TOPIC, 'plain', true);
  expect(entry(res, 'retention.ms')).toMatchObject({ value: '7200000', configSource: DEFAULT_CONFIG, synonyms: [] });
  expect(entry(res, 'segment.ms')).toMatchObject({ value: '604800000', configSource: DEFAULT_CONFIG, synonyms: [] });
  expect(entry(res, 'max.message.bytes')).toMatchObject({ value: '5000', configSource: STATIC_BROKER_CONFIG });
  expect(entry(res, 'flush.ms')).toMatchObject({ value: '9223372036854775807', configSource: DEFAULT_CONFIG, synonyms: [] });
  expect(res.results[0].configs.every((c) => c.documentation === null)).toBe(true);
  const without = await describe(4, TOPIC, 'plain', false);
  expect(entry(without, 'max.message.bytes')).toMatchObject({ value: '5000', configSource: STATIC_BROKER_CONFIG, synonyms: [] });
});

test('v0 reports IsDefault', async () => {
  const res = await describe(0, TOPIC, 'tuned', false);
  expect(entry(res, 'retention.ms').isDefault).toBe(false);
  expect(entry(res, 'segment.bytes').isDefault).toBe(false);
  expect(entry(res, 'segment.ms').isDefault).toBe(true);
});

test('broker configs: own value, read-only unless Kafka alters it at run time, synonyms across units', async () => {
  const res = await describe(4, BROKER, String(broker.identity.nodeId), true, true);
  expect(res.results[0].errorCode).toBe(0);
  const segmentSynonyms = setOverDefault('log.segment.bytes', '2097152', '1073741824');
  expect(entry(res, 'log.segment.bytes')).toMatchObject({ value: '2097152', readOnly: false, configSource: STATIC_BROKER_CONFIG, synonyms: segmentSynonyms });
  const hoursSynonyms = setOverDefault('log.retention.hours', '2', '168');
  expect(entry(res, 'log.retention.hours')).toMatchObject({ value: '2', readOnly: true, configSource: STATIC_BROKER_CONFIG, synonyms: hoursSynonyms });
  expect(entry(res, 'log.retention.ms')).toMatchObject({ value: null, configSource: DEFAULT_CONFIG, synonyms: [] });
  expect(entry(res, 'num.partitions')).toMatchObject({ value: '1', readOnly: true, configSource: DEFAULT_CONFIG });
  expect(entry(res, 'default.replication.factor')).toMatchObject({ value: '1', readOnly: true, configType: INT });
  expect(entry(res, 'node.id')).toMatchObject({ readOnly: true, configType: INT });
  expect(entry(res, 'offsets.topic.segment.bytes')).toMatchObject({ value: '104857600', configSource: DEFAULT_CONFIG });
  expect(entry(res, 'log.retention.hours').documentation).toMatch(/hours/);
  const cluster = await describe(4, BROKER, '', true);
  // A fresh data dir holds what Kafka's storage tool writes at format: min.insync.replicas as a cluster-wide default.
  expect(cluster.results[0]).toMatchObject({
    errorCode: 0,
    configs: [{ name: 'min.insync.replicas', value: '1', configSource: 3, synonyms: [{ name: 'min.insync.replicas', value: '1', source: 3 }] }],
  });
});

test('sensitive broker values are null, in the entry and in its synonyms', () => {
  const secret = passwordKey('ssl.key.password', null, 'Password of the private key.');
  const described = describeBrokerConfig(new BrokerConfig({ 'ssl.key.password': 'hunter2' }), secret);
  expect(described).toMatchObject({ value: null, sensitive: true, source: STATIC_BROKER_CONFIG, type: 'password' });
  expect(described.synonyms).toEqual([{ name: 'ssl.key.password', value: null, source: STATIC_BROKER_CONFIG }]);
});
