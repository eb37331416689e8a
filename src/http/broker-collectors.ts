// What /metrics reports of the broker, read when it is scraped: the plain counters the broker keeps
// (src/metrics/broker-metrics.ts), its partitions and logs, connections and consumer groups, each as a list of
// Prometheus samples. Names follow Kafka's metrics (the README's table gives the Kafka name beside each) with an
// eddy_ prefix. Pure reads: nothing here builds a partition, loads one from disk or starts a coordinator.
import type { Broker } from '../broker/broker';
import { ErrorCode } from '../../codecs/protocol/errors';
import { LATENCY_BOUNDS_MS, type ApiTraffic, type TopicTraffic } from '../metrics/broker-metrics';
import { groupLagReport, groupStates } from './group-lag';
import { apiName } from './api-names';
import type { BufferPoolStats } from '../../storage/memory-stats';

export type Labels = Record<string, string | number>;

/** One line of the exposition: a value with its labels (metricName for a histogram's _bucket, _sum, _count). */
export interface Sample {
  readonly value: number;
  readonly labels: Labels;
  readonly metricName?: string;
}

export interface BrokerCollector {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  read(broker: Broker): Sample[];
}

/** Partitions whose log series a scrape reports at most (three series each). */
export const LOG_SERIES_PARTITION_LIMIT = 10_000;

const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** One sample per API the broker has been asked, from what `value` reads of its counters. */
function perApi(broker: Broker, value: (api: ApiTraffic) => number): Sample[] {
  const samples: Sample[] = [];
  broker.metrics.apis.forEach((api, key) => {
    if (api !== undefined) samples.push({ value: value(api), labels: { request: apiName(key) } });
  });
  return samples;
}

/** One sample per existing topic that has seen traffic (counters of deleted topics are not reported). */
function perTopic(broker: Broker, value: (traffic: TopicTraffic) => number): Sample[] {
  const samples: Sample[] = [];
  for (const [topic, traffic] of broker.metrics.topics) {
    if (broker.logs.topic(topic) !== undefined) samples.push({ value: value(traffic), labels: { topic } });
  }
  return samples;
}

function requestsByVersion(broker: Broker): Sample[] {
  const samples: Sample[] = [];
  broker.metrics.apis.forEach((api, key) => {
    api?.byVersion.forEach((count, version) => samples.push({ value: count, labels: { request: apiName(key), version } }));
  });
  return samples;
}

/** Prometheus's cumulative buckets, in seconds, from the per-bucket counts kept in milliseconds. */
function latencyHistogram(broker: Broker): Sample[] {
  const samples: Sample[] = [];
  broker.metrics.apis.forEach((api, key) => {
    if (api === undefined) return;
    const request = apiName(key);
    let cumulative = 0;
    LATENCY_BOUNDS_MS.forEach((bound, i) => {
      cumulative += api.latencyBuckets[i];
      samples.push({ metricName: 'eddy_request_duration_seconds_bucket', value: cumulative, labels: { request, le: bound / 1000 } });
    });
    samples.push({ metricName: 'eddy_request_duration_seconds_bucket', value: api.latencyCount, labels: { request, le: '+Inf' } });
    samples.push({ metricName: 'eddy_request_duration_seconds_sum', value: api.latencySumMs / 1000, labels: { request } });
    samples.push({ metricName: 'eddy_request_duration_seconds_count', value: api.latencyCount, labels: { request } });
  });
  return samples;
}

function errors(broker: Broker): Sample[] {
  return broker.metrics.errorCounts().map(({ apiKey, errorCode, count }) => ({
    value: count,
    labels: { request: apiName(apiKey), error: ERROR_NAMES.get(errorCode) ?? `ERROR_${errorCode}` },
  }));
}

/** Size, start and end offset of every built partition's log, up to LOG_SERIES_PARTITION_LIMIT partitions. */
function logSeries(broker: Broker, value: (log: NonNullable<ReturnType<Broker['logs']['builtPartition']>>) => number): Sample[] {
  const samples: Sample[] = [];
  for (const topic of broker.logs.topics()) {
    for (let partition = 0; partition < topic.partitions; partition++) {
      if (samples.length >= LOG_SERIES_PARTITION_LIMIT) return samples;
      const log = broker.logs.builtPartition(topic.name, partition);
      if (log !== undefined) samples.push({ value: value(log), labels: { topic: topic.name, partition } });
    }
  }
  return samples;
}

function perListener(broker: Broker, value: (counters: { open: number; created: number; closed: number }) => number): Sample[] {
  const samples: Sample[] = [];
  for (const [listener, counters] of broker.metrics.listeners) samples.push({ value: value(counters), labels: { listener } });
  return samples;
}

/** Kafka's classic group states, always reported so that a state's series does not vanish when it empties. */
const CLASSIC_GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];

