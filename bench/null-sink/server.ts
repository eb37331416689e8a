// The null sink: a Kafka-speaking server that stores nothing, the ceiling the client and loopback allow.
// - ApiVersions, Metadata (any topic exists; its partition count is read from a ".p<N>" name suffix), Produce
//   (every batch acknowledged at the partition's running offset), ListOffsets (0 / the running end).
// - InitProducerId hands out a fresh producer id (epoch 0), or the next epoch of the id a producer presents, as a
//   broker would; Produce from an idempotent producer is then acknowledged like any other (nothing is stored, so
//   there is nothing to check sequences against). Transactional ids are refused: the sink has no coordinator.
// - Fetch replays the first batch ever produced to a partition, with base offsets patched, up to the running
//   end: consumers get real-looking, CRC-valid data at no storage cost. Empty fetches wait (woken by produce).
// - FindCoordinator is answered COORDINATOR_NOT_AVAILABLE: the sink has no groups. It is listed, and Produce is
//   listed from v0, only so that librdkafka compresses (see ADVERTISED).
import * as net from 'net';
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import { decodeRequestHeader, encodeResponseHeader, RequestHeader } from '../../codecs/protocol/headers';
import { ApiVersionsResponseCodec } from '../../codecs/generated/ApiVersionsResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec, MetadataResponseInit } from '../../codecs/generated/MetadataResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec, ProduceResponseInit } from '../../codecs/generated/ProduceResponse';
import { FetchRequest, FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec, FetchResponseInit } from '../../codecs/generated/FetchResponse';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { InitProducerIdRequestCodec } from '../../codecs/generated/InitProducerIdRequest';
import { InitProducerIdResponseCodec } from '../../codecs/generated/InitProducerIdResponse';
import { ListOffsetsRequestCodec } from '../../codecs/generated/ListOffsetsRequest';
import { ListOffsetsResponseCodec, ListOffsetsResponseInit } from '../../codecs/generated/ListOffsetsResponse';
import { batchLastOffsetDelta, batchSize, setBatchBaseOffset, BATCH_HEADER } from '../../codecs/records/batch-header';
import { FrameSplitter } from '../../src/network/frame-splitter';

const NODE_ID = 1;
const CLUSTER_ID = 'null-sink-cluster-0000';
const NO_ERROR = 0;
const UNSUPPORTED_VERSION = 35;
const COORDINATOR_NOT_AVAILABLE = 15;

/** Versions kept below the topic-id and KIP-890 era so the sink stays small; every client we drive fits. */
const SUPPORTED: ReadonlyMap<number, { min: number; max: number }> = new Map([
  [0, { min: 3, max: 9 }],
  [1, { min: 4, max: 12 }],
  [2, { min: 1, max: 6 }],
  [3, { min: 1, max: 9 }],
  [10, { min: 0, max: 3 }],
  [18, { min: 0, max: 3 }],
  [22, { min: 0, max: 4 }],
]);

/**
 * What ApiVersions lists, where it differs from SUPPORTED. librdkafka up to 2.10 (the bench's python client has
 * 2.0.2) compresses a batch only for a broker that lists Produce v0 and FindCoordinator v0 (its 0.8.2-era proxy
 * for LZ4 support; librdkafka issue #4956), and otherwise sends it uncompressed, silently at the default log level.
 * Eddy and the mock list both, and so does Kafka 4.x, which lists Produce from v0 for this very bug but refuses
 * v0-v2 requests (KAFKA-18659); the sink does the same. Without them the lz4 rows had librdkafka compress nothing
 * for the sink and everything for the brokers it is set against.
 */
const ADVERTISED: ReadonlyMap<number, { min: number; max: number }> = new Map([...SUPPORTED, [0, { min: 0, max: 9 }]]);

export function partitionCountFromName(topic: string): number {
  const m = /\.p(\d+)$/.exec(topic);
  return m ? Math.max(1, Number(m[1])) : 1;
}

interface PartitionState {
  /** Offset the next produced batch gets. */
  end: bigint;
  /** First batch ever produced here; fetches replay copies of it. */
  template: Buffer | null;
  templateRecords: number;
}

class SinkState {
  /** The last producer id handed out; ids start at 1000 like nothing in particular, just not 0. */
  private lastProducerId = 999n;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly waiters = new Set<() => void>();

  partition(topic: string, index: number): PartitionState {
    const key = `${topic}\u0000${index}`;
    let p = this.partitions.get(key);
    if (p === undefined) {
      p = { end: 0n, template: null, templateRecords: 0 };
      this.partitions.set(key, p);
    }
    return p;
  }

