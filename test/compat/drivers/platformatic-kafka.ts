// @platformatic/kafka driven by test/compat/platformatic-kafka.test.ts. The package is ESM-only; jest loads modules
// through its own CommonJS registry, which cannot load it, so the suite runs this driver in a plain Node process,
// where require() of ES modules works (Node >= 20.19). Usage: node platformatic-kafka.js <admin|produce|consume>
// <bootstrap> ...; records to produce arrive on stdin as JSON lines; one JSON report goes to stdout.
import { requireCompat } from '../support/compat-clients';

interface ClientOptions {
  clientId: string;
  bootstrapBrokers: string[];
}

interface ClusterMetadata {
  brokers: Map<number, { host: string; port: number }>;
  topics: Map<string, { partitionsCount: number }>;
}

interface AdminClient {
  createTopics(options: { topics: string[]; partitions: number; replicas: number }): Promise<unknown>;
  metadata(options: { topics: string[] }): Promise<ClusterMetadata>;
  close(): Promise<void>;
}

interface ProducerClient {
  send(options: { messages: { topic: string; key: string; value: string; headers: Record<string, string> }[] }): Promise<unknown>;
  close(): Promise<void>;
}

interface ConsumedMessage {
  partition: number;
  offset: bigint;
  key: string | null | undefined;
  value: string | null | undefined;
  headers: Map<string, string>;
  commit(): void | Promise<void>;
}

interface MessagesStream {
  on(event: 'data', listener: (message: ConsumedMessage) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  pause(): void;
  close(): Promise<void>;
}

interface ConsumerClient {
  consume(options: { topics: string[]; mode: string; fallbackMode: string; autocommit: boolean; maxWaitTime: number }): Promise<MessagesStream>;
  listCommittedOffsets(options: { topics: { topic: string; partitions: number[] }[] }): Promise<Map<string, bigint[]>>;
  close(force?: boolean): Promise<void>;
}

interface PlatformaticKafka {
  Admin: new (options: ClientOptions) => AdminClient;
  Producer: new (options: ClientOptions & { serializers: unknown; compression?: string; idempotent?: boolean; autocreateTopics?: boolean }) => ProducerClient;
  Consumer: new (options: ClientOptions & { groupId: string; deserializers: unknown }) => ConsumerClient;
  stringSerializers: unknown;
  stringDeserializers: unknown;
}

function loadClient(): PlatformaticKafka {
  const mod = requireCompat('@platformatic/kafka/dist/index.js') as Partial<PlatformaticKafka>;
  if (typeof mod.Admin !== 'function' || typeof mod.Producer !== 'function' || typeof mod.Consumer !== 'function') {
    throw new Error('@platformatic/kafka: unexpected exports');
  }
  return mod as PlatformaticKafka;
}

const kafka = loadClient();
const CLIENT_ID = 'compat-platformatic';

async function readStdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

async function admin(bootstrap: string, topic: string, partitions: string): Promise<unknown> {
  const client = new kafka.Admin({ clientId: CLIENT_ID, bootstrapBrokers: [bootstrap] });
  try {
    await client.createTopics({ topics: [topic], partitions: Number(partitions), replicas: 1 });
    let duplicateError: string | null = null;
    try {
      await client.createTopics({ topics: [topic], partitions: Number(partitions), replicas: 1 });
    } catch (err) {
      duplicateError = describeError(err);
    }
    const meta = await client.metadata({ topics: [topic] });
    const count = meta.topics.get(topic)?.partitionsCount ?? 0;
    return {
      brokers: [...meta.brokers.entries()].map(([id, b]) => ({ id, host: b.host, port: b.port })),
      partitions: Array.from({ length: count }, (_, i) => i),
      duplicateError,
    };
  } finally {
    await client.close();
  }
}

/** The client wraps broker errors; the Kafka error name sits in a nested error's message or code. */
function describeError(err: unknown): string {
  const parts: string[] = [];
  const visit = (e: unknown, depth: number): void => {
    if (depth > 4 || typeof e !== 'object' || e === null) return;
    const rec = e as { message?: unknown; code?: unknown; apiId?: unknown; errors?: unknown; cause?: unknown };
    for (const v of [rec.message, rec.code, rec.apiId]) if (typeof v === 'string') parts.push(v);
    if (Array.isArray(rec.errors)) rec.errors.forEach((x) => visit(x, depth + 1));
    visit(rec.cause, depth + 1);
  };
  visit(err, 0);
  return parts.join(' | ');
}

async function produce(bootstrap: string, topic: string, compression = 'none', idempotent = 'false'): Promise<unknown> {
  const records = (await readStdinLines()).map((l) => JSON.parse(l) as { key: string; value: string; headers: Record<string, string> });
  const producer = new kafka.Producer({
    clientId: CLIENT_ID,
    bootstrapBrokers: [bootstrap],
    serializers: kafka.stringSerializers,
    compression,
    idempotent: idempotent === 'true',
    autocreateTopics: false,
  });
  const errors: string[] = [];
  let delivered = 0;
  try {
    for (let i = 0; i < records.length; i += 1000) {
      const chunk = records.slice(i, i + 1000);
      try {
        await producer.send({ messages: chunk.map((r) => ({ topic, key: r.key, value: r.value, headers: r.headers })) });
        delivered += chunk.length;
      } catch (err) {
        errors.push(describeError(err));
      }
    }
  } finally {
    await producer.close();
  }
  return { delivered, errors };
}

async function consume(bootstrap: string, topic: string, group: string, countText: string): Promise<unknown> {
  const count = Number(countText);
  const consumer = new kafka.Consumer({
    clientId: CLIENT_ID,
    bootstrapBrokers: [bootstrap],
    groupId: group,
    deserializers: kafka.stringDeserializers,
  });
  const records: unknown[] = [];
  const errors: string[] = [];
  const lastPerPartition = new Map<number, ConsumedMessage>();
  try {
    // A short fetch wait only makes closing quicker: the client lets the fetch in flight finish first.
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
      maxWaitTime: 500,
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        errors.push(`timed out with ${records.length} of ${count} records`);
        resolve();
      }, 60000);
      stream.on('error', (err) => errors.push(describeError(err)));
      stream.on('data', (m) => {
        if (records.length >= count) return;
        records.push({
          partition: m.partition,
          offset: m.offset.toString(),
          key: m.key ?? null,
          value: m.value ?? null,
          headers: Object.fromEntries(m.headers),
        });
        lastPerPartition.set(m.partition, m);
        if (records.length >= count) {
          clearTimeout(timer);
          stream.pause();
          resolve();
        }
      });
    });
    for (const m of lastPerPartition.values()) await m.commit();
    const committedOffsets = await consumer.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1, 2] }] });
    const committed: Record<string, number> = {};
    (committedOffsets.get(topic) ?? []).forEach((o, p) => {
      if (o >= 0n) committed[String(p)] = Number(o);
    });
    await stream.close();
    return { records, errors, committed };
  } finally {
    await consumer.close(true);
  }
}

async function main(argv: readonly string[]): Promise<unknown> {
  const [command, ...args] = argv;
  switch (command) {
    case 'admin':
      return admin(args[0], args[1], args[2]);
    case 'produce':
      return produce(args[0], args[1], args[2], args[3]);
    case 'consume':
      return consume(args[0], args[1], args[2], args[3]);
    default:
      throw new Error(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).then(
  (report) => {
    // Exit only once the report is flushed: stdout to a pipe is asynchronous, and the client may leave timers behind.
    process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
