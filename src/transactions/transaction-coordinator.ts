// The transaction coordinator: one state machine per transactional id (Kafka's TransactionCoordinator), persisted
// in __transaction_state and rebuilt from it at start. Operations on one id run one at a time. Ending a
// transaction writes PrepareCommit/PrepareAbort, then a marker to every partition of the transaction, then
// CompleteCommit/CompleteAbort, before answering; a transaction left in a Prepare state by a crash is finished at
// start, and open transactions past their timeout are aborted in the background with the epoch bumped, which
// fences the producer that let them expire. Both transaction protocols are served, chosen per request as Kafka
// does (transaction-transitions.ts): under protocol 2 every commit or abort bumps the epoch, and partitions join
// a transaction through the partition leader's write rather than AddPartitionsToTxn. Idle transactional ids are
// forgotten on their own timer (transaction.remove.expired.transaction.cleanup.interval.ms).
import { encodeTransactionMarkerBatch } from '../../codecs/records/control-batch';
import { ProducerStateError } from '../../storage';
import type { AppendOrigin } from '../../storage';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { CoordinatorPartitionLog, CoordinatorStorage } from '../groups/offsets-topic';
import type { Logger } from '../logger';
import type { ProducerIdManager } from './producer-id-manager';
import { TRANSACTION_STATE_TOPIC, TransactionLog } from './transaction-log';
import { hasPartition, newTransactionMetadata, TransactionMetadata, TxnState } from './transaction-metadata';
import {
  decideEndTxnV1,
  decideEndTxnV2,
  EXHAUSTED_EPOCH,
  incrementEpoch,
  isEpochExhausted,
  prepareComplete,
  prepareEnd,
  rotateProducerId,
  supportsEpochBump,
  TV_2,
  TV_CLIENT_LEGACY,
  TransactionVersion,
} from './transaction-transitions';

/** Kafka's transaction.remove.expired.transaction.cleanup.interval.ms default. */
const DEFAULT_ID_EXPIRATION_CHECK_INTERVAL_MS = 3_600_000;
/** Markers carry the coordinator's epoch; a single node never moves the transaction log, so it stays 0. */
const COORDINATOR_EPOCH = 0;

export interface MarkerStorage extends CoordinatorStorage {
  loadedPartition(topic: string, partition: number): Promise<(CoordinatorPartitionLog & MarkerLog) | undefined>;
}

export interface MarkerLog {
  append(records: Buffer, opts?: { origin?: AppendOrigin }): Promise<unknown>;
}

export interface TransactionCoordinatorConfig {
  readonly numPartitions: number;
  readonly maxTimeoutMs: number;
  readonly abortCheckIntervalMs: number;
  /** transactional.id.expiration.ms: ids idle (no transaction) this long are forgotten. */
  readonly idExpirationMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms: how often idle ids are looked for (Kafka: an hour). */
  readonly idExpirationCheckIntervalMs?: number;
  /** The configs __transaction_state is created with (config/internal-topics.ts); the broker defaults when absent. */
  readonly topicConfigs?: Readonly<Record<string, string>>;
}

export interface InitProducerIdInput {
  readonly transactionalId: string | null;
  readonly transactionTimeoutMs: number;
  /** KIP-360: the id and epoch the producer had, or -1/-1. */
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

export interface ProducerIdAndEpoch {
  readonly errorCode: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** EndTxn's answer: under protocol 2 the producer id and epoch the producer continues with. */
export type EndTxnResult = ProducerIdAndEpoch;

export interface TopicPartitionsInput {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface PartitionResult {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
}

/** Called once markers are written, so transactional offset commits can be made visible or dropped. */
export type TransactionCompletionListener = (producerId: bigint, producerEpoch: number, committed: boolean) => Promise<void>;

export interface TransactionCoordinatorOptions {
  readonly storage: MarkerStorage;
  readonly producerIds: ProducerIdManager;
  readonly config: TransactionCoordinatorConfig;
  readonly logger: Logger;
  /** Told about every completed transaction, including those finished at start. */
  readonly onComplete?: TransactionCompletionListener;
  readonly now?: () => number;
}

export class TransactionCoordinator {
  private readonly txns = new Map<string, TransactionMetadata>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly log: TransactionLog;
  private timer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private aborting: Promise<void> | null = null;
  private completionListener: TransactionCompletionListener | null = null;
  private stopped = false;