  /** Counts the records of every batch in `records`; keeps the first batch as the replay template. */
  append(topic: string, index: number, records: Buffer): bigint {
    const p = this.partition(topic, index);
    const base = p.end;
    let at = 0;
    let count = 0;
    while (at + BATCH_HEADER.size <= records.length) {
      const size = batchSize(records, at);
      if (p.template === null) {
        p.template = Buffer.from(records.subarray(at, at + size));
        p.templateRecords = batchLastOffsetDelta(records, at) + 1;
      }
      count += batchLastOffsetDelta(records, at) + 1;
      at += size;
    }
    p.end += BigInt(count);
    if (count > 0) this.wake();
    return base;
  }

  newProducerId(): bigint {
    this.lastProducerId += 1n;
    return this.lastProducerId;
  }

  waitForData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

function replay(p: PartitionState, fetchOffset: bigint, maxBytes: number): Buffer[] {
  if (p.template === null || fetchOffset >= p.end) return [];
  const out: Buffer[] = [];
  let offset = fetchOffset;
  let bytes = 0;
  do {
    const copy = Buffer.from(p.template);
    setBatchBaseOffset(copy, offset);
    out.push(copy);
    bytes += copy.length;
    offset += BigInt(p.templateRecords);
  } while (offset < p.end && bytes + p.template.length <= maxBytes);
  return out;
}

type Handler = (reader: Reader, header: RequestHeader, state: SinkState, port: number) => Promise<Writer | null> | Writer | null;

function respond(header: RequestHeader): Writer {
  const w = new Writer();
  w.dropsAbsentFields = true;
  encodeResponseHeader(w, header.apiKey, header.apiVersion, header.correlationId);
  return w;
}

const handleApiVersions: Handler = (_reader, header) => {
  const range = SUPPORTED.get(18) as { min: number; max: number };
  const version = header.apiVersion > range.max ? 0 : header.apiVersion;
  const w = new Writer();
  w.writeInt32(header.correlationId);
  ApiVersionsResponseCodec.encode(
    {
      errorCode: header.apiVersion > range.max ? UNSUPPORTED_VERSION : NO_ERROR,
      apiKeys: [...ADVERTISED.entries()].map(([apiKey, r]) => ({ apiKey, minVersion: r.min, maxVersion: r.max })),
      throttleTimeMs: 0,
    },
    w,
    version,
  );
  return w;
};

const handleMetadata: Handler = (reader, header, _state, port) => {
  const req = MetadataRequestCodec.decode(reader, header.apiVersion);
  const names = (req.topics ?? []).map((t) => t.name).filter((n): n is string => n !== null);
  const body: MetadataResponseInit = {
    brokers: [{ nodeId: NODE_ID, host: '127.0.0.1', port, rack: null }],
    clusterId: CLUSTER_ID,
    controllerId: NODE_ID,
    topics: names.map((name) => ({
      errorCode: NO_ERROR,
      name,
      isInternal: false,
      partitions: Array.from({ length: partitionCountFromName(name) }, (_, i) => ({
        errorCode: NO_ERROR,
        partitionIndex: i,
        leaderId: NODE_ID,
        leaderEpoch: 0,
        replicaNodes: [NODE_ID],
        isrNodes: [NODE_ID],
        offlineReplicas: [],
      })),
    })),
  };
  const w = respond(header);
  MetadataResponseCodec.encode(body, w, header.apiVersion);
  return w;
};

const handleProduce: Handler = (reader, header, state) => {
  const req = ProduceRequestCodec.decode(reader, header.apiVersion);
  const body: ProduceResponseInit = {
    throttleTimeMs: 0,
    responses: req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({
        index: p.index,
        errorCode: NO_ERROR,
        baseOffset: p.records === null ? 0n : state.append(t.name, p.index, p.records),
        logAppendTimeMs: -1n,
        logStartOffset: 0n,
      })),
    })),
  };
  if (req.acks === 0) return null;
  const w = respond(header);
  ProduceResponseCodec.encode(body, w, header.apiVersion);
  return w;
};

const handleInitProducerId: Handler = (reader, header, state) => {
  const req = InitProducerIdRequestCodec.decode(reader, header.apiVersion);
  const w = respond(header);
  if (req.transactionalId !== null) {
    InitProducerIdResponseCodec.encode({ throttleTimeMs: 0, errorCode: COORDINATOR_NOT_AVAILABLE }, w, header.apiVersion);
    return w;
  }
  // A producer that presents its id and epoch (KIP-360, v3+) keeps the id with the next epoch, as in Kafka.
  const bump = req.producerId >= 0n && req.producerEpoch >= 0 && req.producerEpoch < 32766;
  InitProducerIdResponseCodec.encode(
    {
      throttleTimeMs: 0,
      errorCode: NO_ERROR,
      producerId: bump ? req.producerId : state.newProducerId(),
      producerEpoch: bump ? req.producerEpoch + 1 : 0,
    },
    w,
    header.apiVersion,
  );
  return w;
};

