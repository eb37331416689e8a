// Hostile clients against a real broker while a well-behaved kafkajs producer and consumer work the whole time:
// hundreds of connections send mutated copies of real request frames (seeded, so a failure replays with
// FUZZ_SEED=<seed>), one client never reads its responses, and frames sit just at and just above
// socket.request.max.bytes. The broker must never crash, the good client must never see an error, every bad
// connection must be answered or closed with exactly one log line, and memory must stay bounded. Slow and silent
// clients (connections.max.idle.ms) are in idle-connections.test.ts.
import { Kafka, logLevel, LogEntry, Consumer, Producer } from 'kafkajs';
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import type { Connection } from '../../src/network/connection';
import { Reader } from '../../codecs/primitives/reader';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { ListOffsetsRequestCodec } from '../../codecs/generated/ListOffsetsRequest';
import { CreateTopicsRequestCodec } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec } from '../../codecs/generated/CreateTopicsResponse';
import { JoinGroupRequestCodec } from '../../codecs/generated/JoinGroupRequest';
import { SyncGroupRequestCodec } from '../../codecs/generated/SyncGroupRequest';
import { HeartbeatRequestCodec } from '../../codecs/generated/HeartbeatRequest';
import { OffsetCommitRequestCodec } from '../../codecs/generated/OffsetCommitRequest';
import { OffsetFetchRequestCodec } from '../../codecs/generated/OffsetFetchRequest';
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { CreatePartitionsRequestCodec } from '../../codecs/generated/CreatePartitionsRequest';
import { CreatePartitionsResponseCodec } from '../../codecs/generated/CreatePartitionsResponse';
import { RawClient } from '../helpers/raw-client';
import { sessionlessFetch } from '../helpers/fetch-requests';
import { fuzzSeed, mutate, Prng } from '../helpers/fuzz';
import { captureProcessFailures, closeLinesFor, connect, eventually, LogLine, memoryLogger, requestFrame, sized } from '../helpers/hostile-clients';

jest.setTimeout(40000);

const processFailures = captureProcessFailures();

const SEED = fuzzSeed(0xbad_c0de);
const GOOD_TOPIC = 'good-topic';
const TARGET_TOPIC = 'zz-fuzz-target';
const BULK_TOPIC = 'zz-fuzz-bulk';
const MAX_REQUEST_BYTES = 1 << 20;
const PING_CORRELATION_ID = 0x7ffffff0;
const BAD_CONNECTIONS = 360;
const BAD_WORKERS = 6;

// ---------------------------------------------------------------------------------------------------------------
// Real request frames.

interface Template {
  api: string;
  frame: Buffer;
}

