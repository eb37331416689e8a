// The console's JSON API over real sockets, records part: REST v3 produce read back by a Kafka client (kafkajs),
// records a Kafka client produced (compressed, with headers, in transactions) read back through the message
// browser with their batch details, paging with cursors, time travel by timestamp, the text filter, a 10 MB value
// shown truncated with a download link, and the refusals of bad input.
import { CompressionTypes, type Kafka } from 'kafkajs';
import { kafkaClient, withAdmin } from '../helpers/kafkajs';
import { apiSuite } from './http-api-harness';

jest.setTimeout(90000);

const api = apiSuite();
const kafka = (): Kafka => kafkaClient(api.suite.bootstrap, 'http-api-records');

interface Payload {
  size: number;
  truncated: boolean;
  base64: string;
  utf8: string | null;
  is_json: boolean;
}
interface BrowsedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  key: Payload | null;
  value: Payload | null;
  value_download: string | null;
  headers: Array<{ name: string; value: Payload | null }>;
  control_type: string | null;
  batch: { compression: string; producer_id: number; producer_epoch: number; transactional: boolean; control: boolean; base_offset: number };
}
interface Page {
  records: BrowsedRecord[];
  next_cursor: string | null;
  prev_cursor: string | null;
  scanned: number;
}
interface ErrorBody {
  error_code: number;
  message: string;
}

async function createTopic(name: string, partitions = 1, configs: Array<{ name: string; value: string }> = []): Promise<void> {
  const res = await api.call('POST', `${api.cluster}/topics`, { topic_name: name, partitions_count: partitions, configs });
  expect(res.status).toBe(201);
}

const browse = (topic: string, query: string) => api.get<Page>(`/api/topics/${topic}/records?${query}`);

describe('producing through REST v3', () => {
  test('JSON, STRING and BINARY keys and values with headers reach a Kafka consumer', async () => {
    await createTopic('rest-produce', 3);
    const produce = (body: unknown) => api.call<Record<string, unknown>>('POST', `${api.cluster}/topics/rest-produce/records`, body);
    const first = await produce({
      partition_id: 2,
      key: { type: 'STRING', data: 'k1' },
      value: { type: 'JSON', data: { hello: 'world' } },
      headers: [{ name: 'trace', value: Buffer.from('abc').toString('base64') }],
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual(
      expect.objectContaining({
        error_code: 200,
        topic_name: 'rest-produce',
        partition_id: 2,
        offset: 0,
        key: { type: 'STRING', size: 2 },
        value: { type: 'JSON', size: 17 },
      }),
    );
    expect(Number.isNaN(Date.parse(first.body.timestamp as string))).toBe(false);
    const binary = await produce({ partition_id: 2, value: { type: 'BINARY', data: Buffer.from([0, 1, 2, 255]).toString('base64') } });
    expect(binary.body).toEqual(expect.objectContaining({ offset: 1, key: null, value: { type: 'BINARY', size: 4 } }));
    // A keyed record without a partition lands where Kafka's producers put that key (murmur2).
    const keyed = await produce({ key: { type: 'STRING', data: 'same-key' }, value: { type: 'STRING', data: 'x' } });
    const producer = kafka().producer();
    await producer.connect();
    const [sent] = await producer.send({ topic: 'rest-produce', messages: [{ key: 'same-key', value: 'y' }] });
    await producer.disconnect();
    expect(sent.partition).toBe(keyed.body.partition_id);

    const consumer = kafka().consumer({ groupId: 'rest-produce-reader', maxWaitTimeInMs: 100 });
    const seen: Array<{ partition: number; key: string | null; value: Buffer | null; headers: unknown }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'rest-produce', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) =>
        void seen.push({ partition, key: message.key?.toString() ?? null, value: message.value, headers: message.headers }),
    });
    const deadline = Date.now() + 30000;
    while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();
    const onTwo = seen.filter((s) => s.partition === 2 && s.key !== 'same-key');
    expect(onTwo[0]).toEqual(expect.objectContaining({ key: 'k1', value: Buffer.from('{"hello":"world"}') }));
    expect((onTwo[0].headers as Record<string, Buffer>).trace.toString()).toBe('abc');
    expect(onTwo[1].value).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  test('bad records and unknown targets are refused with a message', async () => {
    await createTopic('rest-refusals', 1, [{ name: 'max.message.bytes', value: '1000' }]);
    const produce = (topic: string, body: unknown) => api.call<ErrorBody>('POST', `${api.cluster}/topics/${topic}/records`, body);
    expect((await produce('rest-refusals', { value: { type: 'BINARY', data: 'not base64!' } })).body).toEqual({
      error_code: 400,
      message: 'value.data is not valid base64',
    });
    expect((await produce('rest-refusals', { value: { type: 'STRING', data: 12 } })).body.error_code).toBe(400);
    expect((await produce('rest-refusals', { value: { type: 'AVRO', data: 'x' } })).status).toBe(400);
    expect((await produce('rest-refusals', { timestamp: 'yesterday', value: { data: 1 } })).status).toBe(400);
    expect((await produce('rest-refusals', { partition_id: 3, value: { data: 1 } })).body.error_code).toBe(40403);
    expect((await produce('no-such-topic', { value: { data: 1 } })).body.error_code).toBe(40403);
    const tooLarge = await produce('rest-refusals', { value: { type: 'STRING', data: 'x'.repeat(5000) } });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.error_code).toBe(40002);
    const internal = await produce('__consumer_offsets', { value: { data: 1 } });
    if (internal.status !== 404) expect(internal.body).toEqual({ error_code: 40002, message: 'Cannot append to internal topic __consumer_offsets' });
  });
});

