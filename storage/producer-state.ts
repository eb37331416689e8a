// Per-partition state of idempotent and transactional producers, Kafka's ProducerStateManager in small: for each
// producer id its epoch, the sequence and offset ranges of its last five batches (to answer a retried batch with
// its original offsets), the coordinator epoch of its last transaction marker and the first offset of its open
// transaction (which holds the last stable offset back). It knows ids, epochs and sequences, not requests.
//
// Appends are checked against a Stage (a copy-on-write overlay), so a group of queued appends sees the effect of
// the earlier ones, and the stage is committed only once the bytes are in the log.

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
/** Kafka keeps this many batches per producer for duplicate detection (max.in.flight.requests ≤ 5). */
export const CACHED_BATCHES_PER_PRODUCER = 5;
const INT32_MAX = 2147483647;

/** What the state needs from one batch header (and, for a transaction marker, its record). */
export interface ProducerBatchInfo {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: bigint;
  readonly transactional: boolean;
  /** Set for control batches that end a transaction. */
  readonly marker: { readonly commit: boolean; readonly coordinatorEpoch: number } | null;
  /** Control batches that are not transaction markers change nothing. */
  readonly control: boolean;
}

export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  readonly timestamp: bigint;
}

export interface ProducerEntry {
  readonly producerId: bigint;
  producerEpoch: number;
  /** Oldest first, at most CACHED_BATCHES_PER_PRODUCER. */
  batches: BatchMetadata[];
  coordinatorEpoch: number;
  currentTxnFirstOffset: bigint | null;
  lastTimestamp: bigint;
}

export type ProducerRejection = 'OUT_OF_ORDER_SEQUENCE' | 'INVALID_PRODUCER_EPOCH' | 'INVALID_TXN_STATE' | 'TRANSACTION_COORDINATOR_FENCED';

export type ProducerCheck =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly batch: BatchMetadata }
  | { readonly kind: 'reject'; readonly reason: ProducerRejection; readonly message: string };

/** A transaction ended by a marker at `lastOffset`. */
export interface CompletedTxn {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  readonly aborted: boolean;
}

/**
 * Where an append comes from: a client's produce (duplicates and sequences are checked), or the broker itself
 * (coordinator writes and transaction markers: epochs are checked, sequences are not), as in Kafka.
 */
export type AppendOrigin = 'client' | 'coordinator';

/** The sequence `increment` steps after `sequence`, wrapping past INT32_MAX to 0 as producers do. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

export function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

/** Written out field by field so copies share newEntry's object shape: checkBatch reads them on every batch. */
function cloneEntry(e: ProducerEntry): ProducerEntry {
  return {
    producerId: e.producerId,
    producerEpoch: e.producerEpoch,
    batches: e.batches.slice(),
    coordinatorEpoch: e.coordinatorEpoch,
    currentTxnFirstOffset: e.currentTxnFirstOffset,
    lastTimestamp: e.lastTimestamp,
  };
}

/** The cached batch a retry repeats (same first and last sequence), if any; a loop, no closure per batch. */
function cachedBatch(batches: readonly BatchMetadata[], firstSeq: number, lastSeq: number): BatchMetadata | undefined {
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i];
    if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b;
  }
  return undefined;
}

function newEntry(producerId: bigint): ProducerEntry {
  return {
    producerId,
    producerEpoch: NO_PRODUCER_EPOCH,
    batches: [],
    coordinatorEpoch: -1,
    currentTxnFirstOffset: null,
    lastTimestamp: -1n,
  };
}

