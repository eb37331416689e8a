// Transaction bookkeeping for one cleaning pass, Kafka's CleanedTransactionMetadata: walking batches in offset
// order with the partition's aborted transactions, it says which data batches belong to an aborted transaction
// (removed) and which transaction markers are no longer needed (no batch of their transaction is left).
import type { AbortedTxn } from './txn-index';

interface OpenAbortedTxn {
  readonly txn: AbortedTxn;
  /** Set once a data batch of the transaction was seen in this pass: its marker must stay one more pass. */
  sawBatch: boolean;
}

export class CleanerTxnTracker {
  private readonly pending: AbortedTxn[];
  private readonly abortedByProducer = new Map<bigint, OpenAbortedTxn>();
  private readonly committedProducers = new Set<bigint>();
  /** Aborted transactions whose markers stay in the cleaned log, for its `.txnindex`. */
  readonly retainedAborts: AbortedTxn[] = [];

  /** `aborted`: the partition's aborted transactions overlapping the cleaned range, any order. */
  constructor(aborted: readonly AbortedTxn[]) {
    this.pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  /** A data batch: true when it belongs to an aborted transaction and is to be removed. */
  onDataBatch(producerId: bigint, transactional: boolean, lastOffset: bigint): boolean {
    this.openAbortsUpTo(lastOffset);
    if (!transactional) return false;
    const open = this.abortedByProducer.get(producerId);
    if (open !== undefined) {
      open.sawBatch = true;
      return true;
    }
    this.committedProducers.add(producerId);
    return false;
  }

  /**
   * A control batch: true when it may be removed (once its delete horizon passed). An ABORT marker stays while
   * this pass removed batches of its transaction (a reader still needs it to know), a COMMIT marker while this pass
   * kept batches of its transaction.
   */
  onControlBatch(producerId: bigint, lastOffset: bigint, kind: 'ABORT' | 'COMMIT' | 'OTHER'): boolean {
    this.openAbortsUpTo(lastOffset);
    if (kind === 'ABORT') {
      const open = this.abortedByProducer.get(producerId);
      this.abortedByProducer.delete(producerId);
      if (open !== undefined && open.sawBatch) {
        this.retainedAborts.push(open.txn);
        return false;
      }
      return true;
    }
    if (kind === 'COMMIT') return !this.committedProducers.delete(producerId);
    return false;
  }

  private openAbortsUpTo(offset: bigint): void {
    while (this.pending.length > 0 && this.pending[0].firstOffset <= offset) {
      const txn = this.pending.shift() as AbortedTxn;
      if (!this.abortedByProducer.has(txn.producerId)) this.abortedByProducer.set(txn.producerId, { txn, sawBatch: false });
    }
  }
}