/** Valid requests of the APIs a client uses most, at classic and flexible versions; `tag` keeps groups apart. */
function templates(tag: string): Template[] {
  const batch = encodeRecordBatch({ records: [{ key: Buffer.from('k'), value: Buffer.from('hostile value') }] });
  const group = `zz-fuzz-group-${tag}`;
  const metadataBody = { topics: [{ name: TARGET_TOPIC }], allowAutoTopicCreation: false };
  const produceBody = {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: TARGET_TOPIC, partitionData: [{ index: 0, records: batch }] }],
  };
  const fetchBody = sessionlessFetch([{ topic: TARGET_TOPIC, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 65536 }] }], {
    maxWaitMs: 20,
    maxBytes: 65536,
  });
  const joinBody = {
    groupId: group,
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 2000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 0, 0, 0, 0]) }],
  };
  const commitBody = {
    groupId: group,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    topics: [{ name: TARGET_TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }],
  };
  const createBody = {
    topics: [{ name: `zz-fuzz-new-${tag}`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 1000,
    validateOnly: false,
  };
  const t = (api: string, frame: Buffer): Template => ({ api, frame });
  return [
    t('ApiVersions', requestFrame(ApiVersionsRequestCodec, 0, {}, 1)),
    t('ApiVersions', requestFrame(ApiVersionsRequestCodec, 3, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }, 2)),
    t('Metadata', requestFrame(MetadataRequestCodec, 4, metadataBody, 3)),
    t('Metadata', requestFrame(MetadataRequestCodec, 12, metadataBody, 4)),
    t('Produce', requestFrame(ProduceRequestCodec, 3, produceBody, 5)),
    t('Produce', requestFrame(ProduceRequestCodec, 9, produceBody, 6)),
    t('Fetch', requestFrame(FetchRequestCodec, 4, fetchBody, 7)),
    t('Fetch', requestFrame(FetchRequestCodec, 12, fetchBody, 8)),
    t(
      'ListOffsets',
      requestFrame(ListOffsetsRequestCodec, 7, { replicaId: -1, topics: [{ name: TARGET_TOPIC, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }, 9),
    ),
    t('CreateTopics', requestFrame(CreateTopicsRequestCodec, 2, createBody, 10)),
    t('CreateTopics', requestFrame(CreateTopicsRequestCodec, 7, createBody, 11)),
    t(
      'CreatePartitions',
      requestFrame(
        CreatePartitionsRequestCodec,
        2,
        { topics: [{ name: `zz-fuzz-new-${tag}`, count: 2, assignments: null }], timeoutMs: 1000, validateOnly: true },
        12,
      ),
    ),
    t('FindCoordinator', requestFrame(FindCoordinatorRequestCodec, 2, { key: group, keyType: 0 }, 13)),
    t('JoinGroup', requestFrame(JoinGroupRequestCodec, 2, joinBody, 14)),
    t('JoinGroup', requestFrame(JoinGroupRequestCodec, 9, joinBody, 15)),
    t('SyncGroup', requestFrame(SyncGroupRequestCodec, 3, { groupId: group, generationId: 1, memberId: 'nobody', assignments: [] }, 16)),
    t('Heartbeat', requestFrame(HeartbeatRequestCodec, 4, { groupId: group, generationId: 1, memberId: 'nobody' }, 17)),
    t('OffsetCommit', requestFrame(OffsetCommitRequestCodec, 2, commitBody, 18)),
    t('OffsetCommit', requestFrame(OffsetCommitRequestCodec, 8, commitBody, 19)),
    t('OffsetFetch', requestFrame(OffsetFetchRequestCodec, 7, { groupId: group, topics: null, requireStable: false }, 20)),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// A raw connection that sends frames and reports what the broker did with them.

type Verdict = 'answered' | 'closed' | 'waiting';

interface BadResult {
  client: string;
  /** logLines.length when the connection opened: its lines come after, so a reused port is not confused */
  logStart: number;
  verdict: Verdict;
  apis: string[];
}

/** APIs that may legitimately hold a request open (a mutated wait time), so "waiting" is acceptable for them. */
const MAY_WAIT = new Set(['Fetch', 'JoinGroup', 'SyncGroup']);

/** Sends the frames plus a trailing ApiVersions ping; resolves when the ping is answered or the broker closes. */
async function sendBad(port: number, frames: Buffer[], apis: string[], waitMs: number, log: readonly LogLine[]): Promise<BadResult> {
  const logStart = log.length;
  const socket = await connect(port);
  socket.on('error', () => undefined);
  const client = `127.0.0.1:${socket.localPort}`;
  let buffered = Buffer.alloc(0);
  const verdict = await new Promise<Verdict>((resolve) => {
    const timer = setTimeout(() => resolve('waiting'), waitMs);
    const settle = (v: Verdict): void => {
      clearTimeout(timer);
      resolve(v);
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 8) {
        const size = buffered.readInt32BE(0);
        if (buffered.length < 4 + size) break;
        if (buffered.readInt32BE(4) === PING_CORRELATION_ID) settle('answered');
        buffered = buffered.subarray(4 + size);
      }
    });
    socket.on('close', () => settle('closed'));
    for (const f of frames) socket.write(sized(f));
    socket.write(sized(requestFrame(ApiVersionsRequestCodec, 0, {}, PING_CORRELATION_ID)));
  });
  socket.destroy();
  return { client, logStart, verdict, apis };
}

/** The broker's side of a client connection; the broker keeps them in a private map (to their listener), read here for inspection. */
function brokerConnection(client: string): Connection {
  const connections = (broker as unknown as { connections: Map<Connection, string> }).connections;
  const found = [...connections.keys()].find((c) => c.address === client);
  if (found === undefined) throw new Error(`no broker connection for ${client}`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------

let broker: Broker;
let dataDir: string;
let port: number;
const logLines: LogLine[] = [];
const kafkajsErrors: string[] = [];
let kafka: Kafka;
let producer: Producer;
let consumer: Consumer;
const consumed: string[] = [];
const sent: string[] = [];
let producing = true;
let producerLoop: Promise<void> = Promise.resolve();

beforeAll(async () => {
  const started = await startInProcess(
    undefined,
    {
      'socket.request.max.bytes': String(MAX_REQUEST_BYTES),
      'auto.create.topics.enable': 'false',
      'group.initial.rebalance.delay.ms': '0',
    },
    memoryLogger(logLines),
  );
  broker = started.broker;
  dataDir = started.dataDir;
  port = broker.port;
  kafka = new Kafka({
    clientId: 'good-client',
    brokers: [started.bootstrap],
    logLevel: logLevel.ERROR,
    logCreator: () => (entry: LogEntry) => {
      kafkajsErrors.push(`${entry.namespace}: ${entry.log.message}`);
    },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: GOOD_TOPIC }, { topic: TARGET_TOPIC }, { topic: BULK_TOPIC }] });
  await admin.disconnect();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  consumer = kafka.consumer({ groupId: 'good-group', heartbeatInterval: 500, maxWaitTimeInMs: 200 });
  consumer.on(consumer.events.CRASH, (e) => kafkajsErrors.push(`consumer crash: ${String(e.payload.error)}`));
  await consumer.connect();
  await consumer.subscribe({ topic: GOOD_TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      consumed.push(message.value?.toString() ?? '');
    },
  });
  // The good producer works the whole time the hostile tests run.
  producerLoop = (async () => {
    for (let i = 0; producing; i++) {
      const value = `good-${i}`;
      await producer.send({ topic: GOOD_TOPIC, messages: [{ value }] });
      sent.push(value);
      await new Promise((r) => setTimeout(r, 15));
    }
  })().catch((err: unknown) => {
    kafkajsErrors.push(`producer: ${String(err)}`);
  });
});

afterAll(async () => {
  producing = false;
  await producerLoop;
  await consumer?.disconnect();
  await producer?.disconnect();
  await broker?.stop();
  removeDir(dataDir);
});

test('hundreds of connections with mutated requests: each is answered or closed, with one log line', async () => {
  const results: BadResult[] = [];
  let next = 0;
  const worker = async (w: number): Promise<void> => {
    const rng = new Prng((SEED + w * 7919) >>> 0);
    for (let n = next++; n < BAD_CONNECTIONS; n = next++) {
      const pool = templates(`${w}-${n}`);
      const count = 1 + rng.int(3);
      const frames: Buffer[] = [];
      const apis: string[] = [];
      for (let i = 0; i < count; i++) {
        const template = rng.pick(pool);
        // Now and then a valid request first, so damage also lands on a connection that did real work.
        frames.push(i === 0 && rng.int(4) === 0 ? template.frame : mutate(template.frame, rng).bytes);
        apis.push(template.api);
      }
      results.push(await sendBad(port, frames, apis, 3000, logLines));
    }
  };
  await Promise.all(Array.from({ length: BAD_WORKERS }, (_, w) => worker(w)));

  expect(results).toHaveLength(BAD_CONNECTIONS);
  const stuck = results.filter((r) => r.verdict === 'waiting' && !r.apis.some((a) => MAY_WAIT.has(a)));
  expect(stuck).toEqual([]);
  const closedByBroker = results.filter((r) => r.verdict === 'closed');
  const answered = results.filter((r) => r.verdict === 'answered');
  // Mutations must both be refused (closed) and survive decoding (answered) for the run to mean anything.
  expect(closedByBroker.length).toBeGreaterThan(20);
  expect(answered.length).toBeGreaterThan(20);

  // Every connection, closed by the broker or by us, ends with exactly one log line naming it. A later
  // connection may reuse the same local port, so each one owns the lines up to that reuse.
  const linesOf = (r: BadResult): LogLine[] => {
    const reuse = results.filter((o) => o.client === r.client && o.logStart > r.logStart).map((o) => o.logStart);
    return closeLinesFor(logLines.slice(r.logStart, reuse.length > 0 ? Math.min(...reuse) : undefined), r.client);
  };
  await eventually(() => results.every((r) => linesOf(r).length >= 1), 5000, 'close log lines');
  const wrongCount = results.map((r) => ({ client: r.client, verdict: r.verdict, lines: linesOf(r).map((l) => l.msg) })).filter((r) => r.lines.length !== 1);
  expect(wrongCount).toEqual([]);
  for (const r of closedByBroker) expect(linesOf(r)[0].msg).toMatch(/^closing connection: /);
  expect(processFailures).toEqual([]);
});

test('a client that never reads its responses is paused, holds little memory and loses nothing', async () => {
  // ~512 KiB in the bulk topic, so every fetch answers with about that much.
  const loader = await RawClient.connect(port);
  for (let i = 0; i < 4; i++) {
    const records = Array.from({ length: 16 }, () => ({ value: Buffer.alloc(8 * 1024, i) }));
    const res = await loader.request(ProduceRequestCodec, ProduceResponseCodec, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: BULK_TOPIC, partitionData: [{ index: 0, records: encodeRecordBatch({ records }) }] }],
    });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
  }
  loader.close();

  const requests = 100;
  const fetchBody = sessionlessFetch([{ topic: BULK_TOPIC, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }]);
  const socket = await connect(port);
  socket.pause();
  const address = `127.0.0.1:${socket.localPort}`;
  socket.write(Buffer.concat(Array.from({ length: requests }, (_, i) => sized(requestFrame(FetchRequestCodec, 12, fetchBody, i)))));
  await new Promise((r) => setTimeout(r, 1500));
  // Unbounded, the broker would have answered all 100 fetches into the socket's buffer (~50 MiB); paused, it holds
  // about one response beyond what the kernel took.
  expect(brokerConnection(address).outputBacklogBytes).toBeLessThan(2 * 1024 * 1024);
  // Meanwhile other clients are served normally.
  const other = await RawClient.connect(port);
  const meta = await other.request(MetadataRequestCodec, MetadataResponseCodec, 12, { topics: [{ name: GOOD_TOPIC }] });
  expect(meta.topics[0].errorCode).toBe(0);
  other.close();

  // Once the client reads, every response arrives, in order.
  const correlations: number[] = [];
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 8 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      correlations.push(buffered.readInt32BE(4));
      buffered = buffered.subarray(4 + buffered.readInt32BE(0));
    }
  });
  socket.resume();
  await eventually(() => correlations.length === requests, 15000, 'all fetch responses');
  expect(correlations).toEqual(Array.from({ length: requests }, (_, i) => i));
  socket.destroy();
  expect(processFailures).toEqual([]);
});

