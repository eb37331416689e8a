// Committed offsets of classic groups: OffsetCommit / OffsetFetch / OffsetDelete, DeleteGroups, and expiry by
// offsets.retention.minutes. Every change is written to __consumer_offsets before it is applied in memory.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { Logger } from '../logger';
import { ClassicGroup, CommittedOffset } from './classic-group';
import type { ClassicMember } from './classic-member';
import { groupMetadataKey, offsetCommitKey, offsetCommitValue } from './coordinator-records';
import type { GroupCoordinatorConfig } from './group-config';
import { expiredOffsets, offsetCommitError } from './offset-rules';
import type { CoordinatorRecordWrite, OffsetsTopic } from './offsets-topic';
import type { ConsumerGroupCoordinator } from './consumer-group-coordinator';
import type { CoordinatorRecord } from './coordinator-records';
import { PendingTransactionalOffsets, TransactionalReplay, txnOffsetCommitError } from './transactional-offsets';
import { ProducerStateError } from '../../storage';

export interface OffsetCommitParams {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** OffsetCommit v2-4; -1 = broker default retention */
  readonly retentionTimeMs: bigint;
  /** OffsetCommit v9+ reports a missing group as GROUP_ID_NOT_FOUND instead of ILLEGAL_GENERATION. */
  readonly apiVersion: number;
  readonly partitions: readonly OffsetCommitInput[];
}

export interface OffsetCommitInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string | null;
  /** OffsetCommit v1 only; -1 = now */
  readonly commitTimestamp: bigint;
}

export interface TxnOffsetCommitParams {
  readonly groupId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  /** -1 / '' / null when the client sent none (TxnOffsetCommit below v3). */
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly partitions: readonly OffsetCommitInput[];
}

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface FetchedOffset {
  readonly partition: number;
  readonly offset: bigint;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly errorCode: number;
}

export interface OffsetFetchResult {
  readonly errorCode: number;
  readonly topics: ReadonlyArray<{ readonly topic: string; readonly partitions: readonly FetchedOffset[] }>;
}

export interface OffsetDeleteResult {
  readonly errorCode: number;
  readonly topics: ReadonlyArray<{ readonly topic: string; readonly partitions: ReadonlyArray<{ readonly partition: number; readonly errorCode: number }> }>;
}

/** What the offset operations share with the membership side of the coordinator. */
export interface GroupOffsetsContext {
  readonly groups: Map<string, ClassicGroup>;
  readonly offsetsTopic: OffsetsTopic;
  readonly config: GroupCoordinatorConfig;
  readonly logger: Logger;
  now(): number;
  isStopped(): boolean;
  /** A commit from a member proves it is alive, as a heartbeat would. */
  touchMember(group: ClassicGroup, member: ClassicMember): void;
  readonly consumerGroups: ConsumerGroupCoordinator;
}

export class GroupOffsets {
  private expiring: Promise<void> | null = null;
  /** TxnOffsetCommit offsets waiting for their transaction's marker. */
  private readonly pendingTxnOffsets = new PendingTransactionalOffsets();

  constructor(private readonly ctx: GroupOffsetsContext) {}

  async deleteGroups(groupIds: readonly string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    const results: Array<{ groupId: string; errorCode: number }> = [];
    for (const groupId of groupIds) results.push({ groupId, errorCode: await this.deleteGroup(groupId) });
    return results;
  }

