// The console's only way to the broker: the JSON HTTP API (Confluent REST Proxy v3 paths, plus Eddy's extensions
// for the overview, message browsing, offset resets, transactions and producers; /openapi.json describes it).
// Every path the console calls is written here and nowhere else, so an API change is one file's change.
import type {
  AssignmentView,
  ConsumerGroupView,
  ConsumerView,
  LagSummaryView,
  LagView,
  LiveStatsEvent,
  OverviewView,
  TopicStatsView,
} from '../console/console-view-types';
import type { BatchView, PayloadView, RecordView } from '../console/record-view-types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed: unknown = text === '' ? null : safeParse(text);
  if (!response.ok) {
    const message = typeof parsed === 'object' && parsed !== null && 'message' in parsed ? String(parsed.message) : text || response.statusText;
    throw new ApiError(response.status, message);
  }
  return parsed as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const getJson = <T,>(path: string): Promise<T> => request<T>('GET', path);
export const postJson = <T,>(path: string, body: unknown): Promise<T> => request<T>('POST', path, body);
export const deleteJson = <T,>(path: string): Promise<T> => request<T>('DELETE', path);

const enc = encodeURIComponent;

/** A Confluent v3 list: the items are under `data`. */
export interface ListOf<T> {
  readonly data: T[];
}

let clusterIdPromise: Promise<string> | null = null;

/** The one cluster's id (a single broker is its own cluster); every v3 path starts with it. */
export function clusterId(): Promise<string> {
  clusterIdPromise ??= getJson<ListOf<{ cluster_id: string }>>('/v3/clusters').then((list) => {
    const first = list.data[0];
    if (first === undefined) throw new ApiError(500, 'the broker reports no cluster');
    return first.cluster_id;
  });
  clusterIdPromise.catch(() => (clusterIdPromise = null));
  return clusterIdPromise;
}

/** The path of a resource under /v3/clusters/{cluster_id}. */
export async function clusterPath(...segments: string[]): Promise<string> {
  return ['/v3/clusters', enc(await clusterId()), ...segments.map(enc)].join('/');
}

export function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${enc(key)}=${enc(String(value))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

// ---- Topics, partitions and configs (Confluent v3) ----

export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly is_default: boolean;
  readonly is_read_only: boolean;
  readonly is_sensitive: boolean;
  readonly source: string;
  readonly topic_name?: string;
}

export interface Partition {
  readonly partition_id: number;
  /** Eddy extension: the log start offset. */
  readonly earliest_offset?: number;
  /** Eddy extension: the high watermark (the next offset). */
  readonly latest_offset?: number;
}

export async function topicConfigs(topic: string): Promise<ConfigEntry[]> {
  return (await getJson<ListOf<ConfigEntry>>(await clusterPath('topics', topic, 'configs'))).data;
}

export async function listPartitions(topic: string): Promise<Partition[]> {
  return (await getJson<ListOf<Partition>>(await clusterPath('topics', topic, 'partitions'))).data;
}

/** A topic as Eddy's /api/topics lists it: one call for the whole list, whatever the number of topics. */
export type TopicStats = TopicStatsView;

export async function listTopicStats(): Promise<TopicStats[]> {
  return (await getJson<ListOf<TopicStats>>('/api/topics')).data;
}

export interface NewTopic {
  readonly topic_name: string;
  readonly partitions_count: number;
  readonly replication_factor: number;
  readonly configs: { name: string; value: string }[];
}

export async function createTopic(topic: NewTopic): Promise<void> {
  await postJson(await clusterPath('topics'), topic);
}

export async function deleteTopic(topic: string): Promise<void> {
  await deleteJson(await clusterPath('topics', topic));
}

/** Sets configs (value) and resets others to their default (value null), in one atomic batch. */
export async function alterTopicConfigs(topic: string, changes: { name: string; value: string | null }[]): Promise<void> {
  const data = changes.map(({ name, value }) => (value === null ? { name, operation: 'DELETE' } : { name, value }));
  await postJson(`${await clusterPath('topics', topic, 'configs')}:alter`, { data });
}

// ---- Consumer groups (Confluent v3) ----

export type ConsumerGroup = ConsumerGroupView;

export type Consumer = ConsumerView;

export type Assignment = AssignmentView;

export type Lag = LagView;

export async function listGroups(): Promise<ConsumerGroup[]> {
  return (await getJson<ListOf<ConsumerGroup>>(await clusterPath('consumer-groups'))).data;
}

export async function getGroup(groupId: string): Promise<ConsumerGroup> {
  return getJson<ConsumerGroup>(await clusterPath('consumer-groups', groupId));
}

export async function listConsumers(groupId: string): Promise<(Consumer & { assignments: Assignment[] })[]> {
  const consumers = (await getJson<ListOf<Consumer>>(await clusterPath('consumer-groups', groupId, 'consumers'))).data;
  return Promise.all(
    consumers.map(async (consumer) => {
      const path = await clusterPath('consumer-groups', groupId, 'consumers', consumer.consumer_id, 'assignments');
      return { ...consumer, assignments: (await getJson<ListOf<Assignment>>(path)).data };
    }),
  );
}

export async function groupLags(groupId: string): Promise<Lag[]> {
  return (await getJson<ListOf<Lag>>(await clusterPath('consumer-groups', groupId, 'lags'))).data;
}