/** Checks one batch against an entry (undefined = producer unknown here). Pure. */
export function checkBatch(entry: ProducerEntry | undefined, info: ProducerBatchInfo, origin: AppendOrigin): ProducerCheck {
  const pid = info.producerId;
  if (info.control) {
    if (info.marker === null) return { kind: 'append' };
    if (entry !== undefined && info.producerEpoch < entry.producerEpoch) {
      return reject('INVALID_PRODUCER_EPOCH', `Marker epoch ${info.producerEpoch} of producer ${pid} is older than its current epoch ${entry.producerEpoch}`);
    }
    if (entry !== undefined && info.marker.coordinatorEpoch < entry.coordinatorEpoch) {
      return reject(
        'TRANSACTION_COORDINATOR_FENCED',
        `Marker of producer ${pid} from coordinator epoch ${info.marker.coordinatorEpoch}, older than ${entry.coordinatorEpoch}`,
      );
    }
    return { kind: 'append' };
  }
  const lastSeq = incrementSequence(info.baseSequence, info.lastOffsetDelta);
  if (origin === 'client' && entry !== undefined && entry.producerEpoch === info.producerEpoch) {
    const dup = cachedBatch(entry.batches, info.baseSequence, lastSeq);
    if (dup !== undefined) return { kind: 'duplicate', batch: dup };
  }
  const currentEpoch = entry?.producerEpoch ?? NO_PRODUCER_EPOCH;
  if (info.producerEpoch < currentEpoch) {
    return reject('INVALID_PRODUCER_EPOCH', `Epoch of producer ${pid} is ${info.producerEpoch}, which is smaller than the last seen epoch ${currentEpoch}`);
  }
  if (origin === 'client') {
    if (info.producerEpoch !== currentEpoch) {
      // A new epoch restarts the sequences at 0, unless nothing is known of the producer (expired or deleted).
      if (info.baseSequence !== 0 && currentEpoch !== NO_PRODUCER_EPOCH) {
        return reject('OUT_OF_ORDER_SEQUENCE', `Invalid sequence number for new epoch of producer ${pid}: ${info.baseSequence} (expected 0)`);
      }
    } else {
      const entryLast = entry !== undefined && entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSeq : NO_SEQUENCE;
      if (!inSequence(entryLast, info.baseSequence)) {
        return reject(
          'OUT_OF_ORDER_SEQUENCE',
          `Out of order sequence number for producer ${pid}: ${info.baseSequence} (incoming), ${entryLast} (current end sequence)`,
        );
      }
    }
  }
  if (!info.transactional && entry !== undefined && entry.currentTxnFirstOffset !== null) {
    return reject(
      'INVALID_TXN_STATE',
      `Expected a transactional write from producer ${pid}, which has a transaction open since offset ${entry.currentTxnFirstOffset}`,
    );
  }
  return { kind: 'append' };
}

function reject(reason: ProducerRejection, message: string): ProducerCheck {
  return { kind: 'reject', reason, message };
}

/**
 * Applies an appended batch to an entry (mutating it). Returns the transaction a marker completes. Used both for
 * checked appends and for rebuilding state from the log, where nothing is checked.
 */
export function applyBatch(entry: ProducerEntry, info: ProducerBatchInfo, firstOffset: bigint, lastOffset: bigint): CompletedTxn | null {
  if (info.control) {
    if (info.marker === null) return null;
    updateEpoch(entry, info.producerEpoch);
    entry.coordinatorEpoch = info.marker.coordinatorEpoch;
    entry.lastTimestamp = info.maxTimestamp;
    const completed: CompletedTxn = {
      producerId: entry.producerId,
      firstOffset: entry.currentTxnFirstOffset ?? firstOffset,
      lastOffset: firstOffset,
      aborted: !info.marker.commit,
    };
    entry.currentTxnFirstOffset = null;
    return completed;
  }
  updateEpoch(entry, info.producerEpoch);
  entry.batches.push({
    firstSeq: info.baseSequence,
    lastSeq: incrementSequence(info.baseSequence, info.lastOffsetDelta),
    firstOffset,
    lastOffset,
    timestamp: info.maxTimestamp,
  });
  if (entry.batches.length > CACHED_BATCHES_PER_PRODUCER) entry.batches.shift();
  entry.lastTimestamp = info.maxTimestamp;
  if (info.transactional && entry.currentTxnFirstOffset === null) entry.currentTxnFirstOffset = firstOffset;
  return null;
}

function updateEpoch(entry: ProducerEntry, epoch: number): void {
  if (entry.producerEpoch !== epoch) {
    entry.batches = [];
    entry.producerEpoch = epoch;
  }
}

export class ProducerStateManager {
  private readonly entries = new Map<bigint, ProducerEntry>();
  /** Open transactions: producer id -> first offset. */
  private readonly ongoing = new Map<bigint, bigint>();
  /** State reflects every batch below this offset. */
  private endOffset: bigint;

  constructor(endOffset = 0n) {
    this.endOffset = endOffset;
  }