  private async deleteGroup(groupId: string): Promise<number> {
    if (this.ctx.isStopped()) return ErrorCode.NOT_COORDINATOR;
    if (this.ctx.consumerGroups.hasMembers(groupId)) return ErrorCode.NON_EMPTY_GROUP;
    const group = this.ctx.groups.get(groupId);
    if (group && !group.is('Empty') && !group.is('Dead')) return ErrorCode.NON_EMPTY_GROUP;
    const consumerTombstones = this.ctx.consumerGroups.dropIfEmpty(groupId);
    if (!group || group.is('Dead')) {
      if (consumerTombstones === null) return ErrorCode.GROUP_ID_NOT_FOUND;
      try {
        await this.ctx.offsetsTopic.append(groupId, consumerTombstones);
      } catch (err) {
        this.ctx.logger.error({ group: groupId, err }, 'could not write the group deletion; it may reappear after a restart');
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
      return ErrorCode.NONE;
    }
    const records: CoordinatorRecordWrite[] = [...(consumerTombstones ?? [])];
    for (const [topic, byPartition] of group.offsets) {
      for (const partition of byPartition.keys()) records.push({ key: offsetCommitKey(groupId, topic, partition), value: null });
    }
    records.push({ key: groupMetadataKey(groupId), value: null });
    // Dead before the write, as in Kafka: a member arriving meanwhile cannot revive a group being deleted.
    group.transitionTo('Dead', this.ctx.now());
    group.clearTimers();
    this.ctx.groups.delete(groupId);
    try {
      await this.ctx.offsetsTopic.append(groupId, records);
    } catch (err) {
      this.ctx.logger.error({ group: groupId, err }, 'could not write the group deletion; it may reappear after a restart');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    this.ctx.logger.info({ group: groupId, offsets: records.length - 1 }, 'group deleted');
    return ErrorCode.NONE;
  }

  /**
   * The per-partition checks both commit paths share: metadata within offset.metadata.max.bytes, else
   * OFFSET_METADATA_TOO_LARGE for that partition. Returns one error code per partition and the accepted values.
   */
  private acceptCommits(
    partitions: readonly OffsetCommitInput[],
    valueOf: (c: OffsetCommitInput, metadata: string) => CommittedOffset,
  ): { errors: number[]; accepted: Array<{ topic: string; partition: number; value: CommittedOffset }> } {
    const errors: number[] = [];
    const accepted: Array<{ topic: string; partition: number; value: CommittedOffset }> = [];
    for (const c of partitions) {
      const metadata = c.metadata ?? '';
      if (Buffer.byteLength(metadata, 'utf8') > this.ctx.config.offsetMetadataMaxBytes) {
        errors.push(ErrorCode.OFFSET_METADATA_TOO_LARGE);
        continue;
      }
      errors.push(ErrorCode.NONE);
      accepted.push({ topic: c.topic, partition: c.partition, value: valueOf(c, metadata) });
    }
    return { errors, accepted };
  }

  /** One error code per input partition, in order. */
  async commitOffsets(p: OffsetCommitParams): Promise<number[]> {
    const all = (code: number) => p.partitions.map(() => code);
    if (this.ctx.isStopped()) return all(ErrorCode.NOT_COORDINATOR);
    const consumerError = this.ctx.consumerGroups.offsetCommitError(p.groupId, {
      memberId: p.memberId,
      instanceId: p.groupInstanceId,
      memberEpoch: p.generationId,
      apiVersion: p.apiVersion,
      transactional: false,
      // A partition refused for its metadata is not checked against the member's assignment, as in Kafka.
      partitions: p.partitions.filter((c) => Buffer.byteLength(c.metadata ?? '', 'utf8') <= this.ctx.config.offsetMetadataMaxBytes),
    });
    let group = this.ctx.groups.get(p.groupId);
    if (consumerError !== null) {
      // A KIP-848 consumer group: its own member/epoch rules; the offsets live in a plain offsets-only group.
      if (consumerError !== ErrorCode.NONE) return all(consumerError);
      if (!group) {
        group = new ClassicGroup(p.groupId, this.ctx.now());
        this.ctx.groups.set(p.groupId, group);
      }
    } else {
      if (!group) {
        if (p.generationId >= 0) {
          return all(p.apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION);
        }
        // A commit outside group management (admin tools, manually assigned consumers) creates a "simple" group.
        group = new ClassicGroup(p.groupId, this.ctx.now());
        this.ctx.groups.set(p.groupId, group);
      }
      const groupError = offsetCommitError(group, p);
      if (groupError !== ErrorCode.NONE) return all(groupError);
    }
    const member = group.members.get(p.memberId);
    if (member && p.generationId >= 0 && !member.isAwaitingJoin && !member.isAwaitingSync) {
      // A commit proves the member is alive, as a heartbeat would.
      this.ctx.touchMember(group, member);
    }
    const now = BigInt(this.ctx.now());
    const { errors, accepted } = this.acceptCommits(p.partitions, (c, metadata) => ({
      offset: c.offset,
      leaderEpoch: c.leaderEpoch,
      metadata,
      commitTimestamp: c.commitTimestamp < 0n ? now : c.commitTimestamp,
      expireTimestamp: p.retentionTimeMs < 0n ? null : now + p.retentionTimeMs,
    }));
    if (accepted.length === 0) return errors;
    try {
      await this.ctx.offsetsTopic.append(
        p.groupId,
        accepted.map((a) => ({ key: offsetCommitKey(p.groupId, a.topic, a.partition), value: offsetCommitValue(a.value) })),
      );
    } catch (err) {
      this.ctx.logger.error({ group: p.groupId, err }, 'could not write committed offsets');
      return errors.map((e) => (e === ErrorCode.NONE ? ErrorCode.COORDINATOR_NOT_AVAILABLE : e));
    }
    const target = this.ctx.groups.get(p.groupId) ?? group;
    for (const a of accepted) target.setOffset(a.topic, a.partition, a.value);
    return errors;
  }

  /**
   * Committed offsets of the requested partitions (or all, when `topics` is null). Partitions without a commit
   * report offset -1 and empty metadata. With `requireStable`, a partition whose transactional commit is still
   * undecided answers UNSTABLE_OFFSET_COMMIT (offset -1), so the consumer retries once the transaction ends.
   */
  fetchOffsets(
    groupId: string,
    topics: readonly TopicPartitions[] | null,
    member: { readonly memberId: string | null; readonly memberEpoch: number } = { memberId: null, memberEpoch: -1 },
    requireStable = false,
  ): OffsetFetchResult {
    if (this.ctx.isStopped()) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
    const memberError = this.ctx.consumerGroups.offsetFetchError(groupId, member.memberId, member.memberEpoch);
    if (memberError !== ErrorCode.NONE) return { errorCode: memberError, topics: [] };
    const group = this.ctx.groups.get(groupId);
    const fetchedIn =
      (topic: string) =>
      (partition: number, o: CommittedOffset | undefined): FetchedOffset => {
        if (requireStable && this.pendingTxnOffsets.isPending(groupId, topic, partition)) {
          return { partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
        }
        return { partition, offset: o?.offset ?? -1n, leaderEpoch: o?.leaderEpoch ?? -1, metadata: o?.metadata ?? '', errorCode: ErrorCode.NONE };
      };
    if (topics === null) {
      if (!group) return { errorCode: ErrorCode.NONE, topics: [] };
      return {
        errorCode: ErrorCode.NONE,
        topics: [...group.offsets].map(([topic, byPartition]) => ({
          topic,
          partitions: [...byPartition].map(([partition, o]) => fetchedIn(topic)(partition, o)),
        })),
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((partition) => fetchedIn(t.topic)(partition, group?.offset(t.topic, partition))),
      })),
    };
  }

  /**
   * TxnOffsetCommit: the offsets are written to __consumer_offsets as the producer's transactional records and stay
   * pending until the transaction ends (completeTransaction). One error code per input partition, in order.
   */
  async commitTransactionalOffsets(p: TxnOffsetCommitParams): Promise<number[]> {
    const all = (code: number) => p.partitions.map(() => code);
    if (this.ctx.isStopped()) return all(ErrorCode.NOT_COORDINATOR);
    let group = this.ctx.groups.get(p.groupId);
    if (!group) {
      group = new ClassicGroup(p.groupId, this.ctx.now());
      this.ctx.groups.set(p.groupId, group);
    }
    // A KIP-848 consumer group checks the member and its epoch itself (TxnOffsetCommit v3+ carries them).
    const consumerError = this.ctx.consumerGroups.offsetCommitError(p.groupId, {
      memberId: p.memberId,
      instanceId: p.groupInstanceId,
      memberEpoch: p.generationId,
      apiVersion: 9,
      transactional: true,
      partitions: p.partitions,
    });
    const groupError = consumerError ?? txnOffsetCommitError(group, p);
    if (groupError !== ErrorCode.NONE) return all(groupError);
    const now = BigInt(this.ctx.now());
    const { errors, accepted } = this.acceptCommits(p.partitions, (c, metadata) => ({
      offset: c.offset,
      leaderEpoch: c.leaderEpoch,
      metadata,
      commitTimestamp: now,
      expireTimestamp: null,
    }));
    if (accepted.length === 0) return errors;
    try {
      await this.ctx.offsetsTopic.appendTransactional(
        p.groupId,
        accepted.map((a) => ({ key: offsetCommitKey(p.groupId, a.topic, a.partition), value: offsetCommitValue(a.value) })),
        p.producerId,
        p.producerEpoch,
      );
    } catch (err) {
      // A fenced producer's write is refused by the partition's producer state, as in Kafka.
      const fenced = err instanceof ProducerStateError && err.reason === 'INVALID_PRODUCER_EPOCH';
      if (!fenced) this.ctx.logger.error({ group: p.groupId, err }, 'could not write transactional offsets');
      const code = fenced ? ErrorCode.INVALID_PRODUCER_EPOCH : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return errors.map((e) => (e === ErrorCode.NONE ? code : e));
    }
    this.pendingTxnOffsets.add(
      p.producerId,
      accepted.map((a) => ({ group: p.groupId, topic: a.topic, partition: a.partition, value: a.value })),
    );
    return errors;
  }

  /** The transaction coordinator wrote the producer's marker: its pending offsets become visible or go. */
  completeTransaction(producerId: bigint, committed: boolean): void {
    for (const o of this.pendingTxnOffsets.take(producerId)) {
      if (!committed) continue;
      let group = this.ctx.groups.get(o.group);
      if (!group) {
        group = new ClassicGroup(o.group, this.ctx.now());
        this.ctx.groups.set(o.group, group);
      }
      if (o.value === null) group.deleteOffset(o.topic, o.partition);
      else group.setOffset(o.topic, o.partition, o.value);
    }
  }

  /** Replay hooks: transactional records wait for their markers; committed ones go to `apply` in log order. */
  transactionalReplay(apply: (record: CoordinatorRecord) => void): TransactionalReplay {
    return this.pendingTxnOffsets.replayVisitor(apply);
  }

  /** OffsetDelete: only for empty groups, or for topics a consumer group no longer subscribes to. */
  async deleteOffsets(groupId: string, topics: readonly TopicPartitions[]): Promise<OffsetDeleteResult> {
    if (this.ctx.isStopped()) return { errorCode: ErrorCode.NOT_COORDINATOR, topics: [] };
    const group = this.ctx.groups.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    if (!group.is('Empty') && group.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
    const consumerTopics = this.ctx.consumerGroups.subscribedTopics(groupId);
    const records: CoordinatorRecordWrite[] = [];
    const toDelete: Array<{ topic: string; partition: number }> = [];
    const resultTopics = topics.map((t) => {
      const subscribed = consumerTopics !== null ? consumerTopics.has(t.topic) : !group.is('Empty') && group.isSubscribedToTopic(t.topic);
      return {
        topic: t.topic,
        partitions: t.partitions.map((partition) => {
          if (subscribed) return { partition, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
          if (group.offset(t.topic, partition) !== undefined) {
            records.push({ key: offsetCommitKey(groupId, t.topic, partition), value: null });
            toDelete.push({ topic: t.topic, partition });
          }
          return { partition, errorCode: ErrorCode.NONE };
        }),
      };
    });
    if (records.length > 0) {
      try {
        await this.ctx.offsetsTopic.append(groupId, records);
      } catch (err) {
        this.ctx.logger.error({ group: groupId, err }, 'could not write offset deletions');
        return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
      }
      for (const d of toDelete) group.deleteOffset(d.topic, d.partition);
    }
    return { errorCode: ErrorCode.NONE, topics: resultTopics };
  }

  /** offsets.retention.minutes: drops expired offsets (with tombstones) and then groups left with nothing. */
  expireOffsets(): Promise<void> {
    if (!this.expiring) {
      this.expiring = this.doExpireOffsets().finally(() => {
        this.expiring = null;
      });
    }
    return this.expiring;
  }

  private async doExpireOffsets(): Promise<void> {
    const now = this.ctx.now();
    const retention = BigInt(this.ctx.config.offsetsRetentionMs);
    let removedOffsets = 0;
    let removedGroups = 0;
    for (const group of [...this.ctx.groups.values()]) {
      if (this.ctx.isStopped()) return;
      const consumerTopics = this.ctx.consumerGroups.subscribedTopics(group.groupId);
      const expired = expiredOffsets(group, BigInt(now), retention, consumerTopics);
      const records: CoordinatorRecordWrite[] = expired.map((e) => ({ key: offsetCommitKey(group.groupId, e.topic, e.partition), value: null }));
      // An empty group left with no offsets goes too (unless a new member is mid-way through joining it).
      const becomesDead = group.is('Empty') && group.pendingMembers.size === 0 && consumerTopics === null && this.offsetCount(group) === expired.length;
      if (becomesDead) {
        records.push({ key: groupMetadataKey(group.groupId), value: null });
        records.push(...(this.ctx.consumerGroups.dropIfEmpty(group.groupId) ?? []));
      }
      if (records.length === 0) continue;
      for (const e of expired) group.deleteOffset(e.topic, e.partition);
      if (becomesDead) {
        group.transitionTo('Dead', this.ctx.now());
        group.clearTimers();
        this.ctx.groups.delete(group.groupId);
      }
      try {
        await this.ctx.offsetsTopic.append(group.groupId, records);
      } catch (err) {
        this.ctx.logger.error({ group: group.groupId, err }, 'could not write expired offsets; they return after a restart');
        continue;
      }
      removedOffsets += expired.length;
      if (becomesDead) removedGroups++;
    }
    // Empty consumer groups without any committed offsets have nothing left to keep.
    for (const c of this.ctx.consumerGroups.listings()) {
      if (c.state !== 'Empty' || this.ctx.groups.has(c.groupId)) continue;
      const tombstones = this.ctx.consumerGroups.dropIfEmpty(c.groupId);
      if (tombstones === null) continue;
      removedGroups++;
      await this.ctx.offsetsTopic
        .append(c.groupId, tombstones)
        .catch((err: unknown) => this.ctx.logger.error({ group: c.groupId, err }, 'could not write consumer group tombstones'));
    }
    if (removedOffsets > 0 || removedGroups > 0) {
      this.ctx.logger.info({ removedOffsets, removedGroups }, 'expired committed offsets');
    }
  }

  private offsetCount(group: ClassicGroup): number {
    let total = 0;
    for (const byPartition of group.offsets.values()) total += byPartition.size;
    return total;
  }
}
