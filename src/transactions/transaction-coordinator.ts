// The transaction coordinator: one state machine per transactional id (Kafka's TransactionCoordinator), persisted
// in __transaction_state and rebuilt from it at start. Operations on one id run one at a time. Ending a
// transaction writes PrepareCommit/PrepareAbort, then a marker to every partition of the transaction, then
// CompleteCommit/CompleteAbort, before answering; a transaction left in a Prepare state by a crash is finished at
// start, and open transactions past their timeout are aborted in the background with the epoch bumped, which
// fences the producer that let them expire.
import { encodeTransactionMarkerBatch } from '../../codecs/records/control-batch';
import { ProducerStateError } from '../../storage';
import type { AppendOrigin } from '../../storage';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { CoordinatorPartitionLog, CoordinatorStorage } from '../groups/offsets-topic';
import type { Logger } from '../logger';
import type { ProducerIdManager } from './producer-id-manager';
import { TRANSACTION_STATE_TOPIC, TransactionLog } from './transaction-log';
import { hasPartition, newTransactionMetadata, TransactionMetadata, TxnState } from './transaction-metadata';

/** Kafka bumps to a new producer id once the epoch reaches Short.MAX_VALUE - 1. */
const MAX_PRODUCER_EPOCH = 32766;
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

  private startTimer(): void {
    this.timer = setInterval(() => void this.abortTimedOut().then(() => this.expireIdleIds()), this.config.abortCheckIntervalMs);
    this.timer.unref();
  }

  /** Waits for background work; later requests are refused. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
          if (expected !== null && m.producerEpoch !== -1 && m.producerId === expected.producerId && m.producerEpoch !== expected.epoch) {
            // A retry of a bump whose answer was lost gets what the first attempt got.
            if (m.lastProducerEpoch === expected.epoch) return { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch };
            return fail(ErrorCode.PRODUCER_FENCED);
          }
          break;
      }
      const next = { ...m, partitions: new Map<string, Set<number>>() };
      if (m.producerEpoch >= MAX_PRODUCER_EPOCH) {
        next.previousProducerId = m.producerId;
        next.producerId = await this.producerIds.nextId();
        next.producerEpoch = 0;
        next.lastProducerEpoch = -1;
      } else {
        next.lastProducerEpoch = m.producerEpoch;
        next.producerEpoch = m.producerEpoch + 1;
      }
      next.timeoutMs = input.transactionTimeoutMs;
      next.state = 'Empty';
      next.startTimestamp = -1n;
      next.lastUpdateTimestamp = BigInt(this.now());
      await this.persist(next);
      return { errorCode: ErrorCode.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
    });
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn --------------------------------------------------------------------

  /** Adds partitions (all known to exist) to the transaction; one error code for all of them. */
  async addPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, topics: readonly TopicPartitionsInput[]): Promise<number> {
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
      await this.persist(next);
      return ErrorCode.NONE;
    });
  }

  /** KIP-890 verification: is the partition part of this producer's open transaction? */
  verifyPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, topics: readonly TopicPartitionsInput[]): PartitionResult[] {
    const m = this.txns.get(transactionalId);
    const error = producerError(m, producerId, producerEpoch);
    return topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p,
        errorCode:
          error !== ErrorCode.NONE
            ? error
            : m !== undefined && m.state === 'Ongoing' && hasPartition(m, t.topic, p)
              ? ErrorCode.NONE
              : ErrorCode.INVALID_TXN_STATE,
      })),
    );
  }

  // ---- EndTxn -------------------------------------------------------------------------------------------------

  async endTransaction(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean): Promise<number> {
    if (this.stopped) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return this.withLock(transactionalId, async () => {
      const m = this.txns.get(transactionalId);
      const error = producerError(m, producerId, producerEpoch);
      if (error !== ErrorCode.NONE || m === undefined) return error;
      switch (m.state) {
        case 'Ongoing':
          await this.completeTransaction(m, commit);
          return ErrorCode.NONE;
        case 'CompleteCommit':
          return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
        case 'CompleteAbort':
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
        case 'PrepareCommit':
          return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
        case 'PrepareAbort':
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
        default:
          return ErrorCode.INVALID_TXN_STATE;
      }
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
        if (current !== undefined && current.state === m.state) await this.completeTransaction(current, current.state === 'PrepareCommit');
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

  /** Bumps the epoch (so the current producer instance is fenced) and aborts its open transaction. */
  private async fenceAndAbort(m: TransactionMetadata): Promise<void> {
    const fenced = m.producerEpoch < MAX_PRODUCER_EPOCH ? { ...m, lastProducerEpoch: m.producerEpoch, producerEpoch: m.producerEpoch + 1 } : m;
    await this.completeTransaction(fenced, false);
  }

  /** Prepare, markers, complete. `m` may already be in its Prepare state (recovery at start). */
  private async completeTransaction(m: TransactionMetadata, commit: boolean): Promise<void> {
    const prepared: TransactionMetadata = { ...m, state: commit ? 'PrepareCommit' : 'PrepareAbort', lastUpdateTimestamp: BigInt(this.now()) };
    await this.persist(prepared);
    await this.writeMarkers(prepared, commit);
    if (this.completionListener !== null) await this.completionListener(prepared.producerId, prepared.producerEpoch, commit);
    const completed: TransactionMetadata = {
      ...prepared,
      state: commit ? 'CompleteCommit' : 'CompleteAbort',
      partitions: new Map(),
      lastUpdateTimestamp: BigInt(this.now()),
    };
    await this.persist(completed);
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
  return (
    m.producerEpoch === -1 || expected.producerId === m.producerId || (expected.producerId === m.previousProducerId && expected.epoch >= MAX_PRODUCER_EPOCH)
  );
}

export type { TxnState };
