// Offsets committed inside a transaction (TxnOffsetCommit): written to __consumer_offsets as transactional records
// of the producer, held here until the transaction's marker reaches that partition, then made visible (commit)
// or dropped (abort), as Kafka's GroupMetadataManager does. At start the same happens while replaying the log;
// offsets of transactions still open after the replay wait for the transaction coordinator to end them.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { ClassicGroup, CommittedOffset } from './classic-group';
import type { CoordinatorRecord } from './coordinator-records';

export interface PendingOffset {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly value: CommittedOffset | null;
}

/** Replay hooks OffsetsTopic calls for transactional batches and markers. */
export interface TransactionalReplay {
  record(producerId: bigint, record: CoordinatorRecord): void;
  marker(producerId: bigint, commit: boolean): void;
}

export interface TxnCommitIdentity {
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/**
 * Kafka's doTxnCommitOffsets checks: lighter than a plain commit's, since the producer, not the member, owns the
 * write; a generation is checked only when the client sent one (TxnOffsetCommit v3+).
 */
export function txnOffsetCommitError(group: ClassicGroup, who: TxnCommitIdentity): number {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (group.isStaticMemberFenced(who.groupInstanceId, who.memberId)) return ErrorCode.FENCED_INSTANCE_ID;
  if (who.memberId !== '' && !group.has(who.memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (who.generationId >= 0 && who.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  return ErrorCode.NONE;
}

export class PendingTransactionalOffsets {
  private readonly byProducer = new Map<bigint, PendingOffset[]>();

  add(producerId: bigint, offsets: readonly PendingOffset[]): void {
    const list = this.byProducer.get(producerId) ?? [];
    list.push(...offsets);
    this.byProducer.set(producerId, list);
  }

  /** Removes and returns the producer's pending offsets, oldest first. */
  take(producerId: bigint): PendingOffset[] {
    const list = this.byProducer.get(producerId) ?? [];
    this.byProducer.delete(producerId);
    return list;
  }

  /** OffsetFetch require_stable: is a transactional commit of this partition still undecided? */
  isPending(group: string, topic: string, partition: number): boolean {
    for (const list of this.byProducer.values()) {
      if (list.some((o) => o.group === group && o.topic === topic && o.partition === partition)) return true;
    }
    return false;
  }

  producersWithPending(): bigint[] {
    return [...this.byProducer.keys()];
  }

  /** During the log replay: buffer transactional records, hand committed ones to `apply` at their marker. */
  replayVisitor(apply: (record: CoordinatorRecord) => void): TransactionalReplay {
    return {
      record: (producerId, record) => {
        if (record.kind === 'offset') this.add(producerId, [{ group: record.group, topic: record.topic, partition: record.partition, value: record.value }]);
      },
      marker: (producerId, commit) => {
        for (const o of this.take(producerId)) {
          if (commit) apply({ kind: 'offset', group: o.group, topic: o.topic, partition: o.partition, value: o.value });
        }
      },
    };
  }
}
