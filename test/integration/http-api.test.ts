// The console's JSON API over real sockets, REST v3 part: clusters, brokers, topics, partitions and configs with
// Confluent's paths and shapes, checked against what a Kafka client (kafkajs's admin) sees of the same broker;
// every kind of bad input answers 4xx with { error_code, message }. The OpenAPI document lists every route.
import { kafkaClient, withAdmin } from '../helpers/kafkajs';
import { apiSuite } from './http-api-harness';

jest.setTimeout(60000);

const api = apiSuite();

interface Listed<T> {
  kind: string;
  metadata: { self: string; next: string | null };
  data: T[];
}
type Resource = Record<string, unknown> & { kind: string; metadata: { self: string; resource_name: string | null } };
interface ErrorBody {
  error_code: number;
  message: string;
}

const kafka = () => kafkaClient(api.suite.bootstrap, 'http-api-test');

describe('clusters and brokers', () => {
  test('GET /v3/clusters lists this cluster with its related links', async () => {
    const res = await api.get<Listed<Resource>>('/v3/clusters');
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('KafkaClusterList');
    const clusterId = api.suite.broker.identity.clusterId;
    expect(res.body.data).toEqual([
      expect.objectContaining({
        kind: 'KafkaCluster',
        cluster_id: clusterId,
        metadata: { self: `${api.url}/v3/clusters/${clusterId}`, resource_name: `crn:///kafka=${clusterId}` },
        topics: { related: `${api.url}/v3/clusters/${clusterId}/topics` },
        controller: { related: `${api.url}/v3/clusters/${clusterId}/brokers/1` },
      }),
    ]);
    const one = await api.get<Resource>(api.cluster);
    expect(one.body).toEqual(res.body.data[0]);
  });

  test('brokers: this node with its advertised address; another id or cluster is 404', async () => {
    const list = await api.get<Listed<Resource>>(`${api.cluster}/brokers`);
    expect(list.body.data).toEqual([
      expect.objectContaining({ kind: 'KafkaBroker', broker_id: 1, host: '127.0.0.1', port: api.suite.broker.port, rack: null }),
    ]);
    expect((await api.get(`${api.cluster}/brokers/1`)).body).toEqual(list.body.data[0]);
    const other = await api.get<ErrorBody>(`${api.cluster}/brokers/2`);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error_code: 404, message: 'Broker 2 cannot be found.' });
    expect((await api.get<ErrorBody>('/v3/clusters/not-this-one/topics')).status).toBe(404);
    expect((await api.get<ErrorBody>(`${api.cluster}/brokers/abc`)).body.error_code).toBe(400);
  });
});

