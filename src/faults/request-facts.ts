// What a rule can match in a decoded request besides its header: the topics and partitions it names, the groups and
// transactional ids. The generated request types name these alike across APIs (topics/topicData with name or topic,
// partitions/partitionData/partitionIndexes with index, partition or partitionIndex; groupId; transactionalId), so
// one walk over the request serves them all instead of a reader per API.
import { ZERO_UUID } from '../../codecs/protocol/uuid';

export interface TopicFacts {
  readonly topic: string;
  /** Empty when the request names the topic without partitions (Metadata, CreateTopics, DeleteTopics). */
  readonly partitions: readonly number[];
}

export interface RequestFacts {
  readonly topics: readonly TopicFacts[];
  readonly groups: readonly string[];
  readonly transactionalIds: readonly string[];
}

/** Topic names by id, for requests that name topics by id only (Fetch v13+). */
export type TopicNameOf = (topicId: string) => string | undefined;

const TOPIC_LIST_KEYS = ['topics', 'topicData', 'v3AndBelowTopics', 'topicNames'];
const PARTITION_LIST_KEYS = ['partitions', 'partitionData', 'partitionIndexes'];
const PARTITION_INDEX_KEYS = ['index', 'partitionIndex', 'partition'];
const NESTED_LISTS = ['transactions', 'groups'];
const FIND_COORDINATOR = 10;
const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function partitionIndex(entry: unknown): number | undefined {
  if (typeof entry === 'number') return entry;
  if (!isFields(entry)) return undefined;
  for (const key of PARTITION_INDEX_KEYS) if (typeof entry[key] === 'number') return entry[key];
  return undefined;
}

function topicName(entry: unknown, nameOf: TopicNameOf): string | undefined {
  if (typeof entry === 'string') return entry;
  if (!isFields(entry)) return undefined;
  const named =
    typeof entry.name === 'string' && entry.name !== '' ? entry.name : typeof entry.topic === 'string' && entry.topic !== '' ? entry.topic : undefined;
  if (named !== undefined) return named;
  return typeof entry.topicId === 'string' && entry.topicId !== ZERO_UUID ? (nameOf(entry.topicId) ?? entry.topicId) : undefined;
}

function collectTopics(list: readonly unknown[], nameOf: TopicNameOf, into: Map<string, Set<number>>): void {
  for (const entry of list) {
    const name = topicName(entry, nameOf);
    if (name === undefined) continue;
    let partitions = into.get(name);
    if (partitions === undefined) into.set(name, (partitions = new Set()));
    if (!isFields(entry)) continue;
    for (const key of PARTITION_LIST_KEYS) {
      const inner = entry[key];
      if (!Array.isArray(inner)) continue;
      for (const p of inner) {
        const index = partitionIndex(p);
        if (index !== undefined) partitions.add(index);
      }
    }
  }
}

function walk(fields: Fields, nameOf: TopicNameOf, topics: Map<string, Set<number>>, groups: Set<string>, txns: Set<string>): void {
  if (typeof fields.groupId === 'string' && fields.groupId !== '') groups.add(fields.groupId);
  if (typeof fields.transactionalId === 'string' && fields.transactionalId !== '') txns.add(fields.transactionalId);
  if (typeof fields.v3AndBelowTransactionalId === 'string' && fields.v3AndBelowTransactionalId !== '') txns.add(fields.v3AndBelowTransactionalId);
  for (const key of TOPIC_LIST_KEYS) {
    const list = fields[key];
    if (Array.isArray(list)) collectTopics(list, nameOf, topics);
  }
  for (const key of NESTED_LISTS) {
    const list = fields[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (typeof entry === 'string') groups.add(entry);
      else if (isFields(entry)) walk(entry, nameOf, topics, groups, txns);
    }
  }
  if (Array.isArray(fields.groupsNames)) for (const g of fields.groupsNames) if (typeof g === 'string') groups.add(g);
}

/** The coordinator keys of a FindCoordinator request, as groups or transactional ids by key type. */
function coordinatorKeys(fields: Fields, groups: Set<string>, txns: Set<string>): void {
  const keys = Array.isArray(fields.coordinatorKeys) && fields.coordinatorKeys.length > 0 ? fields.coordinatorKeys : [fields.key];
  const into = fields.keyType === TRANSACTION_KEY_TYPE ? txns : fields.keyType === GROUP_KEY_TYPE || fields.keyType === undefined ? groups : null;
  if (into === null) return;
  for (const key of keys) if (typeof key === 'string' && key !== '') into.add(key);
}

export function requestFacts(apiKey: number, request: unknown, nameOf: TopicNameOf): RequestFacts {
  const topics = new Map<string, Set<number>>();
  const groups = new Set<string>();
  const txns = new Set<string>();
  if (isFields(request)) {
    if (apiKey === FIND_COORDINATOR) coordinatorKeys(request, groups, txns);
    else walk(request, nameOf, topics, groups, txns);
  }
  return {
    topics: [...topics].map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) })),
    groups: [...groups],
    transactionalIds: [...txns],
  };
}
