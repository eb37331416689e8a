// Server-side partition assignors for KIP-848 consumer groups, named as Kafka names them: "uniform" (balanced and
// sticky: members keep what they own where balance allows) and "range" (contiguous ranges per topic, so members
// subscribed to co-partitioned topics get the same partition numbers). Pure functions over topic ids.

/** topicId -> partitions */
export type TopicAssignment = Map<string, Set<number>>;

/** A member's assignment with no partitions. */
export function emptyAssignment(): TopicAssignment {
  return new Map<string, Set<number>>();
}

export interface AssignorMember {
  readonly memberId: string;
  /** topic ids the member subscribes to (only existing topics) */
  readonly subscribedTopicIds: ReadonlySet<string>;
  /** the member's previous target, for stickiness */
  readonly current: TopicAssignment;
}

export interface AssignorInput {
  readonly members: readonly AssignorMember[];
  /** topicId -> partition count, for every subscribed topic */
  readonly partitionCounts: ReadonlyMap<string, number>;
}

export type ServerAssignor = (input: AssignorInput) => Map<string, TopicAssignment>;

export const DEFAULT_SERVER_ASSIGNOR = 'uniform';

function emptyResult(members: readonly AssignorMember[]): Map<string, TopicAssignment> {
  return new Map(members.map((m) => [m.memberId, emptyAssignment()]));
}

function add(a: TopicAssignment, topicId: string, partition: number): void {
  let set = a.get(topicId);
  if (!set) a.set(topicId, (set = new Set()));
  set.add(partition);
}

export function countPartitions(a: TopicAssignment): number {
  let n = 0;
  for (const s of a.values()) n += s.size;
  return n;
}

/** Every member subscribed to a topic gets a contiguous range of it; the first ones get one extra if uneven. */
export const rangeAssignor: ServerAssignor = ({ members, partitionCounts }) => {
  const result = emptyResult(members);
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  for (const [topicId, count] of [...partitionCounts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const subscribers = sorted.filter((m) => m.subscribedTopicIds.has(topicId));
    if (subscribers.length === 0) continue;
    const base = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((m, i) => {
      const take = base + (i < extra ? 1 : 0);
      const target = result.get(m.memberId) as TopicAssignment;
      for (let p = next; p < next + take; p++) add(target, topicId, p);
      next += take;
    });
  }
  return result;
};

/**
 * Balanced and sticky: members first keep the partitions they already had (up to their fair share), then the rest
 * go one by one to the least-loaded eligible member. With identical subscriptions no two members differ by more
 * than one partition.
 */
export const uniformAssignor: ServerAssignor = ({ members, partitionCounts }) => {
  const result = emptyResult(members);
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const all: Array<[string, number]> = [];
  for (const [topicId, count] of [...partitionCounts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (let p = 0; p < count; p++) all.push([topicId, p]);
  }
  const eligible = (m: AssignorMember, topicId: string) => m.subscribedTopicIds.has(topicId);
  // A member's fair share: its eligible partitions spread over everyone eligible for them.
  const share = new Map<string, number>();
  for (const m of sorted) {
    let s = 0;
    for (const [topicId] of all) {
      if (!eligible(m, topicId)) continue;
      s += 1 / sorted.filter((o) => eligible(o, topicId)).length;
    }
    share.set(m.memberId, Math.ceil(s - 1e-9));
  }
  const owner = new Map<string, string>();
  const key = (topicId: string, p: number) => `${topicId}:${p}`;
  for (const m of sorted) {
    const target = result.get(m.memberId) as TopicAssignment;
    const quota = share.get(m.memberId) ?? 0;
    for (const [topicId, partitions] of [...m.current].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const count = partitionCounts.get(topicId);
      if (count === undefined || !eligible(m, topicId)) continue;
      for (const p of [...partitions].sort((a, b) => a - b)) {
        if (p >= count || owner.has(key(topicId, p)) || countPartitions(target) >= quota) continue;
        owner.set(key(topicId, p), m.memberId);
        add(target, topicId, p);
      }
    }
  }
  for (const [topicId, p] of all) {
    if (owner.has(key(topicId, p))) continue;
    let best: AssignorMember | undefined;
    for (const m of sorted) {
      if (!eligible(m, topicId)) continue;
      if (!best || countPartitions(result.get(m.memberId) as TopicAssignment) < countPartitions(result.get(best.memberId) as TopicAssignment)) best = m;
    }
    if (!best) continue;
    owner.set(key(topicId, p), best.memberId);
    add(result.get(best.memberId) as TopicAssignment, topicId, p);
  }
  return result;
};

export const SERVER_ASSIGNORS: ReadonlyMap<string, ServerAssignor> = new Map([
  ['uniform', uniformAssignor],
  ['range', rangeAssignor],
]);