describe('topics and partitions', () => {
  test('create, read and delete a topic, as a Kafka client then sees it', async () => {
    const created = await api.call<Resource>('POST', `${api.cluster}/topics`, {
      topic_name: 'rest-created',
      partitions_count: 3,
      configs: [{ name: 'cleanup.policy', value: 'compact' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({ kind: 'KafkaTopic', topic_name: 'rest-created', partitions_count: 3, replication_factor: 1, is_internal: false }),
    );
    const seen = await withAdmin(kafka(), (admin) => admin.fetchTopicMetadata({ topics: ['rest-created'] }));
    expect(seen.topics[0].partitions).toHaveLength(3);
    const listed = await api.get<Listed<Resource>>(`${api.cluster}/topics`);
    expect(listed.body.data.map((t) => t.topic_name)).toContain('rest-created');
    const partitions = await api.get<Listed<Resource>>(`${api.cluster}/topics/rest-created/partitions`);
    expect(partitions.body.data.map((p) => [p.partition_id, p.earliest_offset, p.latest_offset])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [2, 0, 0],
    ]);
    expect((await api.call('DELETE', `${api.cluster}/topics/rest-created`)).status).toBe(204);
    const after = await withAdmin(kafka(), (admin) => admin.listTopics());
    expect(after).not.toContain('rest-created');
  });

  test('validate_only creates nothing; defaults come from the broker', async () => {
    const res = await api.call<Resource>('POST', `${api.cluster}/topics`, { topic_name: 'only-validated', validate_only: true });
    expect(res.status).toBe(201);
    expect(res.body.partitions_count).toBe(1);
    expect((await api.get(`${api.cluster}/topics/only-validated`)).status).toBe(404);
  });

  test("Kafka's refusals map as the REST proxy maps them", async () => {
    await api.call('POST', `${api.cluster}/topics`, { topic_name: 'exists-already' });
    const again = await api.call<ErrorBody>('POST', `${api.cluster}/topics`, { topic_name: 'exists-already' });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error_code: 40002, message: "Topic 'exists-already' already exists." });
    const badName = await api.call<ErrorBody>('POST', `${api.cluster}/topics`, { topic_name: 'bad name!' });
    expect(badName.body.error_code).toBe(40002);
    const badConfig = await api.call<ErrorBody>('POST', `${api.cluster}/topics`, { topic_name: 'x', configs: [{ name: 'retention.ms', value: 'soon' }] });
    expect(badConfig.status).toBe(400);
    expect(badConfig.body.error_code).toBe(40002);
    const replicas = await api.call<ErrorBody>('POST', `${api.cluster}/topics`, { topic_name: 'x', replication_factor: 3 });
    expect(replicas.body.message).toMatch(/replication factor of 3 cannot be reached/);
    const internal = await api.call<ErrorBody>('DELETE', `${api.cluster}/topics/__consumer_offsets`);
    if (internal.status !== 404) expect(internal.body).toEqual({ error_code: 40002, message: 'Cannot delete internal topic __consumer_offsets' });
  });

  test('unknown topics and partitions are 404/40403', async () => {
    for (const path of ['/topics/nope', '/topics/nope/partitions', '/topics/nope/configs', '/topics/nope/partitions/0']) {
      const res = await api.get<ErrorBody>(`${api.cluster}${path}`);
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe(40403);
    }
    expect((await api.call<ErrorBody>('DELETE', `${api.cluster}/topics/nope`)).body.error_code).toBe(40403);
    await api.call('POST', `${api.cluster}/topics`, { topic_name: 'two-partitions', partitions_count: 2 });
    expect((await api.get<ErrorBody>(`${api.cluster}/topics/two-partitions/partitions/2`)).body.error_code).toBe(40403);
    expect((await api.get<ErrorBody>(`${api.cluster}/topics/two-partitions/partitions/-1`)).status).toBe(400);
  });

  test('bad input: wrong types, missing fields, malformed JSON, oversized bodies', async () => {
    const wrongType = await api.call<ErrorBody>('POST', `${api.cluster}/topics`, { topic_name: 't', partitions_count: 'three' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toEqual({ error_code: 400, message: 'body/partitions_count must be integer' });
    const missing = await api.call<ErrorBody>('POST', `${api.cluster}/topics`, { partitions_count: 1 });
    expect(missing.body).toEqual({ error_code: 400, message: "body must have required property 'topic_name'" });
    const malformed = await api.call<ErrorBody>('POST', `${api.cluster}/topics`, '{"topic_name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error_code).toBe(400);
    expect(malformed.body.message).toMatch(/JSON/);
    const huge = await api.call<ErrorBody>('POST', `${api.cluster}/topics`, { topic_name: 'x'.repeat(17 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error_code).toBe(413);
    expect(huge.body.message).toMatch(/body/i);
    // The server is still there.
    expect((await api.get('/v3/clusters')).status).toBe(200);
  });
});

describe('configs', () => {
  beforeAll(async () => {
    await api.call('POST', `${api.cluster}/topics`, { topic_name: 'configured' });
  });

  test('a topic config as DescribeConfigs reports it, the same a Kafka client reads', async () => {
    const res = await api.get<Resource>(`${api.cluster}/topics/configured/configs/retention.ms`);
    expect(res.body).toEqual(
      expect.objectContaining({
        kind: 'KafkaTopicConfig',
        topic_name: 'configured',
        name: 'retention.ms',
        value: '604800000',
        is_default: true,
        source: 'DEFAULT_CONFIG',
      }),
    );
    const list = await api.get<Listed<Resource>>(`${api.cluster}/topics/configured/configs`);
    expect(list.body.kind).toBe('KafkaTopicConfigList');
    expect(list.body.data.map((c) => c.name)).toEqual(expect.arrayContaining(['cleanup.policy', 'retention.ms', 'max.message.bytes']));
    expect((await api.get<ErrorBody>(`${api.cluster}/topics/configured/configs/no.such.config`)).status).toBe(404);
  });

  test('PUT sets, DELETE resets, configs:alter changes several at once; a Kafka client sees each change', async () => {
    const base = `${api.cluster}/topics/configured/configs`;
    expect((await api.call('PUT', `${base}/retention.ms`, { value: '3600000' })).status).toBe(204);
    const described = async (): Promise<Record<string, string>> => {
      const answer = await withAdmin(kafka(), (admin) => admin.describeConfigs({ resources: [{ type: 2, name: 'configured' }], includeSynonyms: false }));
      return Object.fromEntries(answer.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    };
    expect((await described())['retention.ms']).toBe('3600000');
    const set = await api.get<Resource>(`${base}/retention.ms`);
    expect(set.body).toEqual(expect.objectContaining({ value: '3600000', is_default: false, source: 'DYNAMIC_TOPIC_CONFIG' }));
    expect((await api.call('DELETE', `${base}/retention.ms`)).status).toBe(204);
    expect((await described())['retention.ms']).toBe('604800000');
    const alter = await api.call('POST', `${base}:alter`, {
      data: [
        { name: 'segment.ms', value: '100000' },
        { name: 'cleanup.policy', value: 'compact', operation: 'APPEND' },
      ],
    });
    expect(alter.status).toBe(204);
    const after = await described();
    expect(after['segment.ms']).toBe('100000');
    expect(after['cleanup.policy']).toBe('delete,compact');
    const dry = await api.call('POST', `${base}:alter`, { data: [{ name: 'segment.ms', value: '200000' }], validate_only: true });
    expect(dry.status).toBe(204);
    expect((await described())['segment.ms']).toBe('100000');
  });

  test('invalid config values are refused as Kafka refuses them, nothing changed', async () => {
    const base = `${api.cluster}/topics/configured/configs`;
    const bad = await api.call<ErrorBody>('PUT', `${base}/retention.ms`, { value: 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error_code: 40002, message: 'Invalid value abc for configuration retention.ms: Not a number of type LONG' });
    const unknownOp = await api.call<ErrorBody>('POST', `${base}:alter`, { data: [{ name: 'segment.ms', operation: 'RESET' }] });
    expect(unknownOp.status).toBe(400);
    expect(unknownOp.body.error_code).toBe(400);
    const badBatch = await api.call<ErrorBody>('POST', `${base}:alter`, {
      data: [
        { name: 'segment.ms', value: '300000' },
        { name: 'min.cleanable.dirty.ratio', value: 'lots' },
      ],
    });
    expect(badBatch.body.error_code).toBe(40002);
    expect((await api.get<Resource>(`${base}/segment.ms`)).body.value).not.toBe('300000');
  });

  test('broker configs and cluster-wide dynamic defaults', async () => {
    const list = await api.get<Listed<Resource>>(`${api.cluster}/brokers/1/configs`);
    expect(list.body.kind).toBe('KafkaBrokerConfigList');
    const numPartitions = list.body.data.find((c) => c.name === 'num.partitions');
    expect(numPartitions).toEqual(expect.objectContaining({ kind: 'KafkaBrokerConfig', broker_id: 1, value: '1' }));
    expect((await api.call('PUT', `${api.cluster}/broker-configs/log.retention.ms`, { value: '86400000' })).status).toBe(204);
    const cluster = await api.get<Listed<Resource>>(`${api.cluster}/broker-configs`);
    expect(cluster.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'KafkaClusterConfig', name: 'log.retention.ms', value: '86400000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' }),
      ]),
    );
    // A topic without an override now inherits it, as Kafka's synonyms say.
    const inherited = await api.get<Resource>(`${api.cluster}/topics/configured/configs/retention.ms`);
    expect(inherited.body).toEqual(expect.objectContaining({ value: '86400000', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' }));
    expect((await api.call('DELETE', `${api.cluster}/broker-configs/log.retention.ms`)).status).toBe(204);
    expect((await api.get<ErrorBody>(`${api.cluster}/brokers/7/configs`)).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  test('/openapi.json is OpenAPI 3.1 and describes every console route with its schemas', async () => {
    const res = await api.get<{ openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/v3/clusters',
      '/v3/clusters/{cluster_id}/topics/{topic_name}/configs:alter',
      '/v3/clusters/{cluster_id}/topics/{topic_name}/records',
      '/v3/clusters/{cluster_id}/consumer-groups/{consumer_group_id}/lag-summary',
      '/api/topics/{topic_name}/records',
      '/api/consumer-groups/{consumer_group_id}/reset-offsets',
      '/api/overview',
      '/api/transactions',
    ]) {
      expect(paths).toContain(path);
    }
    for (const [path, methods] of Object.entries(res.body.paths)) {
      if (!path.startsWith('/v3') && !path.startsWith('/api')) continue;
      for (const op of Object.values(methods)) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['4XX']));
    }
  });
});
