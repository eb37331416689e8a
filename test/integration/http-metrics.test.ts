// GET /metrics after real client traffic: the text parses as Prometheus's format, and the broker's figures move by
// what the clients did: records and bytes in and out per topic, requests per API, errors by code, log offsets and
// sizes, connections, and group lag as committed offsets against end offsets.
import { httpBrokerPerSuite } from '../helpers/http-broker';
import { createTopics, withAdmin } from '../helpers/kafkajs';
import { parsePrometheusText, sampleValue, type PromFamily } from '../helpers/prometheus-text';
import { waitFor } from '../helpers/wait';

jest.setTimeout(60000);

const suite = httpBrokerPerSuite('http-metrics-test');

async function scrape(): Promise<Map<string, PromFamily>> {
  const response = await fetch(`${suite.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

/** The sum of the samples named `name` (a family's, or a histogram's _count) whose labels include `labels`. */
const sumOf = (families: Map<string, PromFamily>, name: string, labels: Record<string, string>): number =>
  [...families.values()]
    .flatMap((f) => f.samples)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

test('parses as Prometheus text, with the broker’s families, process metrics and event loop figures', async () => {
  const families = await scrape();
  for (const name of ['eddy_requests_total', 'eddy_request_duration_seconds', 'eddy_topic_bytes_in_total', 'eddy_log_size_bytes', 'eddy_group_lag']) {
    expect(families.get(name)?.help).not.toBe('');
  }
  expect(families.get('eddy_request_duration_seconds')?.type).toBe('histogram');
  expect(families.has('process_resident_memory_bytes')).toBe(true);
  expect(families.has('nodejs_eventloop_lag_seconds')).toBe(true);
  const utilization = sampleValue(families, 'eddy_event_loop_utilization');
  expect(utilization).toBeGreaterThanOrEqual(0);
  expect(utilization).toBeLessThanOrEqual(1);
  expect(sampleValue(families, 'eddy_groups', { state: 'Stable' })).toBe(0);
});

test('counters move by what a kafkajs producer and consumer did', async () => {
  const topic = 'metrics-topic';
  await createTopics(suite.kafka, [{ topic, numPartitions: 2 }]);
  const before = await scrape();
  const producer = suite.kafka.producer();
  await producer.connect();
  for (let round = 0; round < 3; round++) {
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ partition: i % 2, value: `round-${round}-${i}` })) });
  }
  await producer.disconnect();
  const consumer = suite.kafka.consumer({ groupId: 'metrics-group' });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  await consumer.run({ eachMessage: async () => void consumed++ });
  await waitFor('15 records consumed', () => consumed === 15);
  await consumer.disconnect();
  const after = await scrape();
  const delta = (name: string, labels: Record<string, string>): number => sumOf(after, name, labels) - sumOf(before, name, labels);

  expect(delta('eddy_topic_records_in_total', { topic })).toBe(15);
  expect(delta('eddy_topic_records_out_total', { topic })).toBe(15);
  // One producer, so the log holds exactly the batches appended, each fetched once.
  const logBytes = sumOf(after, 'eddy_log_size_bytes', { topic });
  expect(delta('eddy_topic_bytes_in_total', { topic })).toBe(logBytes);
  expect(delta('eddy_topic_bytes_out_total', { topic })).toBe(logBytes);
  expect(sumOf(after, 'eddy_log_end_offset', { topic })).toBe(15);
  expect(sampleValue(after, 'eddy_log_start_offset', { topic, partition: '1' })).toBe(0);
  // kafkajs sends one Produce per send() to the one suite.broker.
  expect(delta('eddy_requests_total', { request: 'Produce' })).toBe(3);
  expect(delta('eddy_request_duration_seconds_count', { request: 'Produce' })).toBe(3);
  expect(delta('eddy_request_bytes_total', { request: 'Produce' })).toBeGreaterThan(logBytes);
  expect(delta('eddy_requests_total', { request: 'Fetch' })).toBeGreaterThan(0);
  expect(delta('eddy_requests_total', { request: 'JoinGroup' })).toBeGreaterThan(0);
  expect(delta('eddy_response_bytes_total', { request: 'Fetch' })).toBeGreaterThan(logBytes);
  expect(sampleValue(after, 'eddy_partitions')).toBe(suite.broker.logs.topics().reduce((n, t) => n + t.partitions, 0));
  const listener = { listener: 'PLAINTEXT' };
  expect(delta('eddy_connections_created_total', listener)).toBeGreaterThan(0);
  await waitFor('client connections closed', async () => {
    const now = await scrape();
    return sampleValue(now, 'eddy_connections', listener) === 0;
  });
  const closed = await scrape();
  expect(sampleValue(closed, 'eddy_connections_closed_total', listener)).toBe(sampleValue(closed, 'eddy_connections_created_total', listener));
});

test('errors are counted by API and Kafka error name', async () => {
  await createTopics(suite.kafka, [{ topic: 'metrics-duplicate', numPartitions: 1 }]);
  const before = await scrape();
  // kafkajs answers false for a topic that exists: the broker's TOPIC_ALREADY_EXISTS, not retried.
  await expect(createTopics(suite.kafka, [{ topic: 'metrics-duplicate', numPartitions: 1 }])).resolves.toBe(false);
  const after = await scrape();
  const labels = { request: 'CreateTopics', error: 'TOPIC_ALREADY_EXISTS' };
  expect(sampleValue(after, 'eddy_errors_total', labels) - sampleValue(before, 'eddy_errors_total', labels)).toBe(1);
});

test('group lag is the end offset minus the committed offset, per partition', async () => {
  const topic = 'metrics-lag';
  const groupId = 'metrics-lag-group';
  await createTopics(suite.kafka, [{ topic, numPartitions: 2 }]);
  const producer = suite.kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: 7 }, (_, i) => ({ partition: i < 4 ? 0 : 1, value: `v${i}` })) });
  await producer.disconnect();
  const { ends, committed } = await withAdmin(suite.kafka, async (admin) => {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '1' },
        { partition: 1, offset: '3' },
      ],
    });
    return { ends: await admin.fetchTopicOffsets(topic), committed: (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions };
  });
  const families = await scrape();
  for (const { partition, high } of ends) {
    const offset = committed.find((c) => c.partition === partition)?.offset;
    const lag = sampleValue(families, 'eddy_group_lag', { group: groupId, topic, partition: String(partition) });
    expect(lag).toBe(Number(high) - Number(offset));
  }
  expect(sumOf(families, 'eddy_group_lag', { group: groupId })).toBe(3);
  expect(sampleValue(families, 'eddy_groups', { state: 'Empty' })).toBeGreaterThanOrEqual(1);
});

test('reports the tail cache by the memory it keeps alive, and the request frame pool', async () => {
  const topic = 'metrics-memory';
  await createTopics(suite.kafka, [{ topic, numPartitions: 1 }]);
  const consumer = suite.kafka.consumer({ groupId: 'metrics-memory-group', maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: number[] = [];
  let fetches = 0;
  consumer.on(consumer.events.FETCH, () => void fetches++);
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.length ?? 0) });
  const producer = suite.kafka.producer();
  await producer.connect();
  try {
    // The consumer waits at the partition's end, so the cache keeps what comes next; a 100 KiB record makes a
    // request frame of its own from the pool, and the cache keeps its batch as a view of that frame.
    await waitFor('the consumer fetching at the end', () => fetches > 0);
    await producer.send({ topic, messages: [{ value: Buffer.alloc(100 * 1024, 1) }] });
    await waitFor('the record consumed', () => values.length === 1);
    const after = await scrape();
    expect(sumOf(after, 'eddy_buffer_pool_allocations_total', { pool: 'request_frames' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'eddy_buffer_pool_idle_bytes', { pool: 'fetch_reads' })).toBeGreaterThanOrEqual(0);
    const held = sampleValue(after, 'eddy_tail_cache_bytes');
    expect(held).toBeGreaterThanOrEqual(100 * 1024);
    expect(held).toBeLessThanOrEqual(64 * 1024 * 1024);
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
});
