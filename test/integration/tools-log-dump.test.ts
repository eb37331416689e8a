// `eddy log dump` on a partition directory Eddy wrote: record batches (plain, gzip from kafkajs, lz4 from eddy
// produce), a committed and an aborted transaction with their control batches, and the .index, .timeindex,
// .txnindex and producer snapshot files a clean shutdown leaves, all read offline after the broker stopped; and
// `eddy consume` over those transactions, read_committed and not.
import * as fs from 'fs';
import * as path from 'path';
import { CompressionTypes } from 'kafkajs';
import { brokersPerTest } from '../helpers/broker';
import { eddy } from '../helpers/eddy-tools';
import { createTopics, kafkaClient } from '../helpers/kafkajs';
import type { DumpedBatch, DumpedFile } from '../../src/tools/log-files';

jest.setTimeout(180_000);

const brokers = brokersPerTest();

type Dumped<K extends DumpedFile['kind']> = Extract<DumpedFile, { kind: K }>;

test('dumps batches, records, transaction markers, indexes and producer state of a stopped broker', async () => {
  const dataDir = brokers.dataDir();
  const { broker, bootstrap } = await brokers.inProcess(dataDir);
  const kafka = kafkaClient(bootstrap, 'log-dump-test');
  await createTopics(kafka, [{ topic: 'dumped', numPartitions: 1 }]);

  const producer = kafka.producer();
  await producer.connect();
  // Forty batches of about 500 bytes: more than index.interval.bytes (4096), so the indexes get entries.
  for (let i = 0; i < 40; i++) await producer.send({ topic: 'dumped', messages: [{ key: `k${i}`, value: 'x'.repeat(500), headers: { i: String(i) } }] });
  await producer.send({ topic: 'dumped', compression: CompressionTypes.GZIP, messages: [{ value: 'zipped-1' }, { value: 'zipped-2' }] });
  await producer.disconnect();
  expect((await eddy(['produce', 'dumped', '-z', 'lz4', '-b', bootstrap], 'lz4-a\nlz4-b\n')).code).toBe(0);

  const txn = kafka.producer({ transactionalId: 'log-dump-txn', idempotent: true, maxInFlightRequests: 1 });
  await txn.connect();
  const committed = await txn.transaction();
  await committed.send({ topic: 'dumped', messages: [{ value: 'kept' }] });
  await committed.commit();
  const aborted = await txn.transaction();
  await aborted.send({ topic: 'dumped', messages: [{ value: 'dropped' }] });
  await aborted.abort();
  await txn.disconnect();
  // The consumer side of the same transactions: read_committed drops the aborted record, as Kafka's consumer does.
  const tail = ['consume', 'dumped', '-o', '43', '-b', bootstrap];
  expect((await eddy([...tail, '--isolation-level', 'read_committed'])).stdout).toBe('lz4-b\nkept\n');
  expect((await eddy(tail)).stdout).toBe('lz4-b\nkept\ndropped\n');
  await brokers.stop(broker);

  const partitionDir = path.join(dataDir, 'dumped-0');
  const result = await eddy(['log', 'dump', partitionDir, '--print-data-log', '--json']);
  expect(result.code).toBe(0);
  const files = result.json<DumpedFile[]>();
  const ofKind = <K extends DumpedFile['kind']>(kind: K): Dumped<K> => {
    const found = files.find((f) => f.kind === kind);
    if (found === undefined) throw new Error(`no ${kind} file among ${files.map((f) => f.file).join(', ')}`);
    return found as Dumped<K>;
  };

  const log = ofKind('log');
  expect([log.invalidBytes, log.error]).toEqual([0, null]);
  const batches: DumpedBatch[] = log.batches;
  expect(batches.every((b) => b.isValid && b.magic === 2)).toBe(true);
  expect(batches[0].records?.[0]).toMatchObject({
    offset: 0,
    key: 'k0',
    value: 'x'.repeat(500),
    headers: [{ key: 'i', value: '0' }],
    keySize: 2,
    valueSize: 500,
  });
  const byCodec = (codec: string): string[] => batches.filter((b) => b.compression === codec).flatMap((b) => (b.records ?? []).map((r) => r.value ?? ''));
  expect(byCodec('gzip')).toEqual(['zipped-1', 'zipped-2']);
  expect(byCodec('lz4')).toEqual(['lz4-a', 'lz4-b']);

  const markers = batches.filter((b) => b.isControl);
  expect(markers.map((b) => b.records?.[0].marker?.type)).toEqual(['COMMIT', 'ABORT']);
  const transactional = batches.filter((b) => b.isTransactional && !b.isControl);
  expect(transactional.map((b) => b.records?.[0].value)).toEqual(['kept', 'dropped']);
  const producerId = transactional[0].producerId;
  expect(producerId).toBeGreaterThanOrEqual(0);
  expect(transactional[0]).toMatchObject({ baseSequence: 0, lastSequence: 0, producerEpoch: expect.any(Number) });

  const index = ofKind('index');
  expect(index.entries.length).toBeGreaterThan(0);
  const positions = new Set(batches.map((b) => b.position));
  for (const entry of index.entries) expect(positions.has(entry.position)).toBe(true);
  const timeIndex = ofKind('timeindex');
  expect(timeIndex.entries.length).toBeGreaterThan(0);
  expect(timeIndex.entries.map((e) => e.timestamp)).toEqual([...timeIndex.entries.map((e) => e.timestamp)].sort((a, b) => Number(a) - Number(b)));

  const abortMarker = markers[1];
  expect(ofKind('txnindex').entries).toEqual([
    { producerId, firstOffset: transactional[1].baseOffset, lastOffset: abortMarker.baseOffset, lastStableOffset: expect.any(Number) },
  ]);
  expect(ofKind('snapshot').producers).toContainEqual(expect.objectContaining({ producerId, currentTxnFirstOffset: null }));

  const text = await eddy(['log', 'dump', '-d', partitionDir, path.join(partitionDir, fs.readdirSync(partitionDir).find((f) => f.endsWith('.index')) ?? '')]);
  expect(text.code).toBe(0);
  expect(text.stdout).toMatch(
    /^Dumping .*00000000000000000000\.log\nbaseOffset: 0 lastOffset: 0 count: 1 baseSequence: \d+ lastSequence: \d+ producerId: -1 producerEpoch: \S+ partitionLeaderEpoch: 0 isTransactional: false isControl: false position: 0 /,
  );
  expect(text.stdout).toContain('compresscodec: gzip');
  expect(text.stdout).toMatch(
    /\| offset: \d+ CreateTime: \d+ keySize: 4 valueSize: 6 sequence: -1 headerKeys: \[\] endTxnMarker: ABORT coordinatorEpoch: \d+\n/,
  );
  expect(text.stdout).toContain('| offset: 40 CreateTime: ');
  expect(text.stdout).toMatch(/\nDumping .*\.index\noffset: \d+ position: \d+\n/);
});

test('refuses a path that is not a log file, with exit code 2', async () => {
  const dir = brokers.dataDir();
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
  const result = await eddy(['log', 'dump', path.join(dir, 'notes.txt')]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^eddy log dump: .*notes\.txt is not a segment \(\.log\)/);
});