  private constructor(
    private readonly storage: MarkerStorage,
    private readonly producerIds: ProducerIdManager,
    private readonly config: TransactionCoordinatorConfig,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.log = new TransactionLog(storage, config.numPartitions, logger, config.topicConfigs);
  }

  static async start(opts: TransactionCoordinatorOptions): Promise<TransactionCoordinator> {
    const c = new TransactionCoordinator(opts.storage, opts.producerIds, opts.config, opts.logger, opts.now ?? Date.now);
    c.completionListener = opts.onComplete ?? null;
    await c.load();
    c.startTimer();
    return c;
  }

  /**
   * What `start` builds when __transaction_state does not exist: there is no state to reload, so this needs no
   * await, and the broker can build the coordinator on the first request that needs it.
   */
  static startWithoutState(opts: TransactionCoordinatorOptions): TransactionCoordinator {
    if (opts.storage.topic(TRANSACTION_STATE_TOPIC) !== undefined) {
      throw new Error(`${TRANSACTION_STATE_TOPIC} exists: its state must be reloaded with TransactionCoordinator.start`);
    }
    const c = new TransactionCoordinator(opts.storage, opts.producerIds, opts.config, opts.logger, opts.now ?? Date.now);
    c.completionListener = opts.onComplete ?? null;
    c.startTimer();
    return c;
  }

  /** Kafka's two scheduled tasks, each on its own interval; unref'd, so they never keep the process alive. */
  private startTimer(): void {
    this.timer = setInterval(() => void this.abortTimedOut(), this.config.abortCheckIntervalMs);
    this.timer.unref();
    this.expiryTimer = setInterval(() => void this.expireIdleIds(), this.config.idExpirationCheckIntervalMs ?? DEFAULT_ID_EXPIRATION_CHECK_INTERVAL_MS);
    this.expiryTimer.unref();
  }

  /** Waits for background work; later requests are refused. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.timer = null;
    this.expiryTimer = null;
    await this.aborting;
    await Promise.all([...this.locks.values()].map((p) => p.catch(() => undefined)));
  }

  partitionFor(transactionalId: string): number {
    return this.log.partitionFor(transactionalId);
  }

  describe(transactionalId: string): TransactionMetadata | undefined {
    return this.txns.get(transactionalId);
  }

  list(): TransactionMetadata[] {
    return [...this.txns.values()];
  }

  // ---- start --------------------------------------------------------------------------------------------------

  private async load(): Promise<void> {
    const started = this.now();
    const records = await this.log.replay((r) => {
      if (r.kind === 'metadata') this.txns.set(r.metadata.transactionalId, r.metadata);
      else if (r.kind === 'tombstone') this.txns.delete(r.transactionalId);
    });
    await this.finishPrepared();
    if (records > 0) this.logger.info({ transactionalIds: this.txns.size, records, ms: this.now() - started }, 'loaded the transaction log');
  }

  /** Creates __transaction_state with this coordinator's partitions and configs (a Metadata request may ask first). */
  ensureStateTopic(): Promise<void> {
    return this.log.ensureCreated();
  }

  // ---- InitProducerId -----------------------------------------------------------------------------------------

