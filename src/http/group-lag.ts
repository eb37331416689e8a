// Consumer group lag as monitoring sees it: for each partition a group committed an offset on, the partition's high
// watermark minus that offset (what kafka-consumer-groups.sh --describe prints as LAG). Read when /metrics is
// scraped and once a second while the console's live stream has a listener, so the walk is bounded: a broker
// whose groups hold more committed partitions than the bound reports the first ones and says it stopped.
import type { Broker } from '../broker/broker';

export interface PartitionLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly committedOffset: number;
  /** The high watermark: the offset the next record appended will get. */
  readonly endOffset: number;
  readonly lag: number;
}

export interface GroupState {
  readonly group: string;
  readonly state: string;
}

export interface GroupLagReport {
  readonly groups: readonly GroupState[];
  readonly partitions: readonly PartitionLag[];
  /** True when the bound stopped the walk before every committed partition was seen. */
  readonly truncated: boolean;
}

/** Committed partitions read per report at most; each costs a map lookup and a subtraction. */
export const DEFAULT_LAG_PARTITION_LIMIT = 10_000;

const NO_GROUPS: GroupLagReport = { groups: [], partitions: [], truncated: false };

/**
 * Every group's state and the lag of its committed partitions. A broker that has not served groups yet has no
 * group coordinator, and reading lag does not build one. Partitions no client has used since a restart or since their
 * topic was created, and those of deleted topics, are left out: their end offset is not at hand without building them.
 */
export function groupLagReport(broker: Broker, limit = DEFAULT_LAG_PARTITION_LIMIT): GroupLagReport {
  if (!broker.coordinators.started.groups) return NO_GROUPS;
  const coordinator = broker.groups;
  const groups = groupStates(broker);
  const partitions: PartitionLag[] = [];
  let truncated = false;
  for (const { group } of groups) {
    const committed = coordinator.fetchOffsets(group, null);
    for (const topic of committed.topics) {
      for (const p of topic.partitions) {
        if (p.offset < 0n) continue;
        if (partitions.length >= limit) {
          truncated = true;
          return { groups, partitions, truncated };
        }
        const log = broker.logs.builtPartition(topic.topic, p.partition);
        if (log === undefined) continue;
        const endOffset = Number(log.highWatermark);
        const committedOffset = Number(p.offset);
        partitions.push({ group, topic: topic.topic, partition: p.partition, committedOffset, endOffset, lag: Math.max(0, endOffset - committedOffset) });
      }
    }
  }
  return { groups, partitions, truncated };
}

/** Every group the broker knows and its state (none before the group coordinator exists). */
export function groupStates(broker: Broker): GroupState[] {
  if (!broker.coordinators.started.groups) return [];
  return broker.groups.listGroups([], []).map((g) => ({ group: g.groupId, state: g.state }));
}

/** The sum of a group's partition lags, for every group (a group without commits has 0). */
export function totalLagByGroup(report: GroupLagReport): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { group } of report.groups) totals.set(group, 0);
  for (const p of report.partitions) totals.set(p.group, (totals.get(p.group) ?? 0) + p.lag);
  return totals;
}
