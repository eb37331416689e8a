// The fetch read path under reuse: disk reads land in pooled buffers that go back to the pool only after the socket
// has written the response, so a slow client's response must stay intact while other fetches recycle buffers, and
// consuming the same data again must not allocate new buffers.
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import { RawClient } from '../helpers/raw-client';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { decodeRecordBatches, encodeRecordBatch } from '../../codecs/records/record-batch';

jest.setTimeout(60000);

const TOPIC = 'fetch-path';
const PARTITIONS = 3;
const BATCHES_PER_PARTITION = 300;
const RECORDS_PER_BATCH = 4;
/** ~6 MB per partition: beyond the 4 MB a partition keeps in the tail cache, so early offsets come from disk. */
const VALUE_BYTES = 5000;
const MB = 1024 * 1024;

let broker: Broker;
let dataDir: string;

function valueOf(partition: number, offset: bigint): string {
  return `p${partition}-o${offset}-`.padEnd(VALUE_BYTES, String.fromCharCode(97 + Number(offset % 26n)));
}

beforeAll(async () => {
  ({ broker, dataDir } = await startInProcess());
  await broker.logs.createTopic(TOPIC, PARTITIONS, {});
  for (let p = 0; p < PARTITIONS; p++) {
    const log = broker.logs.partition(TOPIC, p);
    if (log === undefined) throw new Error('partition missing');
    for (let b = 0; b < BATCHES_PER_PARTITION; b++) {
      const base = BigInt(b * RECORDS_PER_BATCH);
      const records = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({ key: null, value: Buffer.from(valueOf(p, base + BigInt(i))) }));
      await log.append(encodeRecordBatch({ records }));
    }
  }
});

afterAll(async () => {
  await broker.stop();
  removeDir(dataDir);
});

function fetchBody(offsets: readonly bigint[], partitionMaxBytes: number): Parameters<typeof FetchRequestCodec.encode>[0] {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 64 * MB,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: offsets.map((fetchOffset, partition) => ({ partition, fetchOffset, partitionMaxBytes })) }],
  };
}

/** Checks every record of a partition's fetched bytes; returns the next offset to fetch. */
function checkRecords(partition: number, records: Buffer, from: bigint): bigint {
  let next = from;
  for (const batch of decodeRecordBatches(records).batches) {
    for (const r of batch.records) {
      if (r.offset < from) continue;
      expect(r.offset).toBe(next);
      const value = r.value?.toString() ?? '';
      if (value !== valueOf(partition, r.offset)) throw new Error(`partition ${partition} offset ${r.offset}: wrong bytes`);
      next = r.offset + 1n;
    }
  }
  return next;
}

/** Reads every partition from offset 0 to the end with sequential fetches, checking every record. */
async function consumeAll(client: RawClient, partitionMaxBytes: number): Promise<void> {
  const end = BigInt(BATCHES_PER_PARTITION * RECORDS_PER_BATCH);
  const offsets = Array.from({ length: PARTITIONS }, () => 0n);
  while (offsets.some((o) => o < end)) {
    const res = await client.request(FetchRequestCodec, FetchResponseCodec, 12, fetchBody(offsets, partitionMaxBytes));
    for (const p of res.responses[0].partitions) {
      expect(p.errorCode).toBe(0);
      offsets[p.partitionIndex] = checkRecords(p.partitionIndex, p.records ?? Buffer.alloc(0), offsets[p.partitionIndex]);
    }
  }
}

test('a response a slow client has not read stays intact while other fetches reuse read buffers', async () => {
  const slow = await RawClient.connect(broker.port);
  const busy = await RawClient.connect(broker.port);
  try {
    slow.pauseReading();
    const correlation = slow.send(FetchRequestCodec, 12, fetchBody([0n, 0n, 0n], 4 * MB));
    // Long enough for the broker to read and start writing the ~12 MB response, which backs up in the socket.
    await new Promise((r) => setTimeout(r, 200));
    for (const bytes of [4 * MB, 256 * 1024, 4 * MB]) await consumeAll(busy, bytes);
    slow.resumeReading();
    const frame = await slow.nextFrame(20000);
    if (frame === null) throw new Error('slow client was disconnected');
    expect(frame.readInt32BE(0)).toBe(correlation);
    const { Reader } = await import('../../codecs/primitives/reader');
    const r = new Reader(frame.subarray(4));
    r.readTaggedFields();
    const res = FetchResponseCodec.decode(r, 12);
    let total = 0;
    for (const p of res.responses[0].partitions) {
      const records = p.records ?? Buffer.alloc(0);
      total += records.length;
      expect(checkRecords(p.partitionIndex, records, 0n)).toBeGreaterThan(0n);
    }
    expect(total).toBeGreaterThan(8 * MB);
  } finally {
    slow.close();
    busy.close();
  }
});

test('consuming the same data again reuses the read buffers instead of allocating', async () => {
  const client = await RawClient.connect(broker.port);
  try {
    await consumeAll(client, MB);
    const before = broker.logs.readBuffers.allocations;
    for (let i = 0; i < 3; i++) await consumeAll(client, MB);
    expect(broker.logs.readBuffers.allocations).toBe(before);
    expect(broker.logs.readBuffers.idleBytes).toBeGreaterThan(0);
  } finally {
    client.close();
  }
});