test('a frame of exactly socket.request.max.bytes is served; one byte more closes the connection', async () => {
  const frameFor = (valueSize: number): Buffer =>
    requestFrame(
      ProduceRequestCodec,
      9,
      {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [{ name: TARGET_TOPIC, partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ value: Buffer.alloc(valueSize, 7) }] }) }] }],
      },
      77,
    );
  let valueSize = MAX_REQUEST_BYTES - 200;
  let frame = frameFor(valueSize);
  for (let i = 0; i < 5 && frame.length !== MAX_REQUEST_BYTES; i++) {
    valueSize += MAX_REQUEST_BYTES - frame.length;
    frame = frameFor(valueSize);
  }
  expect(frame.length).toBe(MAX_REQUEST_BYTES);
  const atLimit = await RawClient.connect(port);
  atLimit.sendRaw(frame);
  const response = await atLimit.nextFrame(10000);
  expect(response).not.toBeNull();
  const r = new Reader(response as Buffer);
  expect(r.readInt32()).toBe(77);
  r.readTaggedFields();
  expect(ProduceResponseCodec.decode(r, 9).responses[0].partitionResponses[0].errorCode).toBe(0);
  atLimit.close();

  const above = await connect(port);
  above.on('error', () => undefined);
  const client = `127.0.0.1:${above.localPort}`;
  const closed = new Promise<void>((resolve) => above.once('close', () => resolve()));
  const header = Buffer.alloc(4);
  header.writeInt32BE(MAX_REQUEST_BYTES + 1, 0);
  above.write(Buffer.concat([header, frame.subarray(0, 1000)]));
  await closed;
  await eventually(() => closeLinesFor(logLines, client).length === 1, 3000, 'the oversized-frame log line');
  expect(closeLinesFor(logLines, client)[0].msg).toMatch(/exceeds socket.request.max.bytes/);
});