  async initProducerId(input: InitProducerIdInput): Promise<ProducerIdAndEpoch> {
    const fail = (errorCode: number): ProducerIdAndEpoch => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (input.transactionalId === null) {
      // Idempotent producers always get a fresh id, whatever they had before (Kafka does the same).
      return { errorCode: ErrorCode.NONE, producerId: await this.producerIds.nextId(), producerEpoch: 0 };
    }
    if (input.transactionalId.length === 0) return fail(ErrorCode.INVALID_REQUEST);
    if (input.transactionTimeoutMs <= 0 || input.transactionTimeoutMs > this.config.maxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    if (this.stopped) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const txnId = input.transactionalId;
    await this.log.ensureCreated();
    return this.withLock(txnId, async () => {
      let m = this.txns.get(txnId);
      // A new id becomes known only once its first state is in the log (persist below).
      if (m === undefined) m = newTransactionMetadata(txnId, await this.producerIds.nextId(), input.transactionTimeoutMs, BigInt(this.now()));
      const expected = input.producerId >= 0n ? { producerId: input.producerId, epoch: input.producerEpoch } : null;
      if (expected !== null && !isValidExpectedProducer(m, expected)) return fail(ErrorCode.PRODUCER_FENCED);
      switch (m.state) {
        case 'PrepareCommit':
        case 'PrepareAbort':
        case 'PrepareEpochFence':
          return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
        case 'Dead':
          return fail(ErrorCode.INVALID_TXN_STATE);
        case 'Ongoing': {
          // A new instance of the producer: abort what the old one left open, fencing it with a bumped epoch, and
          // answer CONCURRENT_TRANSACTIONS as Kafka does; the client's retry then gets the next epoch.
          if (expected !== null && expected.producerId === m.producerId && expected.epoch !== m.producerEpoch) return fail(ErrorCode.PRODUCER_FENCED);
          await this.fenceAndAbort(m);
          return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
        }
        default:
          break;
      }
      const now = BigInt(this.now());
      let next: TransactionMetadata;
      if (isEpochExhausted(m.producerEpoch)) {
        // Kafka refuses (an IllegalStateException, UNKNOWN_SERVER_ERROR) a bump past an exhausted epoch it was not asked for.
        if (expected !== null && expected.epoch !== m.producerEpoch) return fail(ErrorCode.UNKNOWN_SERVER_ERROR);
        next = rotateProducerId(m, await this.producerIds.nextId(), expected !== null, input.transactionTimeoutMs, now);
      } else {
        const bumped = incrementEpoch(m, expected?.epoch ?? null, input.transactionTimeoutMs, now);
        if ('errorCode' in bumped) return fail(bumped.errorCode);
        next = bumped;
      }
      await this.persist(next);
      return { errorCode: ErrorCode.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
    });
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn --------------------------------------------------------------------

  /**
   * Adds partitions (all known to exist) to the transaction; one error code for all of them. `tv` is the protocol
   * of the request that adds them: AddPartitionsToTxn v0-3 and AddOffsetsToTxn (0), or a protocol-2 write that
   * adds its partition implicitly (Produce v12+, TxnOffsetCommit v5+).
   */
  async addPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    topics: readonly TopicPartitionsInput[],
    tv: TransactionVersion = TV_CLIENT_LEGACY,
  ): Promise<number> {
    if (this.stopped) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return this.withLock(transactionalId, async () => {
      const m = this.txns.get(transactionalId);
      const error = producerError(m, producerId, producerEpoch);
      if (error !== ErrorCode.NONE || m === undefined) return error;
      if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort' || m.state === 'PrepareEpochFence') return ErrorCode.CONCURRENT_TRANSACTIONS;
      if (m.state === 'Dead') return ErrorCode.INVALID_TXN_STATE;
      const missing = topics.some((t) => t.partitions.some((p) => !hasPartition(m, t.topic, p)));
      if (m.state === 'Ongoing' && !missing) return ErrorCode.NONE;
      const next = { ...m, partitions: m.state === 'Ongoing' ? clonePartitions(m.partitions) : new Map<string, Set<number>>() };
      for (const t of topics) {
        const set = next.partitions.get(t.topic) ?? new Set<number>();
        for (const p of t.partitions) set.add(p);
        next.partitions.set(t.topic, set);
      }
      const now = BigInt(this.now());
      if (m.state !== 'Ongoing') next.startTimestamp = now;
      next.state = 'Ongoing';
      next.lastUpdateTimestamp = now;
      next.clientTransactionVersion = tv;
      await this.persist(next);
      return ErrorCode.NONE;
    });
  }

  /**
   * KIP-890 verification (Kafka's handleVerifyPartitionsInTransaction): is the partition part of this producer's
   * open transaction? TRANSACTION_ABORTABLE if not; the partition leader maps that for older clients.
   */
  verifyPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, topics: readonly TopicPartitionsInput[]): PartitionResult[] {
    const m = this.txns.get(transactionalId);
    let error = producerError(m, producerId, producerEpoch);
    if (error === ErrorCode.NONE && (m?.state === 'PrepareCommit' || m?.state === 'PrepareAbort')) error = ErrorCode.CONCURRENT_TRANSACTIONS;
    return topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p,
        errorCode: error !== ErrorCode.NONE ? error : m !== undefined && hasPartition(m, t.topic, p) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE,
      })),
    );
  }

