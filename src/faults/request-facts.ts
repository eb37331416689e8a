// Everything a request names that a rule could match (topics with their partitions, groups, transactional ids), as
// request tracking records it for a test's assertions. Built only when tracking is on: deciding whether a rule
// matches looks straight at the request instead (request-match.ts), which shares the field names used here.
import {
  coordinatorKeyKind,
  FIND_COORDINATOR,
  isFields,
  NESTED_LISTS,
  partitionIndex,
  PARTITION_LIST_KEYS,
  topicName,
  TOPIC_LIST_KEYS,
  TRANSACTIONAL_ID_KEYS,
  type Fields,
  type TopicNameOf,
} from './request-match';

export type { TopicNameOf } from './request-match';

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
  for (const key of TRANSACTIONAL_ID_KEYS) {
    const id = fields[key];
    if (typeof id === 'string' && id !== '') txns.add(id);
  }
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
  const kind = coordinatorKeyKind(fields.keyType);
  if (kind === null) return;
  const into = kind === 'group' ? groups : txns;
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