/** v0-v3 only (one key per request): the sink has no groups, so every key gets COORDINATOR_NOT_AVAILABLE. */
const handleFindCoordinator: Handler = (_reader, header) => {
  const w = respond(header);
  FindCoordinatorResponseCodec.encode(
    { throttleTimeMs: 0, errorCode: COORDINATOR_NOT_AVAILABLE, errorMessage: null, nodeId: -1, host: '', port: -1 },
    w,
    header.apiVersion,
  );
  return w;
};

const handleListOffsets: Handler = (reader, header, state) => {
  const req = ListOffsetsRequestCodec.decode(reader, header.apiVersion);
  const body: ListOffsetsResponseInit = {
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: NO_ERROR,
        timestamp: -1n,
        // -2 asks for the earliest offset, anything else is answered with the end (enough for consumers).
        offset: p.timestamp === -2n ? 0n : state.partition(t.name, p.partitionIndex).end,
        leaderEpoch: 0,
      })),
    })),
  };
  const w = respond(header);
  ListOffsetsResponseCodec.encode(body, w, header.apiVersion);
  return w;
};

function fetchBody(req: FetchRequest, state: SinkState): { body: FetchResponseInit; bytes: number } {
  let remaining = req.maxBytes;
  let bytes = 0;
  const responses = req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p) => {
      const st = state.partition(t.topic, p.partition);
      const batches = remaining > 0 ? replay(st, p.fetchOffset, Math.min(remaining, p.partitionMaxBytes)) : [];
      const n = batches.reduce((s, b) => s + b.length, 0);
      remaining -= n;
      bytes += n;
      return {
        partitionIndex: p.partition,
        errorCode: NO_ERROR,
        highWatermark: st.end,
        lastStableOffset: st.end,
        logStartOffset: 0n,
        abortedTransactions: null,
        preferredReadReplica: -1,
        records: batches,
      };
    }),
  }));
  return { body: { throttleTimeMs: 0, errorCode: NO_ERROR, sessionId: 0, responses }, bytes };
}

const handleFetch: Handler = async (reader, header, state) => {
  const req = FetchRequestCodec.decode(reader, header.apiVersion);
  const deadline = Date.now() + req.maxWaitMs;
  let result = fetchBody(req, state);
  while (result.bytes < Math.max(1, req.minBytes) && Date.now() < deadline) {
    await state.waitForData(deadline - Date.now());
    result = fetchBody(req, state);
  }
  const w = respond(header);
  FetchResponseCodec.encode(result.body, w, header.apiVersion);
  return w;
};

const HANDLERS: ReadonlyMap<number, Handler> = new Map([
  [0, handleProduce],
  [1, handleFetch],
  [2, handleListOffsets],
  [3, handleMetadata],
  [10, handleFindCoordinator],
  [18, handleApiVersions],
  [22, handleInitProducerId],
]);

function writeFrame(socket: net.Socket, w: Writer): void {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(w.length, 0);
  socket.cork();
  socket.write(size);
  for (const c of w.toChunks()) socket.write(c);
  socket.uncork();
}

/** One connection: requests answered strictly in order, as Kafka clients expect. */
function serve(socket: net.Socket, state: SinkState, port: number): void {
  socket.setNoDelay(true);
  const splitter = new FrameSplitter(200 * 1024 * 1024);
  const queue: Buffer[] = [];
  let busy = false;
  const pump = async (): Promise<void> => {
    busy = true;
    while (queue.length > 0 && !socket.destroyed) {
      const frame = queue.shift() as Buffer;
      const reader = new Reader(frame);
      const header = decodeRequestHeader(reader);
      const handler = HANDLERS.get(header.apiKey);
      const range = SUPPORTED.get(header.apiKey);
      if (!handler || !range || (header.apiKey !== 18 && (header.apiVersion < range.min || header.apiVersion > range.max))) {
        socket.destroy();
        break;
      }
      const out = await handler(reader, header, state, port);
      if (out !== null && !socket.destroyed) writeFrame(socket, out);
    }
    busy = false;
  };
  socket.on('data', (chunk: Buffer) => {
    for (const f of splitter.push(chunk)) queue.push(f);
    if (!busy) void pump().catch(() => socket.destroy());
  });
  socket.on('error', () => socket.destroy());
}

export function startNullSink(host: string, port: number): Promise<net.Server> {
  const state = new SinkState();
  const server = net.createServer((socket) => serve(socket, state, (server.address() as net.AddressInfo).port));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve(server));
  });
}