export type LagSummary = LagSummaryView;

export async function groupLagSummary(groupId: string): Promise<LagSummary> {
  return getJson<LagSummary>(await clusterPath('consumer-groups', groupId, 'lag-summary'));
}

export async function deleteGroup(groupId: string): Promise<void> {
  await deleteJson(`/api/consumer-groups/${enc(groupId)}`);
}

export type ResetStrategy = 'earliest' | 'latest' | 'timestamp' | 'offset';

export interface OffsetReset {
  readonly topic: string;
  /** null: every partition of the topic. */
  readonly partition: number | null;
  readonly strategy: ResetStrategy;
  readonly timestamp?: number;
  readonly offset?: number;
}

export interface ResetAnswer {
  readonly offsets: { topic_name: string; partition_id: number; previous_offset: number | null; offset: number }[];
}

/** Kafka's rule holds: the broker refuses while the group has members. */
export function resetGroupOffsets(groupId: string, reset: OffsetReset): Promise<ResetAnswer> {
  return postJson<ResetAnswer>(`/api/consumer-groups/${enc(groupId)}/reset-offsets`, {
    strategy: reset.strategy,
    timestamp: reset.timestamp,
    offset: reset.offset,
    topics: [reset.partition === null ? { topic_name: reset.topic } : { topic_name: reset.topic, partitions: [reset.partition] }],
  });
}

// ---- Live samples (server-sent events) ----

/** The broker's server-push stream: one sample a second while a page listens. */
export const LIVE_STREAM_PATH = '/api/live';

export type LiveSample = LiveStatsEvent;

// ---- Eddy extensions: overview ----

export type Overview = OverviewView;

export function getOverview(): Promise<Overview> {
  return getJson<Overview>('/api/overview');
}

// ---- Records: produce (Confluent v3) and browse (Eddy extension) ----

export interface ProduceRequest {
  readonly partition: number | null;
  readonly key: string | null;
  readonly value: string | null;
  /** How key and value are sent: as text, as JSON (checked and kept as sent), or as base64 bytes. */
  readonly format: 'STRING' | 'JSON' | 'BINARY';
  readonly headers: { name: string; value: string }[];
}

export interface ProduceResult {
  readonly partition_id: number;
  readonly offset: number;
  readonly timestamp?: string | number;
}

function payload(format: ProduceRequest['format'], data: string | null): { type: string; data: unknown } | undefined {
  if (data === null) return undefined;
  return { type: format, data: format === 'JSON' ? (JSON.parse(data) as unknown) : data };
}

export async function produceRecord(topic: string, record: ProduceRequest): Promise<ProduceResult> {
  return postJson<ProduceResult>(await clusterPath('topics', topic, 'records'), {
    partition_id: record.partition ?? undefined,
    headers: record.headers.map((h) => ({ name: h.name, value: btoa(unescape(encodeURIComponent(h.value))) })),
    key: payload(record.format, record.key),
    value: payload(record.format, record.value),
  });
}

/** A key, value or header value as the broker sends it: base64 of at most the page's payload limit. */
export type Payload = PayloadView;
export type BatchInfo = BatchView;
export type BrowsedRecord = RecordView;

export type StartFrom = 'oldest' | 'newest' | 'offset' | 'timestamp';

export interface BrowseQuery {
  readonly partition: number | null;
  readonly from: StartFrom;
  readonly offset?: number;
  readonly timestamp?: number;
  readonly limit: number;
  readonly filter?: string;
  /** A page's next_cursor or prev_cursor: where each partition continues; overrides `from`. */
  readonly cursor?: string;
}

export interface BrowsePage {
  readonly topic_name: string;
  readonly partitions: number[];
  readonly records: BrowsedRecord[];
  readonly next_cursor: string | null;
  readonly prev_cursor: string | null;
  /** Records the broker looked at for this page (more than shown when a filter is set). */
  readonly scanned: number;
}

export function browseRecords(topic: string, query: BrowseQuery): Promise<BrowsePage> {
  const qs = queryString({
    partition: query.partition,
    from: query.from,
    offset: query.from === 'offset' ? query.offset : undefined,
    timestamp: query.from === 'timestamp' ? query.timestamp : undefined,
    limit: query.limit,
    filter: query.filter,
    cursor: query.cursor,
  });
  return getJson<BrowsePage>(`/api/topics/${enc(topic)}/records${qs}`);
}

// ---- Eddy extensions: transactions and producers ----

export interface Transaction {
  readonly transactional_id: string;
  readonly state: string;
  readonly producer_id: number;
  readonly producer_epoch: number;
  readonly timeout_ms: number;
  /** -1 without an open transaction. */
  readonly start_timestamp: number;
  readonly partitions: { topic_name: string; partitions: number[] }[];
}

export interface ActiveProducer {
  readonly topic_name: string;
  readonly partition_id: number;
  readonly producer_id: number;
  readonly producer_epoch: number;
  readonly last_sequence: number;
  readonly last_timestamp: number;
  readonly current_txn_start_offset: number;
}

export async function listTransactions(): Promise<Transaction[]> {
  return (await getJson<ListOf<Transaction>>('/api/transactions')).data;
}

export async function listProducers(): Promise<ActiveProducer[]> {
  return (await getJson<ListOf<ActiveProducer>>('/api/producers')).data;
}
