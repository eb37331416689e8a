// Masks what legitimately differs between two independent brokers answering the same request, and nothing else:
// identities each broker mints for itself (cluster, topic, member and producer ids), its port, and times. Ids
// become placeholders numbered in order of appearance, so "the same id twice" and "two different ids" survive.

export interface NormaliseOptions {
  /** Error messages are free text in this scenario: only whether there is one is kept. */
  readonly freeTextMessages: boolean;
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Fields holding an id the broker chose; values other than the "none" sentinels map to numbered placeholders. */
const MINTED_ID_FIELDS = new Set(['topicId', 'memberId', 'producerId', 'groupInstanceId']);

/** Fields naming an id of another field's kind: a JoinGroup's leader is a member id, as is its placeholder. */
const ID_ALIASES: ReadonlyMap<string, string> = new Map([
  ['leader', 'memberId'],
  ['ongoingTxnProducerId', 'producerId'],
]);

/** Fields whose value is a property of the machine or the moment, not of the behaviour. */
const MASKED_FIELDS: ReadonlyMap<string, string> = new Map([
  ['clusterId', '<cluster id>'],
  ['port', '<port>'],
  ['throttleTimeMs', '<throttle>'],
  ['logAppendTimeMs', '<time>'],
  // DescribeLogDirs: each broker's data directory and the disk under it.
  ['logDir', '<log dir>'],
  ['totalBytes', '<disk bytes>'],
  ['usableBytes', '<disk bytes>'],
  ['transactionStartTimeMs', '<time>'],
  ['lastTimestamp', '<time>'],
]);

function isSentinel(value: unknown): boolean {
  return value === null || value === '' || value === -1n || value === -1 || value === NIL_UUID;
}

function placeholder(field: string, value: unknown, ids: Map<string, string>): unknown {
  if (isSentinel(value)) return value;
  const key = `${field}:${String(value)}`;
  let name = ids.get(key);
  if (name === undefined) {
    name = `<${field} ${[...ids.keys()].filter((k) => k.startsWith(`${field}:`)).length + 1}>`;
    ids.set(key, name);
  }
  return name;
}

/** Kafka lists a topic's configs in the order of a hash map, which is no contract: compare them sorted by name. */
function sortedByName(configs: readonly unknown[]): unknown[] {
  const nameOf = (config: unknown): string => {
    const name = (config as { name?: unknown }).name;
    return typeof name === 'string' ? name : '';
  };
  return [...configs].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
}

/** Kafka lists a Produce answer's partitions in the order of its internal map (successes, then refusals): compare them by index. */
function sortedByIndex(partitions: readonly unknown[]): unknown[] {
  const indexOf = (partition: unknown): number => {
    const index = (partition as { index?: unknown }).index;
    return typeof index === 'number' ? index : 0;
  };
  return [...partitions].sort((a, b) => indexOf(a) - indexOf(b));
}

/** Most partitions a Produce answer may have for Kafka's topic order to be its merge order (Scala's Map1..Map4). */
const ORDERED_PRODUCE_PARTITIONS = 4;

/**
 * A Produce answer's topics. Kafka lists them in the order of the Scala map it merges the partitions into: up to four
 * partitions, appended ones, then refused, then unknown (Eddy answers so, and it is compared); beyond that, a hash
 * map's order over its topics' random ids, which no two clusters share: then they are compared sorted by name (or
 * topic id placeholder).
 */
function produceTopics(topics: readonly unknown[], ids: Map<string, string>, options: NormaliseOptions): unknown[] {
  const normalised = normalise(topics, ids, options) as Array<{ name?: unknown; topicId?: unknown; partitionResponses: unknown[] }>;
  const partitions = normalised.reduce((sum, t) => sum + t.partitionResponses.length, 0);
  if (partitions <= ORDERED_PRODUCE_PARTITIONS) return normalised;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const keyOf = (t: { name?: unknown; topicId?: unknown }): string => `${text(t.name)}\u0000${text(t.topicId)}`;
  return [...normalised].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

function isProduceTopics(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => Array.isArray((t as { partitionResponses?: unknown }).partitionResponses));
}

/** Free-text fields: with `freeTextMessages`, only whether there is one is compared. */
const MESSAGE_FIELDS = new Set(['errorMessage', 'batchIndexErrorMessage']);

function normaliseField(field: string, value: unknown, ids: Map<string, string>, options: NormaliseOptions): unknown {
  const mask = MASKED_FIELDS.get(field);
  if (mask !== undefined) return mask;
  if (MINTED_ID_FIELDS.has(field)) return placeholder(field, value, ids);
  // A fetch session id is minted by the broker; 0 means "no session" and is compared as it is.
  if (field === 'sessionId') return value === 0 ? value : placeholder(field, value, ids);
  const alias = ID_ALIASES.get(field);
  if (alias !== undefined) return placeholder(alias, value, ids);
  if (MESSAGE_FIELDS.has(field) && options.freeTextMessages) return value === null ? null : '<message>';
  if (field === 'configs' && Array.isArray(value)) return normalise(sortedByName(value), ids, options);
  if (field === 'partitionResponses' && Array.isArray(value)) return normalise(sortedByIndex(value), ids, options);
  if (field === 'responses' && isProduceTopics(value)) return produceTopics(value, ids, options);
  return normalise(value, ids, options);
}

/** A copy of a decoded response with broker-specific values masked; `ids` carries placeholders across steps. */
export function normalise(value: unknown, ids: Map<string, string>, options: NormaliseOptions): unknown {
  if (Array.isArray(value)) return value.map((item) => normalise(item, ids, options));
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [field, fieldValue] of Object.entries(value)) out[field] = normaliseField(field, fieldValue, ids, options);
  return out;
}
