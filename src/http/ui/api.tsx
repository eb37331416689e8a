// The console's only way to the broker: the JSON HTTP API (Confluent REST Proxy v3 paths, plus Eddy's extensions
// for the overview, message browsing, offset resets, transactions and producers; /openapi.json describes it).
// Every path the console calls is written here and nowhere else, so an API change is one file's change.

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

export interface Topic {
  readonly topic_name: string;
  readonly is_internal: boolean;
  readonly replication_factor: number;
  readonly partitions_count: number;
}

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
}

export async function listTopics(): Promise<Topic[]> {
  return (await getJson<ListOf<Topic>>(await clusterPath('topics'))).data;
}

/** Every topic's configs in one call (the REST proxy's `topics/-/configs`), for the list's retention and cleanup columns. */
export async function listAllTopicConfigs(): Promise<ConfigEntry[]> {
  return (await getJson<ListOf<ConfigEntry>>(await clusterPath('topics', '-', 'configs'))).data;
}

export async function topicConfigs(topic: string): Promise<ConfigEntry[]> {
  return (await getJson<ListOf<ConfigEntry>>(await clusterPath('topics', topic, 'configs'))).data;
}

export async function listPartitions(topic: string): Promise<Partition[]> {
  return (await getJson<ListOf<Partition>>(await clusterPath('topics', topic, 'partitions'))).data;
}

export interface TopicStats {
  readonly records: number;
  readonly sizeBytes: number;
}

export interface PartitionStats {
  readonly earliestOffset: number;
  readonly latestOffset: number;
  readonly sizeBytes: number;
}

interface PartitionOffsets {
  readonly topic_name: string;
  readonly partition_id: number;
  readonly earliest_offset: number;
  readonly latest_offset: number;
  readonly size_bytes: number;
}

/** Record counts and sizes per topic, summed from every partition's offsets (an empty map when the broker has none). */
export async function topicStats(): Promise<Map<string, TopicStats>> {
  const partitions = (await getJson<ListOf<PartitionOffsets>>('/v3/eddy/partitions')).data;
  const stats = new Map<string, TopicStats>();
  for (const p of partitions) {
    const before = stats.get(p.topic_name) ?? { records: 0, sizeBytes: 0 };
    stats.set(p.topic_name, { records: before.records + p.latest_offset - p.earliest_offset, sizeBytes: before.sizeBytes + p.size_bytes });
  }
  return stats;
}

export async function partitionStats(topic: string): Promise<Map<number, PartitionStats>> {
  const partitions = (await getJson<ListOf<PartitionOffsets>>(`/v3/eddy/partitions${queryString({ topic_name: topic })}`)).data;
  return new Map(
    partitions.map((p) => [p.partition_id, { earliestOffset: p.earliest_offset, latestOffset: p.latest_offset, sizeBytes: p.size_bytes }] as const),
  );
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

export interface ConsumerGroup {
  readonly consumer_group_id: string;
  readonly is_simple: boolean;
  readonly partition_assignor: string;
  readonly state: string;
}

export interface Consumer {
  readonly consumer_id: string;
  readonly instance_id: string | null;
  readonly client_id: string;
}

export interface Assignment {
  readonly topic_name: string;
  readonly partition_id: number;
}

export interface Lag {
  readonly topic_name: string;
  readonly partition_id: number;
  readonly current_offset: number;
  readonly log_end_offset: number;
  readonly lag: number;
  readonly consumer_id: string;
  readonly client_id: string;
}

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

export interface LagSummary {
  readonly max_lag: number;
  readonly total_lag: number;
}

export async function groupLagSummary(groupId: string): Promise<LagSummary> {
  return getJson<LagSummary>(await clusterPath('consumer-groups', groupId, 'lag-summary'));
}

export async function deleteGroup(groupId: string): Promise<void> {
  await deleteJson(await clusterPath('consumer-groups', groupId));
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

export async function resetGroupOffsets(groupId: string, reset: OffsetReset): Promise<void> {
  await postJson(`${await clusterPath('consumer-groups', groupId)}/offsets:reset`, {
    topic_name: reset.topic,
    partition_id: reset.partition,
    strategy: reset.strategy,
    timestamp: reset.timestamp,
    offset: reset.offset,
  });
}

// ---- Live samples (server-sent events) ----

/** The broker's server-push stream of per-second samples. */
export const LIVE_STREAM_PATH = '/v3/eddy/live';

export interface LiveSample {
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly topics?: Readonly<Record<string, { readonly bytes_in_per_sec: number; readonly bytes_out_per_sec: number }>>;
  readonly groups?: Readonly<Record<string, { readonly lag: number }>>;
}

// ---- Eddy extensions: overview ----

export interface Overview {
  readonly broker_id: number;
  readonly cluster_id: string;
  readonly version: string;
  readonly listeners: string[];
  readonly uptime_ms: number;
  readonly data_dir: string;
  readonly data_dir_size_bytes: number;
  readonly topics_count?: number;
  readonly partitions_count?: number;
  readonly consumer_groups_count?: number;
}

export function getOverview(): Promise<Overview> {
  return getJson<Overview>('/v3/eddy/overview');
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

export interface BatchInfo {
  readonly base_offset: number;
  readonly compression: string;
  readonly producer_id: number;
  readonly producer_epoch: number;
  readonly base_sequence: number;
  readonly is_transactional: boolean;
  readonly is_control: boolean;
}

export interface BrowsedRecord {
  readonly partition_id: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestamp_type: string;
  /** base64; null for a null key or value. */
  readonly key: string | null;
  readonly value: string | null;
  readonly key_size: number;
  readonly value_size: number;
  /** True when `value` holds only the first bytes of a larger value (value_size gives the whole). */
  readonly value_truncated: boolean;
  readonly headers: { name: string; value: string | null }[];
  readonly batch: BatchInfo;
}

export type StartFrom = 'oldest' | 'newest' | 'offset' | 'timestamp';

export interface BrowseQuery {
  readonly partition: number | null;
  readonly from: StartFrom;
  readonly offset?: number;
  readonly timestamp?: number;
  readonly limit: number;
  readonly filter?: string;
}

export interface BrowsePage {
  readonly data: BrowsedRecord[];
}

export async function browseRecords(topic: string, query: BrowseQuery): Promise<BrowsePage> {
  const qs = queryString({
    partition_id: query.partition,
    from: query.from,
    offset: query.offset,
    timestamp: query.timestamp,
    limit: query.limit,
    filter: query.filter,
  });
  return getJson<BrowsePage>(`${await clusterPath('topics', topic, 'records')}${qs}`);
}

/** Where the whole value of one record is downloaded as raw bytes. */
export async function recordValueUrl(topic: string, partition: number, offset: number): Promise<string> {
  return `${await clusterPath('topics', topic, 'partitions', String(partition), 'records', String(offset))}/value`;
}

// ---- Eddy extensions: transactions and producers ----

export interface Transaction {
  readonly transactional_id: string;
  readonly state: string;
  readonly producer_id: number;
  readonly producer_epoch: number;
  readonly timeout_ms: number;
  readonly start_time_ms?: number | null;
  readonly partitions: { topic_name: string; partition_id: number }[];
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
  return (await getJson<ListOf<Transaction>>('/v3/eddy/transactions')).data;
}

export async function listProducers(): Promise<ActiveProducer[]> {
  return (await getJson<ListOf<ActiveProducer>>('/v3/eddy/producers')).data;
}