  get mapEndOffset(): bigint {
    return this.endOffset;
  }

  get size(): number {
    return this.entries.size;
  }

  entry(producerId: bigint): ProducerEntry | undefined {
    return this.entries.get(producerId);
  }

  activeProducers(): ProducerEntry[] {
    return [...this.entries.values()];
  }

  /** First offset of the oldest open transaction, or null when none is open. */
  firstUnstableOffset(): bigint | null {
    let min: bigint | null = null;
    for (const first of this.ongoing.values()) if (min === null || first < min) min = first;
    return min;
  }

  /** Open transactions, oldest first. */
  ongoingTransactions(): Array<{ producerId: bigint; firstOffset: bigint }> {
    return [...this.ongoing.entries()]
      .map(([producerId, firstOffset]) => ({ producerId, firstOffset }))
      .sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  }

  stage(): ProducerStateStage {
    return new ProducerStateStage(this);
  }

  /** Replaces entries by their staged versions and advances the end offset. */
  commit(stage: ProducerStateStage, endOffset: bigint): void {
    stage.forEachTouched((e) => this.put(e));
    this.endOffset = endOffset;
  }

  /** Rebuild path: applies a batch read back from the log. */
  replay(info: ProducerBatchInfo, firstOffset: bigint, lastOffset: bigint): CompletedTxn | null {
    if (info.producerId < 0n) {
      this.endOffset = lastOffset + 1n;
      return null;
    }
    const entry = this.entries.get(info.producerId) ?? newEntry(info.producerId);
    const completed = applyBatch(entry, info, firstOffset, lastOffset);
    this.put(entry);
    this.endOffset = lastOffset + 1n;
    return completed;
  }

  /** Loads an entry from a snapshot. */
  restore(entry: ProducerEntry): void {
    this.put(entry);
  }

  setEndOffset(offset: bigint): void {
    this.endOffset = offset;
  }

  /** Kafka's producer.id.expiration.ms: forgets producers idle that long, unless a transaction is open. */
  removeExpired(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [pid, e] of this.entries) {
      if (e.currentTxnFirstOffset === null && e.lastTimestamp >= 0n && Number(e.lastTimestamp) + expirationMs < nowMs) {
        this.entries.delete(pid);
        removed++;
      }
    }
    return removed;
  }

  private put(entry: ProducerEntry): void {
    this.entries.set(entry.producerId, entry);
    if (entry.currentTxnFirstOffset === null) this.ongoing.delete(entry.producerId);
    else this.ongoing.set(entry.producerId, entry.currentTxnFirstOffset);
  }
}

/** A copy-on-write view over the manager for one group of appends. */
export class ProducerStateStage {
  private readonly overlay = new Map<bigint, ProducerEntry>();

  constructor(private readonly base: ProducerStateManager) {}

  private current(producerId: bigint): ProducerEntry | undefined {
    return this.overlay.get(producerId) ?? this.base.entry(producerId);
  }

  check(info: ProducerBatchInfo, origin: AppendOrigin): ProducerCheck {
    if (info.producerId < 0n) return { kind: 'append' };
    return checkBatch(this.current(info.producerId), info, origin);
  }

  /** Records an accepted batch at its assigned offsets. */
  record(info: ProducerBatchInfo, firstOffset: bigint, lastOffset: bigint): CompletedTxn | null {
    if (info.producerId < 0n) return null;
    let entry = this.overlay.get(info.producerId);
    if (entry === undefined) {
      const existing = this.base.entry(info.producerId);
      entry = existing === undefined ? newEntry(info.producerId) : cloneEntry(existing);
      this.overlay.set(info.producerId, entry);
    }
    return applyBatch(entry, info, firstOffset, lastOffset);
  }

  /** A restore point, for an append of several batches that may be refused after its first ones were staged. */
  save(): Map<bigint, ProducerEntry> {
    return new Map([...this.overlay].map(([pid, e]) => [pid, cloneEntry(e)]));
  }

  restore(saved: Map<bigint, ProducerEntry>): void {
    this.overlay.clear();
    for (const [pid, e] of saved) this.overlay.set(pid, e);
  }

  forEachTouched(visit: (entry: ProducerEntry) => void): void {
    for (const e of this.overlay.values()) visit(e);
  }
}