describe('the message browser', () => {
  test('records a Kafka client produced: compression, headers, JSON, transactions and their markers', async () => {
    await createTopic('browse-kafkajs');
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({
      topic: 'browse-kafkajs',
      compression: CompressionTypes.GZIP,
      messages: [
        { key: 'a', value: '{"n": 1}', headers: { h: 'one' } },
        { key: null, value: 'plain text' },
        { key: 'b', value: Buffer.from([0xff, 0xfe, 0x00]) },
      ],
    });
    await producer.disconnect();
    const txProducer = kafka().producer({ transactionalId: 'browse-tx', idempotent: true, maxInFlightRequests: 1 });
    await txProducer.connect();
    const txn = await txProducer.transaction();
    await txn.send({ topic: 'browse-kafkajs', messages: [{ value: 'in a transaction' }] });
    await txn.commit();
    await txProducer.disconnect();

    const page = await browse('browse-kafkajs', 'from=oldest&partition=0');
    expect(page.status).toBe(200);
    const [json, text, binary, transactional, marker] = page.body.records;
    expect(json).toEqual(
      expect.objectContaining({
        partition: 0,
        offset: 0,
        key: { size: 1, truncated: false, base64: 'YQ==', utf8: 'a', is_json: false },
        value: expect.objectContaining({ utf8: '{"n": 1}', is_json: true }),
        headers: [{ name: 'h', value: expect.objectContaining({ utf8: 'one' }) }],
        control_type: null,
      }),
    );
    expect(json.batch).toEqual(expect.objectContaining({ compression: 'gzip', transactional: false, control: false, base_offset: 0 }));
    expect(text.key).toBeNull();
    expect(text.value).toEqual(expect.objectContaining({ utf8: 'plain text', is_json: false }));
    expect(binary.value).toEqual({ size: 3, truncated: false, base64: Buffer.from([0xff, 0xfe, 0x00]).toString('base64'), utf8: null, is_json: false });
    expect(transactional.batch).toEqual(expect.objectContaining({ transactional: true, control: false }));
    expect(transactional.batch.producer_id).toBeGreaterThanOrEqual(0);
    expect(marker).toEqual(expect.objectContaining({ control_type: 'COMMIT', batch: expect.objectContaining({ control: true, transactional: true }) }));
  });

  test('pages through one partition forwards and back with cursors, reading only a page at a time', async () => {
    await createTopic('browse-paging');
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'browse-paging', messages: Array.from({ length: 25 }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();
    const values = (page: Page): string[] => page.records.map((r) => r.value?.utf8 ?? '');
    const newest = await browse('browse-paging', 'partition=0&limit=10');
    expect(values(newest.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${15 + i}`));
    expect(newest.body.next_cursor).toBeNull();
    const older = await browse('browse-paging', `limit=10&partition=0&cursor=${newest.body.prev_cursor}`);
    expect(values(older.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${5 + i}`));
    const oldest = await browse('browse-paging', `limit=10&partition=0&cursor=${older.body.prev_cursor}`);
    expect(values(oldest.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(oldest.body.prev_cursor).toBeNull();
    const fromOffset = await browse('browse-paging', 'partition=0&from=offset&offset=20&limit=3');
    expect(values(fromOffset.body)).toEqual(['m20', 'm21', 'm22']);
    expect(fromOffset.body.scanned).toBe(3);
    const rest = await browse('browse-paging', `partition=0&limit=3&cursor=${fromOffset.body.next_cursor}`);
    expect(values(rest.body)).toEqual(['m23', 'm24']);
    expect(rest.body.next_cursor).toBeNull();
  });

  test('all partitions: a page shares the limit between partitions, ordered by timestamp', async () => {
    await createTopic('browse-all', 3);
    for (let i = 0; i < 9; i++) {
      const res = await api.call('POST', `${api.cluster}/topics/browse-all/records`, {
        partition_id: i % 3,
        value: { type: 'STRING', data: `v${i}` },
        timestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      });
      expect(res.status).toBe(200);
    }
    const page = await browse('browse-all', 'from=oldest&limit=6');
    expect(page.body.records.map((r) => r.value?.utf8)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
    const next = await browse('browse-all', `limit=6&cursor=${page.body.next_cursor}`);
    expect(next.body.records.map((r) => r.value?.utf8)).toEqual(['v6', 'v7', 'v8']);
  });

  test('time travel: from a timestamp, the first record at or after it (ListOffsets semantics)', async () => {
    await createTopic('browse-time');
    const base = 1_600_000_000_000;
    for (let i = 0; i < 5; i++) {
      await api.call('POST', `${api.cluster}/topics/browse-time/records`, {
        value: { type: 'STRING', data: `t${i}` },
        timestamp: new Date(base + i * 60_000).toISOString(),
      });
    }
    const at = await browse('browse-time', `partition=0&from=timestamp&timestamp=${base + 90_000}`);
    expect(at.body.records.map((r) => [r.offset, r.timestamp])).toEqual([
      [2, base + 120_000],
      [3, base + 180_000],
      [4, base + 240_000],
    ]);
    const kafkaAnswer = await withAdmin(kafka(), (admin) => admin.fetchTopicOffsetsByTimestamp('browse-time', base + 90_000));
    expect(kafkaAnswer[0].offset).toBe('2');
    const future = await browse('browse-time', `partition=0&from=timestamp&timestamp=${base + 10_000_000}`);
    expect(future.body.records).toEqual([]);
  });

  test('the filter matches key or value text within a bounded window', async () => {
    await createTopic('browse-filter');
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({
      topic: 'browse-filter',
      messages: Array.from({ length: 50 }, (_, i) => ({ key: `key-${i}`, value: i % 10 === 7 ? `needle ${i}` : `hay ${i}` })),
    });
    await producer.disconnect();
    const all = await browse('browse-filter', 'partition=0&from=oldest&filter=needle');
    expect(all.body.records.map((r) => r.offset)).toEqual([7, 17, 27, 37, 47]);
    expect(all.body.scanned).toBe(50);
    const byKey = await browse('browse-filter', 'partition=0&from=oldest&filter=key-33');
    expect(byKey.body.records.map((r) => r.offset)).toEqual([33]);
    const windowed = await browse('browse-filter', 'partition=0&from=oldest&filter=needle&scan_limit=20');
    expect(windowed.body.records.map((r) => r.offset)).toEqual([7, 17]);
    expect(windowed.body.scanned).toBe(20);
    const more = await browse('browse-filter', `partition=0&filter=needle&scan_limit=20&cursor=${windowed.body.next_cursor}`);
    expect(more.body.records.map((r) => r.offset)).toEqual([27, 37]);
  });

  test('a 10 MB value is shown truncated with a download link serving all of it', async () => {
    await createTopic('browse-large', 1, [{ name: 'max.message.bytes', value: String(12 * 1024 * 1024) }]);
    const value = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 7) & 0xff;
    const produced = await api.call('POST', `${api.cluster}/topics/browse-large/records`, { value: { type: 'BINARY', data: value.toString('base64') } });
    expect(produced.status).toBe(200);
    const page = await browse('browse-large', 'partition=0&from=oldest');
    const [record] = page.body.records;
    expect(record.value).toEqual(expect.objectContaining({ size: value.length, truncated: true, is_json: false }));
    expect(Buffer.from(record.value?.base64 ?? '', 'base64')).toEqual(value.subarray(0, 16 * 1024));
    expect(record.value_download).toBe(`${api.url}/api/topics/browse-large/partitions/0/records/0/value`);
    const download = await fetch(record.value_download as string);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await download.arrayBuffer()).equals(value)).toBe(true);
  });

  test('bad input: unknown topic or partition, invalid offsets and cursors, limits over the bounds', async () => {
    await createTopic('browse-bad');
    await api.call('POST', `${api.cluster}/topics/browse-bad/records`, { value: { type: 'STRING', data: 'only' } });
    const refused = async (query: string, topic = 'browse-bad'): Promise<ErrorBody & { status: number }> => {
      const res = await api.get<ErrorBody>(`/api/topics/${topic}/records?${query}`);
      return { status: res.status, ...res.body };
    };
    expect(await refused('', 'nope')).toEqual(expect.objectContaining({ status: 404, error_code: 40403 }));
    expect(await refused('partition=4')).toEqual(expect.objectContaining({ status: 404, error_code: 40403 }));
    expect(await refused('partition=0&from=offset&offset=5')).toEqual({
      status: 400,
      error_code: 400,
      message: 'offset 5 is out of range for partition 0: [0, 1]',
    });
    expect(await refused('partition=0&from=offset&offset=-1')).toEqual(expect.objectContaining({ status: 400, error_code: 400 }));
    expect(await refused('partition=0&from=offset')).toEqual({ status: 400, error_code: 400, message: 'from=offset needs an offset' });
    expect(await refused('from=timestamp')).toEqual(expect.objectContaining({ status: 400, message: 'from=timestamp needs a timestamp' }));
    expect(await refused('from=yesterday')).toEqual(expect.objectContaining({ status: 400, error_code: 400 }));
    expect(await refused('limit=501')).toEqual({ status: 400, error_code: 400, message: 'querystring/limit must be <= 500' });
    expect(await refused('cursor=not-a-cursor')).toEqual({ status: 400, error_code: 400, message: 'cursor is not one this API gave' });
    expect(await refused('bogus=1')).toEqual(expect.objectContaining({ status: 200 }));
    const missing = await api.get<ErrorBody>('/api/topics/browse-bad/partitions/0/records/9/value');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error_code: 404, message: 'No record at offset 9 of browse-bad-0' });
  });
});
