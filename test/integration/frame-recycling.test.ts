// Large Produce requests are read into recycled buffers (storage/frame-pool.ts), and the tail cache serves fetches
// views of them. A frame must not be reused while anything can still read it: here a slow client's fetch response,
// made of tail-cache views, waits in the socket while later produce requests evict those batches from the cache and
// take frames from the pool; every record of that response must arrive as written.
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import { RawClient } from '../helpers/raw-client';
import { Reader } from '../../codecs/primitives/reader';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { decodeRecordBatches, encodeRecordBatch } from '../../codecs/records/record-batch';

jest.setTimeout(60000);

const TOPIC = 'frame-recycling';
const PARTITIONS = 8;
const RECORDS_PER_BATCH = 50;
/** 250 KB batches: above what the tail cache copies into slabs, so it keeps views of the request frames. */
const VALUE_BYTES = 5000;
/** Per partition, what fits the tail cache's 4 MiB share: the first fetch is served from the cache alone. */
const FIRST_BATCHES = 12;
const MB = 1024 * 1024;

let broker: Broker;
let dataDir: string;

function valueOf(partition: number, offset: bigint): Buffer {
  const text = `p${partition}-o${offset}-`;
  return Buffer.from(text.padEnd(VALUE_BYTES, String.fromCharCode(97 + Number((offset + BigInt(partition)) % 26n))));
}

/** One Produce request: a batch for every partition, continuing at `batchIndex`. */
function produceBody(batchIndex: number): Parameters<typeof ProduceRequestCodec.encode>[0] {
  const base = BigInt(batchIndex * RECORDS_PER_BATCH);
  const partitionData = Array.from({ length: PARTITIONS }, (_, index) => ({
    index,
    records: encodeRecordBatch({ records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({ key: null, value: valueOf(index, base + BigInt(i)) })) }),
  }));
  return { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: TOPIC, partitionData }] };
}

async function produce(client: RawClient, batchIndex: number): Promise<void> {
  const res = await client.request(ProduceRequestCodec, ProduceResponseCodec, 9, produceBody(batchIndex));
  for (const p of res.responses[0].partitionResponses) {
    expect(p.errorCode).toBe(0);
    expect(p.baseOffset).toBe(BigInt(batchIndex * RECORDS_PER_BATCH));
  }
}

function fetchBody(partitionMaxBytes: number, fetchOffset = 0n): Parameters<typeof FetchRequestCodec.encode>[0] {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 64 * MB,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, fetchOffset, partitionMaxBytes })) }],
  };
}

/** Checks every record (CRCs are checked by the decoder); returns how many there were. */
function checkRecords(partition: number, records: Buffer): number {
  let count = 0;
  for (const batch of decodeRecordBatches(records).batches) {
    for (const r of batch.records) {
      if (!(r.value ?? Buffer.alloc(0)).equals(valueOf(partition, r.offset))) throw new Error(`partition ${partition} offset ${r.offset}: wrong bytes`);
      count++;
    }
  }
  return count;
}

beforeAll(async () => {
  ({ broker, dataDir } = await startInProcess());
  await broker.logs.createTopic(TOPIC, PARTITIONS, {});
});

afterAll(async () => {
  await broker.stop();
  removeDir(dataDir);
});

test('a fetch response of tail-cache views stays intact while later requests evict them and recycle frames', async () => {
  const producer = await RawClient.connect(broker.port);
  const slow = await RawClient.connect(broker.port);
  try {
    // The client reads every partition's (empty) end first: the tail cache keeps batches only for partitions with a
    // reader, so the batches that follow are cached as views of their frames.
    await slow.request(FetchRequestCodec, FetchResponseCodec, 12, fetchBody(4 * MB));
    for (let b = 0; b < FIRST_BATCHES; b++) await produce(producer, b);
    slow.pauseReading();
    const correlation = slow.send(FetchRequestCodec, 12, fetchBody(4 * MB));
    // The ~24 MB answer backs up: the kernel takes part of it, the rest waits in the broker's socket.
    await new Promise((r) => setTimeout(r, 300));
    const allocatedBefore = broker.logs.frames.allocations;
    // Enough to evict every batch of the first fetch from the cache, in frames taken from the pool.
    const later = 3 * FIRST_BATCHES;
    for (let b = FIRST_BATCHES; b < FIRST_BATCHES + later; b++) await produce(producer, b);
    // Frames were recycled meanwhile, not allocated per request.
    expect(broker.logs.frames.allocations - allocatedBefore).toBeLessThan(later / 2);
    slow.resumeReading();
    const frame = await slow.nextFrame(20000);
    if (frame === null) throw new Error('slow client was disconnected');
    expect(frame.readInt32BE(0)).toBe(correlation);
    const r = new Reader(frame.subarray(4));
    r.readTaggedFields();
    const res = FetchResponseCodec.decode(r, 12);
    let records = 0;
    for (const p of res.responses[0].partitions) {
      expect(p.errorCode).toBe(0);
      records += checkRecords(p.partitionIndex, p.records ?? Buffer.alloc(0));
    }
    expect(records).toBe(PARTITIONS * FIRST_BATCHES * RECORDS_PER_BATCH);
  } finally {
    producer.close();
    slow.close();
  }
});

test('consumers keeping up with the producer read every record as written from recycled frames', async () => {
  const producer = await RawClient.connect(broker.port);
  const consumer = await RawClient.connect(broker.port);
  try {
    const start = Number(broker.logs.partition(TOPIC, 0)?.logEndOffset ?? 0n) / RECORDS_PER_BATCH;
    const allocatedBefore = broker.logs.frames.allocations;
    for (let b = start; b < start + 40; b++) {
      await produce(producer, b);
      const res = await consumer.request(FetchRequestCodec, FetchResponseCodec, 12, fetchBody(MB, BigInt(b * RECORDS_PER_BATCH)));
      for (const p of res.responses[0].partitions) {
        expect(p.errorCode).toBe(0);
        expect(checkRecords(p.partitionIndex, p.records ?? Buffer.alloc(0))).toBe(RECORDS_PER_BATCH);
      }
    }
    // The tail cache keeps each partition's newest 4 MiB for this consumer: 16 batches of 250 KB, each pinning its
    // request's frame until evicted. Past those, every request reuses a frame the cache gave back.
    expect(broker.logs.frames.allocations - allocatedBefore).toBeLessThan(20);
  } finally {
    producer.close();
    consumer.close();
  }
});
