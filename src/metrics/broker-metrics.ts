// The broker's own counters, kept as plain numbers where the broker owns them (the network front end, Produce and
// Fetch), so that the hot path pays an addition and no allocation, and the broker never depends on a metrics
// library. The HTTP server's /metrics route (src/http/routes/metrics.ts) turns them into Prometheus collectors
// when it is scraped; the console's live stream takes differences of them once a second.
import { BATCH_HEADER, BATCH_LOG_OVERHEAD } from '../../codecs/records/batch-header';

/** Upper bounds of the request latency histogram, in milliseconds (Fetch long-polls reach max.wait.ms). */
export const LATENCY_BOUNDS_MS: readonly number[] = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** Walking a response for its error codes stops this deep: every Kafka response keeps them within four levels. */
const ERROR_SCAN_DEPTH = 5;
/** Error codes and API keys fit below this, so one number names an (API, error) pair. */
const ERROR_KEY_BASE = 1 << 16;

/** Bytes and records written to and read from one topic since the broker started (Kafka's BrokerTopicMetrics). */
export class TopicTraffic {
  bytesIn = 0;
  recordsIn = 0;
  bytesOut = 0;
  recordsOut = 0;
}

/** Connections accepted and closed on one listener since the broker started. */
export class ListenerConnections {
  created = 0;
  closed = 0;

  get open(): number {
    return this.created - this.closed;
  }
}

/** One API's requests: counts by version, bytes both ways, and a latency histogram (cumulative at read time). */
export class ApiTraffic {
  /** Requests by API version (index). */
  readonly byVersion: number[] = [];
  requestBytes = 0;
  responseBytes = 0;
  /** Completed requests per latency bucket; the last slot counts those above the last bound. */
  readonly latencyBuckets = new Float64Array(LATENCY_BOUNDS_MS.length + 1);
  latencySumMs = 0;
  latencyCount = 0;

  observeLatency(ms: number): void {
    let bucket = 0;
    while (bucket < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[bucket]) bucket++;
    this.latencyBuckets[bucket]++;
    this.latencySumMs += ms;
    this.latencyCount++;
  }
}

/** An (API, error code) pair's count, as /metrics reports it. */
export interface ErrorCount {
  readonly apiKey: number;
  readonly errorCode: number;
  readonly count: number;
}

/**
 * Milliseconds from an arbitrary origin, as performance.now() counts them. The global performance object loads 8
 * built-in modules when first touched, which the first request after a start would wait for; hrtime loads none.
 */
function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export class BrokerMetrics {
  /** By API key; an API appears once it was asked. */
  readonly apis: Array<ApiTraffic | undefined> = [];
  readonly topics = new Map<string, TopicTraffic>();
  readonly listeners = new Map<string, ListenerConnections>();
  private readonly errors = new Map<number, number>();

  /** A request the dispatch table will hand to its handler; returns the time its latency counts from. */
  requestStarted(apiKey: number, apiVersion: number, frameBytes: number): number {
    let api = this.apis[apiKey];
    if (api === undefined) api = this.apis[apiKey] = new ApiTraffic();
    api.byVersion[apiVersion] = (api.byVersion[apiVersion] ?? 0) + 1;
    api.requestBytes += frameBytes;
    return nowMs();
  }

  /** A response written (`responseBytes` 0 when none goes out); its error codes are counted, as Kafka's ErrorsPerSec. */
  requestCompleted(apiKey: number, startedAt: number, responseBytes: number, response: unknown): void {
    const api = this.apis[apiKey];
    if (api === undefined) return;
    api.responseBytes += responseBytes;
    api.observeLatency(nowMs() - startedAt);
    if (typeof response === 'object' && response !== null) this.countErrors(apiKey, response, 0);
  }

  /** Kafka's BytesInPerSec and MessagesInPerSec: what an append wrote. */
  topicIn(topic: string, bytes: number, records: number): void {
    const traffic = this.topic(topic);
    traffic.bytesIn += bytes;
    traffic.recordsIn += records;
  }

  /** Kafka's BytesOutPerSec, and the records those bytes hold: what a fetch response carries of the topic. */
  topicOut(topic: string, bytes: number, records: number): void {
    const traffic = this.topic(topic);
    traffic.bytesOut += bytes;
    traffic.recordsOut += records;
  }

  /** The counters of a listener's connections (the broker keeps the object per listener, not a lookup per accept). */
  listener(name: string): ListenerConnections {
    let counters = this.listeners.get(name);
    if (counters === undefined) this.listeners.set(name, (counters = new ListenerConnections()));
    return counters;
  }

  /** Non-zero error codes the responses carried, by API. */
  errorCounts(): ErrorCount[] {
    const out: ErrorCount[] = [];
    for (const [key, count] of this.errors) out.push({ apiKey: Math.floor(key / ERROR_KEY_BASE), errorCode: (key % ERROR_KEY_BASE) - 1, count });
    return out;
  }

  private topic(name: string): TopicTraffic {
    let traffic = this.topics.get(name);
    if (traffic === undefined) this.topics.set(name, (traffic = new TopicTraffic()));
    return traffic;
  }

  /**
   * Every `errorCode` field of a response object, top level and nested (per topic, per partition, per group), as
   * Kafka's AbstractResponse.errorCounts finds them. Record bytes are skipped; a response's objects are few.
   */
  private countErrors(apiKey: number, value: object, depth: number): void {
    if (ArrayBuffer.isView(value)) return;
    if (Array.isArray(value)) {
      if (depth >= ERROR_SCAN_DEPTH) return;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'object' && item !== null) this.countErrors(apiKey, item, depth + 1);
      }
      return;
    }
    const fields = value as Record<string, unknown>;
    const code = fields.errorCode;
    if (typeof code === 'number' && code !== 0) {
      // -1 (UNKNOWN_SERVER_ERROR) is stored as 0 so that the key stays non-negative.
      const key = apiKey * ERROR_KEY_BASE + code + 1;
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
    if (depth >= ERROR_SCAN_DEPTH) return;
    for (const name in fields) {
      const field = fields[name];
      if (typeof field === 'object' && field !== null) this.countErrors(apiKey, field, depth + 1);
    }
  }
}

/** Records in a run of v2 batches, from their headers (the records themselves are not read). */
export function recordsInBatches(batches: Buffer | readonly Buffer[] | null | undefined): number {
  if (batches === null || batches === undefined) return 0;
  if (Buffer.isBuffer(batches)) return recordsInBuffer(batches);
  let records = 0;
  for (let i = 0; i < batches.length; i++) records += recordsInBuffer(batches[i]);
  return records;
}

function recordsInBuffer(buffer: Buffer): number {
  let records = 0;
  let at = 0;
  while (at + BATCH_HEADER.size <= buffer.length) {
    if (buffer[at + BATCH_HEADER.magic] === 2) records += buffer.readInt32BE(at + BATCH_HEADER.recordsCount);
    const length = buffer.readInt32BE(at + BATCH_HEADER.batchLength);
    if (length <= 0) break;
    at += BATCH_LOG_OVERHEAD + length;
  }
  return records;
}
