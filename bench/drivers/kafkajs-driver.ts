// Bench load driver on kafkajs 2.2.4, as a long-lived child process: one JSON job per stdin line, one JSON result
// per stdout line ({ ok: true, ... } or { ok: false, error }). Same job shapes as rdkafka_driver.py.
import * as fs from 'fs';
import * as readline from 'readline';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel, Producer } from 'kafkajs';
import { Compression } from '../../codecs/records/batch-header';
import { compress, decompress } from '../../codecs/records/compression';

interface ProduceJob {
  kind: 'produce';
  bootstrap: string;
  topic: string;
  partitions: number;
  size: number;
  acks: number;
  compression: 'none' | 'lz4';
  count: number;
  maxSeconds: number;
  /** TLS to the bootstrap, trusting the CA certificate in this PEM file (the TLS bench section). */
  tlsCaFile?: string;
}

interface ConsumeJob {
  kind: 'consume';
  bootstrap: string;
  topic: string;
  partitions: number;
  expected: number;
  maxSeconds: number;
}

type Job = ProduceJob | ConsumeJob;

// kafkajs ships no LZ4 codec; the broker's own frame codec stands in (the same bytes any LZ4 producer sends).
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: async (encoder: { buffer: Buffer }) => compress(Compression.Lz4, encoder.buffer),
  decompress: async (buffer: Buffer) => decompress(Compression.Lz4, buffer),
});

const WORDS =
  'order invoice customer payment shipped pending account region total amount status created updated warehouse item sku quantity price discount currency session device browser click view cart checkout user email address city country postal code phone level score event source target latency bytes'.split(
    ' ',
  );

/** Same shape of values as the librdkafka driver: word-based, distinct, compressible inside a value. */
function payloadPool(size: number, count: number): Buffer[] {
  let seed = 1;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pool: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    while (s.length < size) s += `${WORDS[rand(WORDS.length)]}${rand(10000)} `;
    pool.push(Buffer.from(s.slice(0, size)));
  }
  return pool;
}

/** Records per send() call and sends kept in flight: kafkajs's throughput comes from big, overlapping sends. */
const RECORDS_PER_SEND = 1000;
const SENDS_IN_FLIGHT = 4;

async function produce(job: ProduceJob): Promise<Record<string, unknown>> {
  const ssl = job.tlsCaFile === undefined ? undefined : { ca: [fs.readFileSync(job.tlsCaFile)] };
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [job.bootstrap], logLevel: logLevel.NOTHING, ssl });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const pool = payloadPool(job.size, 2048);
    const compression = job.compression === 'lz4' ? CompressionTypes.LZ4 : CompressionTypes.None;
    // Warm metadata and connections before timing.
    await producer.send({ topic: job.topic, acks: job.acks, compression, messages: [{ value: pool[0], partition: 0 }] });
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round(job.maxSeconds * 1e9));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < job.count && process.hrtime.bigint() < deadline) {
        const from = next;
        const n = Math.min(RECORDS_PER_SEND, job.count - from);
        next += n;
        const messages = new Array<{ value: Buffer; partition: number }>(n);
        for (let i = 0; i < n; i++) messages[i] = { value: pool[(from + i) % pool.length], partition: (from + i) % job.partitions };
        await producer.send({ topic: job.topic, acks: job.acks, compression, messages });
      }
    };
    await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, worker));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { records: next, bytes: next * job.size, seconds };
  } finally {
    await producer.disconnect();
  }
}

async function consume(job: ConsumeJob): Promise<Record<string, unknown>> {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [job.bootstrap], logLevel: logLevel.NOTHING });
  // As the librdkafka driver does: read what the server still holds (the mock drops old records).
  const admin = kafka.admin();
  await admin.connect();
  let available = 0;
  try {
    for (const p of await admin.fetchTopicOffsets(job.topic)) available += Number(p.high) - Number(p.low);
  } finally {
    await admin.disconnect();
  }
  const expected = Math.min(job.expected, available);
  const consumer = kafka.consumer({ groupId: `bench-${job.topic}-${Date.now()}`, maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [job.topic], fromBeginning: true });
    let got = 0;
    let bytes = 0;
    // The clock starts once the group is joined: a join takes seconds and is not reading throughput.
    let start = process.hrtime.bigint();
    consumer.on(consumer.events.GROUP_JOIN, () => {
      start = process.hrtime.bigint();
    });
    let last = start;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, job.maxSeconds * 1000);
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) bytes += m.value?.length ?? 0;
          got += batch.messages.length;
          last = process.hrtime.bigint();
          if (got >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return { records: got, bytes, seconds: Number(last - start) / 1e9, complete: got >= expected, available };
  } finally {
    await consumer.disconnect();
  }
}

async function run(job: Job): Promise<Record<string, unknown>> {
  switch (job.kind) {
    case 'produce':
      return produce(job);
    case 'consume':
      return consume(job);
  }
}

async function main(): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    let out: Record<string, unknown>;
    try {
      out = { ok: true, ...(await run(JSON.parse(line) as Job)) };
    } catch (err) {
      out = { ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

void main();