test('CreateTopics and CreatePartitions with a partition count of 2^31-1 are refused, not attempted', async () => {
  const client = await RawClient.connect(port);
  try {
    const created = await client.request(CreateTopicsRequestCodec, CreateTopicsResponseCodec, 7, {
      topics: [{ name: 'zz-fuzz-huge', numPartitions: 0x7fffffff, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(created.topics[0].errorCode).toBe(44); // POLICY_VIOLATION
    const grown = await client.request(CreatePartitionsRequestCodec, CreatePartitionsResponseCodec, 2, {
      topics: [{ name: TARGET_TOPIC, count: 0x7fffffff, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(grown.results[0].errorCode).toBe(44);
    const meta = await client.request(MetadataRequestCodec, MetadataResponseCodec, 12, { topics: [{ name: TARGET_TOPIC }, { name: 'zz-fuzz-huge' }] });
    expect(meta.topics.map((t) => [t.errorCode, t.partitions.length])).toEqual([
      [0, 1],
      [3, 0],
    ]);
  } finally {
    client.close();
  }
});

test('the good client saw no error and got every message it produced', async () => {
  producing = false;
  await producerLoop;
  expect(sent.length).toBeGreaterThan(50);
  await eventually(() => consumed.length >= sent.length, 15000, 'the consumer to catch up');
  expect(consumed.slice(0, sent.length)).toEqual(sent);
  expect(kafkajsErrors).toEqual([]);
  expect(processFailures).toEqual([]);
});
