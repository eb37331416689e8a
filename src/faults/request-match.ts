// Whether a decoded request names a rule's topic, partition, group or transactional id, answered by looking straight
// at the request's fields. Every request of a matching API goes through this while a rule is in force, and most are
// not the rule's (a Produce rule for one topic sees the produce traffic of all the others), so the check allocates
// nothing and stops at the first field that settles it; the full facts (request-facts.ts) are built only for
// request tracking. The generated request types name these alike across APIs (topics/topicData with name or topic,
// partitions/partitionData/partitionIndexes with index, partition or partitionIndex; groupId; transactionalId), so
// one walk serves them all instead of a reader per API.
import { ZERO_UUID } from '../../codecs/protocol/uuid';

/** Topic names by id, for requests that name topics by id only (Fetch v13+). */
export type TopicNameOf = (topicId: string) => string | undefined;

/** What a rule asks of a request's body; null: anything. */
export interface BodyMatch {
  readonly topic: string | null;
  readonly partition: number | null;
  readonly group: string | null;
  readonly transactionalId: string | null;
}

export type Fields = Record<string, unknown>;

export const TOPIC_LIST_KEYS: readonly string[] = ['topics', 'topicData', 'v3AndBelowTopics', 'topicNames'];
export const PARTITION_LIST_KEYS: readonly string[] = ['partitions', 'partitionData', 'partitionIndexes'];
const PARTITION_INDEX_KEYS: readonly string[] = ['index', 'partitionIndex', 'partition'];
/** Lists whose entries are groups or transactions carrying their own ids and topics (TxnOffsetCommit, DescribeGroups…). */
export const NESTED_LISTS: readonly string[] = ['transactions', 'groups'];
export const TRANSACTIONAL_ID_KEYS: readonly string[] = ['transactionalId', 'v3AndBelowTransactionalId'];
export const FIND_COORDINATOR = 10;
const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

export function partitionIndex(entry: unknown): number | undefined {
  if (typeof entry === 'number') return entry;
  if (!isFields(entry)) return undefined;
  for (const key of PARTITION_INDEX_KEYS) if (typeof entry[key] === 'number') return entry[key];
  return undefined;
}

export function topicName(entry: unknown, nameOf: TopicNameOf): string | undefined {
  if (typeof entry === 'string') return entry;
  if (!isFields(entry)) return undefined;
  if (typeof entry.name === 'string' && entry.name !== '') return entry.name;
  if (typeof entry.topic === 'string' && entry.topic !== '') return entry.topic;
  return typeof entry.topicId === 'string' && entry.topicId !== ZERO_UUID ? (nameOf(entry.topicId) ?? entry.topicId) : undefined;
}

/** The FindCoordinator key type a rule's group (0) or transactional id (1) is looked up by. */
export function coordinatorKeyKind(keyType: unknown): 'group' | 'transaction' | null {
  if (keyType === TRANSACTION_KEY_TYPE) return 'transaction';
  return keyType === GROUP_KEY_TYPE || keyType === undefined ? 'group' : null;
}

/** Whether FindCoordinator looks up `key` as a group or a transactional id (`kind`). */
function findsCoordinatorOf(fields: Fields, kind: 'group' | 'transaction', key: string): boolean {
  if (coordinatorKeyKind(fields.keyType) !== kind) return false;
  const keys = fields.coordinatorKeys;
  if (Array.isArray(keys) && keys.length > 0) return keys.includes(key);
  return fields.key === key;
}

function namesGroup(fields: Fields, group: string): boolean {
  if (fields.groupId === group) return true;
  if (Array.isArray(fields.groupsNames) && fields.groupsNames.includes(group)) return true;
  for (const key of NESTED_LISTS) {
    const list = fields[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (entry === group || (isFields(entry) && namesGroup(entry, group))) return true;
  }
  return false;
}

function namesTransactionalId(fields: Fields, id: string): boolean {
  for (const key of TRANSACTIONAL_ID_KEYS) if (fields[key] === id) return true;
  for (const key of NESTED_LISTS) {
    const list = fields[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (isFields(entry) && namesTransactionalId(entry, id)) return true;
  }
  return false;
}

// What a walk over the topic lists saw of the rule's topic, as bits, so nested walks combine without allocating.
const TOPIC_SEEN = 1;
const PARTITIONS_SEEN = 2;
const PARTITION_FOUND = 4;

/** The partition bits of one topic entry: whether it lists partitions, and whether `partition` is one of them. */
function partitionBits(entry: Fields, partition: number | null): number {
  let bits = 0;
  for (const key of PARTITION_LIST_KEYS) {
    const list = entry[key];
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      const index = partitionIndex(p);
      if (index === undefined) continue;
      bits |= PARTITIONS_SEEN;
      if (partition === null || index === partition) return bits | PARTITION_FOUND;
    }
  }
  return bits;
}

function topicBits(fields: Fields, topic: string | null, partition: number | null, nameOf: TopicNameOf): number {
  let bits = 0;
  for (const key of TOPIC_LIST_KEYS) {
    const list = fields[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const name = topicName(entry, nameOf);
      if (name === undefined || (topic !== null && name !== topic)) continue;
      bits |= TOPIC_SEEN;
      if (isFields(entry)) bits |= partitionBits(entry, partition);
      if ((bits & PARTITION_FOUND) !== 0) return bits;
    }
  }
  for (const key of NESTED_LISTS) {
    const list = fields[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (isFields(entry)) bits |= topicBits(entry, topic, partition, nameOf);
      if ((bits & PARTITION_FOUND) !== 0) return bits;
    }
  }
  return bits;
}

/**
 * Whether the request names the rule's topic and partition: the topic with that partition, or with none listed
 * (Metadata, CreateTopics, DeleteTopics name topics alone).
 */
function namesPartition(fields: Fields, topic: string | null, partition: number | null, nameOf: TopicNameOf): boolean {
  const bits = topicBits(fields, topic, partition, nameOf);
  if ((bits & PARTITION_FOUND) !== 0) return true;
  return (bits & TOPIC_SEEN) !== 0 && (partition === null || (bits & PARTITIONS_SEEN) === 0);
}

/** Whether a decoded request of API `apiKey` is one `match` asks for. */
export function bodyMatches(match: BodyMatch, apiKey: number, request: unknown, nameOf: TopicNameOf): boolean {
  if (!isFields(request)) return false;
  if (apiKey === FIND_COORDINATOR) {
    if (match.topic !== null || match.partition !== null) return false;
    if (match.group !== null && !findsCoordinatorOf(request, 'group', match.group)) return false;
    return match.transactionalId === null || findsCoordinatorOf(request, 'transaction', match.transactionalId);
  }
  if (match.group !== null && !namesGroup(request, match.group)) return false;
  if (match.transactionalId !== null && !namesTransactionalId(request, match.transactionalId)) return false;
  return (match.topic === null && match.partition === null) || namesPartition(request, match.topic, match.partition, nameOf);
}