function bufferPools(broker: Broker, value: (pool: BufferPoolStats) => number): Sample[] {
  const stats = broker.logs.memoryStats();
  return [
    { value: value(stats.requestFrames), labels: { pool: 'request_frames' } },
    { value: value(stats.fetchReads), labels: { pool: 'fetch_reads' } },
  ];
}

function groupsByState(broker: Broker): Sample[] {
  const counts = new Map<string, number>(CLASSIC_GROUP_STATES.map((state) => [state, 0]));
  for (const { state } of groupStates(broker)) counts.set(state, (counts.get(state) ?? 0) + 1);
  return [...counts].map(([state, value]) => ({ value, labels: { state } }));
}

function groupLag(broker: Broker): Sample[] {
  return groupLagReport(broker).partitions.map((p) => ({ value: p.lag, labels: { group: p.group, topic: p.topic, partition: p.partition } }));
}

export const BROKER_COLLECTORS: readonly BrokerCollector[] = [
  { name: 'eddy_requests_total', help: 'Requests received, by API and version.', type: 'counter', read: requestsByVersion },
  { name: 'eddy_request_duration_seconds', help: 'Time from dispatch to response written, by API.', type: 'histogram', read: latencyHistogram },
  { name: 'eddy_request_bytes_total', help: 'Bytes of requests received, by API.', type: 'counter', read: (b) => perApi(b, (a) => a.requestBytes) },
  { name: 'eddy_response_bytes_total', help: 'Bytes of responses sent, by API.', type: 'counter', read: (b) => perApi(b, (a) => a.responseBytes) },
  { name: 'eddy_errors_total', help: 'Error codes in responses, by API and error.', type: 'counter', read: errors },
  { name: 'eddy_topic_bytes_in_total', help: 'Bytes appended to the topic by producers.', type: 'counter', read: (b) => perTopic(b, (t) => t.bytesIn) },
  { name: 'eddy_topic_records_in_total', help: 'Records appended to the topic by producers.', type: 'counter', read: (b) => perTopic(b, (t) => t.recordsIn) },
  { name: 'eddy_topic_bytes_out_total', help: 'Bytes of the topic sent in fetch responses.', type: 'counter', read: (b) => perTopic(b, (t) => t.bytesOut) },
  {
    name: 'eddy_topic_records_out_total',
    help: 'Records of the topic sent in fetch responses.',
    type: 'counter',
    read: (b) => perTopic(b, (t) => t.recordsOut),
  },
  { name: 'eddy_topics', help: 'Topics, internal ones included.', type: 'gauge', read: (b) => [{ value: b.logs.topics().length, labels: {} }] },
  {
    name: 'eddy_partitions',
    help: 'Partitions of all topics, internal ones included.',
    type: 'gauge',
    read: (b) => [{ value: b.logs.topics().reduce((sum, t) => sum + t.partitions, 0), labels: {} }],
  },
  { name: 'eddy_log_size_bytes', help: 'Bytes in the partition’s segments.', type: 'gauge', read: (b) => logSeries(b, (log) => log.sizeInBytes()) },
  { name: 'eddy_log_start_offset', help: 'First offset in the partition.', type: 'gauge', read: (b) => logSeries(b, (log) => Number(log.logStartOffset)) },
  {
    name: 'eddy_log_end_offset',
    help: 'Offset the next record appended to the partition gets.',
    type: 'gauge',
    read: (b) => logSeries(b, (log) => Number(log.logEndOffset)),
  },
  { name: 'eddy_connections', help: 'Open client connections, by listener.', type: 'gauge', read: (b) => perListener(b, (c) => c.open) },
  { name: 'eddy_connections_created_total', help: 'Client connections accepted, by listener.', type: 'counter', read: (b) => perListener(b, (c) => c.created) },
  { name: 'eddy_connections_closed_total', help: 'Client connections closed, by listener.', type: 'counter', read: (b) => perListener(b, (c) => c.closed) },
  {
    name: 'eddy_tail_cache_bytes',
    help: 'Memory the cache of newest batches keeps alive (slabs, and whole request buffers behind the batches it keeps as views); log.tail.cache.max.bytes bounds it.',
    type: 'gauge',
    read: (b) => [{ value: b.logs.memoryStats().tailCacheHeldBytes, labels: {} }],
  },
  {
    name: 'eddy_buffer_pool_idle_bytes',
    help: 'Bytes of idle buffers a pool keeps for reuse, by pool.',
    type: 'gauge',
    read: (b) => bufferPools(b, (p) => p.idleBytes),
  },
  {
    name: 'eddy_buffer_pool_allocations_total',
    help: 'Buffers a pool created since start (flat while reuse covers the demand), by pool.',
    type: 'counter',
    read: (b) => bufferPools(b, (p) => p.allocations),
  },
  { name: 'eddy_groups', help: 'Consumer groups, by state.', type: 'gauge', read: groupsByState },
  { name: 'eddy_group_lag', help: 'High watermark minus the group’s committed offset, by partition.', type: 'gauge', read: groupLag },
];