  // ---- EndTxn -------------------------------------------------------------------------------------------------

  /**
   * Commits or aborts. `tv` is the protocol of the request (EndTxn v5+ is protocol 2): under 2 the answer carries
   * the producer id and epoch to continue with, one epoch past the request's (or a new id once it ran out).
   */
  async endTransaction(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
    tv: TransactionVersion = TV_CLIENT_LEGACY,
  ): Promise<EndTxnResult> {
    // Kafka refuses an empty transactional id as a malformed request before looking anything up.
    if (transactionalId.length === 0) return { errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
    if (this.stopped) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
    return this.withLock(transactionalId, async () => {
      const m = this.txns.get(transactionalId);
      const request = { producerId, producerEpoch, commit };
      const decision = supportsEpochBump(tv) ? decideEndTxnV2(m, request) : decideEndTxnV1(m, request);
      if (decision.kind === 'answer') return { errorCode: decision.errorCode, producerId: decision.producerId, producerEpoch: decision.producerEpoch };
      if (m === undefined) return { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING, producerId: -1n, producerEpoch: -1 };
      const completed = await this.completeTransaction(await this.prepareToEnd(m, decision.commit, tv, decision.noPartitionAdded));
      return { errorCode: ErrorCode.NONE, producerId: completed.producerId, producerEpoch: completed.producerEpoch };
    });
  }

  // ---- timeouts -----------------------------------------------------------------------------------------------

  /**
   * A crash (or a failed write) between Prepare* and Complete*: the decision is durable, so its markers are
   * written again. Runs at start and with every timeout pass until it succeeds.
   */
  private async finishPrepared(): Promise<void> {
    for (const m of [...this.txns.values()]) {
      if (m.state !== 'PrepareCommit' && m.state !== 'PrepareAbort' && m.state !== 'PrepareEpochFence') continue;
      await this.withLock(m.transactionalId, async () => {
        const current = this.txns.get(m.transactionalId);
        if (current === undefined || current.state !== m.state) return;
        await this.completeTransaction(current.state === 'PrepareEpochFence' ? { ...current, state: 'PrepareAbort' } : current);
      }).catch((err: unknown) => this.logger.error({ err, transactionalId: m.transactionalId }, 'could not finish a prepared transaction; will retry'));
    }
  }

  /** One pass of Kafka's abortTimedOutTransactions; returns when the aborts are written. */
  abortTimedOut(): Promise<void> {
    if (this.aborting !== null || this.stopped) return this.aborting ?? Promise.resolve();
    this.aborting = (async () => {
      await this.finishPrepared();
      const now = this.now();
      for (const m of [...this.txns.values()]) {
        if (this.stopped) break;
        if (m.state !== 'Ongoing' || Number(m.startTimestamp) + m.timeoutMs > now) continue;
        await this.withLock(m.transactionalId, async () => {
          const current = this.txns.get(m.transactionalId);
          if (current === undefined || current.state !== 'Ongoing' || Number(current.startTimestamp) + current.timeoutMs > this.now()) return;
          this.logger.info(
            { transactionalId: current.transactionalId, producerId: current.producerId.toString(), epoch: current.producerEpoch, timeoutMs: current.timeoutMs },
            'aborting a transaction past its timeout',
          );
          await this.fenceAndAbort(current);
        }).catch((err: unknown) => this.logger.error({ err, transactionalId: m.transactionalId }, 'could not abort a timed-out transaction'));
      }
    })().finally(() => {
      this.aborting = null;
    });
    return this.aborting;
  }

  /** Kafka's transactional id expiration: idle ids get a tombstone in the log and are forgotten. */
  async expireIdleIds(): Promise<number> {
    const now = this.now();
    let expired = 0;
    for (const m of [...this.txns.values()]) {
      if (this.stopped) break;
      if (!isIdle(m.state) || Number(m.lastUpdateTimestamp) + this.config.idExpirationMs > now) continue;
      await this.withLock(m.transactionalId, async () => {
        const current = this.txns.get(m.transactionalId);
        if (current === undefined || !isIdle(current.state) || Number(current.lastUpdateTimestamp) + this.config.idExpirationMs > this.now()) return;
        await this.log.remove(current.transactionalId);
        this.txns.delete(current.transactionalId);
        expired++;
      }).catch((err: unknown) => this.logger.error({ err, transactionalId: m.transactionalId }, 'could not expire a transactional id'));
    }
    if (expired > 0) this.logger.info({ expired }, 'expired idle transactional ids');
    return expired;
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  /**
   * Bumps the epoch (so the current producer instance is fenced) and aborts its open transaction. Kafka runs its
   * own aborts at the finalized transaction.version, 2, whichever protocol the producer speaks.
   */
  private async fenceAndAbort(m: TransactionMetadata): Promise<void> {
    await this.completeTransaction(await this.prepareToEnd(m, false, TV_2, false));
  }

  /** The Prepare state of a commit or abort, with a new producer id reserved when protocol 2 exhausts the epoch. */
  private async prepareToEnd(m: TransactionMetadata, commit: boolean, tv: TransactionVersion, noPartitionAdded: boolean): Promise<TransactionMetadata> {
    const nextProducerId = supportsEpochBump(tv) && isEpochExhausted(m.producerEpoch) ? await this.producerIds.nextId() : -1n;
    return prepareEnd(m, commit, tv, nextProducerId, BigInt(this.now()), noPartitionAdded);
  }

  /** Prepare (already decided: `prepared` is in its Prepare state), markers, complete; returns the completed state. */
  private async completeTransaction(prepared: TransactionMetadata): Promise<TransactionMetadata> {
    const commit = prepared.state === 'PrepareCommit';
    await this.persist(prepared);
    await this.writeMarkers(prepared, commit);
    if (this.completionListener !== null) await this.completionListener(prepared.producerId, prepared.producerEpoch, commit);
    const completed = prepareComplete(prepared, BigInt(this.now()));
    await this.persist(completed);
    return completed;
  }

  private async writeMarkers(m: TransactionMetadata, commit: boolean): Promise<void> {
    const marker = encodeTransactionMarkerBatch({
      type: commit ? 'COMMIT' : 'ABORT',
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      coordinatorEpoch: COORDINATOR_EPOCH,
    });
    const writes: Array<Promise<void>> = [];
    for (const [topic, parts] of m.partitions) {
      for (const p of parts) {
        const log = await this.storage.loadedPartition(topic, p);
        if (log === undefined) continue; // deleted since it joined the transaction
        writes.push(
          // Each partition patches its own offsets into the batch it is given (the log owns it): one copy each.
          log.append(Buffer.from(marker), { origin: 'coordinator' }).then(
            () => undefined,
            (err: unknown) => {
              if (err instanceof ProducerStateError) {
                this.logger.warn({ topic, partition: p, err: err.message }, 'transaction marker refused by the partition');
                return;
              }
              throw err;
            },
          ),
        );
      }
    }
    await Promise.all(writes);
  }

  /** Writes the new state to the log, then makes it current. */
  private async persist(next: TransactionMetadata): Promise<void> {
    await this.log.write(next);
    this.txns.set(next.transactionalId, next);
  }

  private withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }
}

function isIdle(state: TxnState): boolean {
  return state === 'Empty' || state === 'CompleteCommit' || state === 'CompleteAbort';
}

function clonePartitions(p: ReadonlyMap<string, ReadonlySet<number>>): Map<string, Set<number>> {
  return new Map([...p.entries()].map(([t, s]) => [t, new Set(s)]));
}

/** The checks every client call after InitProducerId makes on the producer id and epoch. */
function producerError(m: TransactionMetadata | undefined, producerId: bigint, producerEpoch: number): number {
  if (m === undefined || m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
  if (m.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
  return ErrorCode.NONE;
}

/**
 * Kafka's isValidProducerId for KIP-360 requests: the metadata is fresh, or the producer id is the current one,
 * or it is the previous one whose epoch ran out (a retry after the id changed).
 */
function isValidExpectedProducer(m: TransactionMetadata, expected: { producerId: bigint; epoch: number }): boolean {
  return m.producerEpoch === -1 || expected.producerId === m.producerId || (expected.producerId === m.previousProducerId && expected.epoch >= EXHAUSTED_EPOCH);
}

export type { TxnState };
