// Owner of the data directory: the topic catalog, every partition log, the shared resources (file handles, index
// memory, tail cache) and the background retention/flush timer. Catalog changes are serialised so concurrent
// admin requests cannot interleave their file operations.
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import type * as Crypto from 'crypto';
import type { Logger } from './logger';
import { fsyncDir, isNotFound, writeFileAtomic } from './atomic-file';
import { InvalidPartitionsError, LogClosedError, TopicExistsError, UnknownTopicError } from './errors';
import { CLEAN_SHUTDOWN_FILE, DELETE_DIR_SUFFIX, partitionDirName } from './file-names';
import { FdPool, FileWriter } from './fd-pool';
import { defaultOpenSegmentFiles } from './open-files-budget';
import { lockDataDir, unlockDataDir } from './dir-lock';
import { IndexCache } from './index-cache';
import { DEFAULT_LOG_CONFIG, LogConfig, logConfigFromProperties } from './log-config';
import { PartitionLog } from './partition-log';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS, PartitionLogDeps } from './local-log';
import { TailCacheBudget } from './tail-cache';
import type { StorageMemoryStats } from './memory-stats';
import { ReadBufferPool } from './read-buffers';
import { FramePool } from './frame-pool';
import { CleanerOptions, CleaningStats } from './log-cleaner';
import { LogMaintenance } from './log-maintenance';
import { ProducerExpiry } from './producer-state-expiry';
import { LOAD_CONCURRENCY, StoredPartitions } from './stored-partitions';
import {
  exists,
  forEachLimited,
  readStartOffsets,
  reconcileStartOffsets,
  makePartitionFiles,
  removeDeletedTopicDirs,
  removeStaleDirs,
  segmentFilesSize,
  warnAboutOrphanDirs,
} from './data-dir';
import { makeDurable, WrittenFiles } from './durable-barrier';
import { checkTopicName, newTopicId, TopicCatalog, TopicMetadata } from './topic-catalog';
import { WriteFaults } from './write-faults';

/** crypto, required on first use: its ~36 built-in modules are not needed before a broker's first answer. */
const crypto = (): typeof Crypto => require('crypto') as typeof Crypto;

export interface LogManagerOptions {
  dataDir: string;
  logger: Logger;
  defaultConfig?: LogConfig;
  /** Kafka's log.retention.check.interval.ms; default 300000. */
  retentionCheckIntervalMs?: number;
  /** Upper bound on segment files held open at once; default half the open-files limit, 512 to 8,192 (open-files-budget.ts). */
  maxOpenFiles?: number;
  /** Memory for the newest batches of all partitions together (log.tail.cache.max.bytes); default 64 MiB. */
  tailCacheBytes?: number;
  /** Memory for the newest batches of one partition (log.tail.cache.partition.max.bytes); default 4 MiB. */
  tailCachePartitionBytes?: number;
  /** Memory for the loaded indexes of closed segments (log.index.cache.max.bytes); default 64 MiB. */
  indexCacheBytes?: number;
  /** Idle buffers fetches read into, kept for reuse (log.read.buffer.pool.max.bytes); default 32 MiB. */
  readBufferPoolBytes?: number;
  /** Idle buffers large request frames are read into, kept for reuse (socket.request.buffer.pool.max.bytes); default 8 MiB. */
  frameBufferPoolBytes?: number;
  /** Kafka's producer.id.expiration.ms: producers idle this long are dropped from producer state; default a day. */
  producerIdExpirationMs?: number;
  /** Kafka's producer.id.expiration.check.interval.ms: how often idle producers are looked for; default 10 minutes. */
  producerIdExpirationCheckIntervalMs?: number;
  /** Kafka's log.cleaner.backoff.ms: pause between cleaner passes over compacted partitions; default 15000. */
  cleanerBackoffMs?: number;
  /** Memory for the cleaner's key map of one partition (log.cleaner.dedupe.buffer.size); default 64 MiB. */
  cleanerOffsetMapBytes?: number;
  /** Closed-segment bytes one cleaner pass may rewrite; default 256 MiB. */
  cleanerBytesPerPass?: number;
  /** The system call appends are written with; tests inject failures here. Default: Node's pwrite/pwritev. */
  fileWriter?: FileWriter;
  /**
   * How a clean shutdown makes what it wrote durable before its marker: one syncfs(2) of the data directory's
   * filesystem (falls back to fsync where unavailable), an fsync per file written, or (default) syncfs once
   * enough files were written for it to be the cheaper.
   */
  shutdownSync?: 'auto' | 'syncfs' | 'fsync';
}

const MB = 1024 * 1024;

export class LogManager {
  /**
   * Where fetches read from disk into (through a ReadBufferLease per response), shared by every fetch. Idle
   * buffers are capped so a burst of large fetches does not pin its peak memory; reads above 16 MiB (one
   * oversized first batch; partition reads are capped there otherwise) are not pooled.
   */
  readonly readBuffers: ReadBufferPool;
  private readonly logs = new Map<string, PartitionLog[]>();
  private mutations: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Topics with partitions created in this process whose log objects are built on first use (partition()). */
  private readonly unbuilt = new Map<string, { below: number; config: LogConfig }>();
  /** Background creation of new partitions' directories and files, per topic (see createPartitionLogs). */
  private readonly dirJobs = new Map<string, Promise<void>>();
  private shutdownSync: 'auto' | 'syncfs' | 'fsync' = 'auto';
  private readonly stored: StoredPartitions;
  private readonly maintenance: LogMaintenance;
  /** Forgets idle producers of every loaded partition on its own timer (producer-state-expiry.ts). */
  readonly producerExpiry: ProducerExpiry;

  private constructor(
    readonly dataDir: string,
    private readonly logger: Logger,
    private defaults: LogConfig,
    private readonly catalog: TopicCatalog,
    private readonly deps: PartitionLogDeps,
    private readonly fdPool: FdPool,
    /**
     * Where connections assemble large request frames, shared with the tail cache, whose views of appended batches
     * hold a reference to their frame (frame-pool.ts).
     */
    readonly frames: FramePool,
    cleanerOptions: CleanerOptions,
    readBufferPoolBytes: number,
  ) {
    this.readBuffers = new ReadBufferPool(readBufferPoolBytes, 16 * MB);
    const isClosed = (): boolean => this.closed;
    this.stored = new StoredPartitions({
      logger,
      isClosed,
      partitionList: (topic) => this.logs.get(topic),
      topic: (name) => catalog.get(name),
      load: (topic, partition) => this.loadPartition(topic, partition, true),
    });
    this.maintenance = new LogMaintenance(
      {
        logger,
        isClosed,
        partitionLists: () => [...this.logs.values()],
        storedTopics: () => this.stored.topics(),
        loadPartitions: (topic, partitions) => this.loadPartitions(topic, partitions),
        compacts: (topic) => this.compacts(topic),
      },
      cleanerOptions,
    );
    this.producerExpiry = new ProducerExpiry({ logger, logs: () => [...this.logs.values()].flat().filter((log) => log !== undefined) });
  }

  static async open(opts: LogManagerOptions): Promise<LogManager> {
    const dataDir = path.resolve(opts.dataDir);
    // Synchronous, as the lock taken next: a thread-pool round trip for one call costs more than the call.
    fs.mkdirSync(dataDir, { recursive: true });
    await lockDataDir(dataDir);
    try {
      return await LogManager.load(dataDir, opts);
    } catch (err) {
      await unlockDataDir(dataDir);
      throw err;
    }
  }

  private static async load(dataDir: string, opts: LogManagerOptions): Promise<LogManager> {
    const logger = opts.logger;
    const marker = path.join(dataDir, CLEAN_SHUTDOWN_FILE);
    // Independent reads, at once: each is a thread-pool round trip, which on a busy machine is a wait for a thread
    // to be scheduled, and a start made them one after another. One listing of the data directory (10,000 entries
    // with as many partitions) serves both checks.
    const [clean, entries, catalog, storedStartOffsets] = await Promise.all([
      exists(marker),
      fsp.readdir(dataDir, { withFileTypes: true }),
      TopicCatalog.load(dataDir),
      readStartOffsets(dataDir, logger),
    ]);
    await removeDeletedTopicDirs(dataDir, entries, logger);
    const startOffsets = await reconcileStartOffsets(storedStartOffsets, catalog);
    const fdPool = new FdPool(opts.maxOpenFiles ?? defaultOpenSegmentFiles(), opts.fileWriter);
    const frames = new FramePool(opts.frameBufferPoolBytes ?? 8 * MB);
    const deps: PartitionLogDeps = {
      resources: { fdPool, indexCache: new IndexCache(opts.indexCacheBytes ?? 64 * MB), logger, writeFaults: new WriteFaults() },
      tailBudget: new TailCacheBudget(opts.tailCacheBytes ?? 64 * MB, opts.tailCachePartitionBytes ?? 4 * MB, frames),
      producerIdExpirationMs: opts.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS,
      startOffsets,
    };
    const cleanerOptions: CleanerOptions = {
      logger,
      offsetMapBytes: opts.cleanerOffsetMapBytes ?? 64 * MB,
      maxBytesPerPass: opts.cleanerBytesPerPass ?? 256 * MB,
    };
    const readBufferPoolBytes = opts.readBufferPoolBytes ?? 32 * MB;
    const manager = new LogManager(
      dataDir,
      logger,
      opts.defaultConfig ?? DEFAULT_LOG_CONFIG,
      catalog,
      deps,
      fdPool,
      frames,
      cleanerOptions,
      readBufferPoolBytes,
    );
    manager.shutdownSync = opts.shutdownSync ?? 'auto';
    const started = Date.now();
    const jobs: { topic: TopicMetadata; partition: number }[] = [];
    for (const topic of catalog.list()) {
      manager.logs.set(topic.name, new Array<PartitionLog>(topic.partitions));
      // After a clean shutdown every partition is as it was closed: nothing to recover, so nothing is read now.
      if (clean && topic.partitions > 0) manager.stored.add(topic.name, topic.partitions);
      else for (let p = 0; p < topic.partitions; p++) jobs.push({ topic, partition: p });
    }
    // After a crash every partition is recovered before anything is served.
    await forEachLimited(jobs, LOAD_CONCURRENCY, async ({ topic, partition }) => {
      const log = await manager.loadPartition(topic, partition, clean);
      const list = manager.logs.get(topic.name);
      if (list !== undefined) list[partition] = log;
    });
    warnAboutOrphanDirs(dataDir, entries, catalog, logger);
    if (clean) {
      await fsp.rm(marker, { force: true });
      await fsyncDir(dataDir);
    }
    logger.info({ dataDir, topics: catalog.list().length, partitionsLoaded: jobs.length, clean, ms: Date.now() - started }, 'log manager opened');
    manager.maintenance.startRetentionTimer(opts.retentionCheckIntervalMs ?? 300000);
    manager.maintenance.startCleanerTimer(opts.cleanerBackoffMs ?? 15000);
    manager.producerExpiry.start(opts.producerIdExpirationCheckIntervalMs ?? 600000);
    return manager;
  }

  // ---- catalog queries ----------------------------------------------------------------------------------------

  topics(): readonly TopicMetadata[] {
    return this.catalog.list();
  }

  topic(name: string): TopicMetadata | undefined {
    return this.catalog.get(name);
  }

  topicById(topicId: string): TopicMetadata | undefined {
    return this.catalog.getById(topicId);
  }

  /**
   * The partition's log, built now if it was created in this process. A partition stored on disk at a clean start
   * is undefined here until loadPartitions loaded it: callers holding a request call that first.
   */
  partition(topic: string, partition: number): PartitionLog | undefined {
    const list = this.logs.get(topic);
    if (list === undefined) return undefined;
    const log = list[partition];
    if (log !== undefined) return log;
    if (partition < (this.stored.storedBelow(topic) ?? 0)) return undefined;
    const unbuilt = this.unbuilt.get(topic);
    if (unbuilt === undefined || !Number.isInteger(partition) || partition < 0 || partition >= unbuilt.below) return undefined;
    const created = PartitionLog.createEmpty({ dir: this.partitionDir(topic, partition), topic, partition, config: unbuilt.config, deps: this.deps });
    list[partition] = created;
    return created;
  }

  /** The partition's log if it is built, without building or loading it: monitoring reads only what is at hand. */
  builtPartition(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(topic)?.[partition];
  }

  /**
   * Loads those of `partitions` of `topic` that are stored on disk and not loaded yet; null when there are none,
   * so the common case costs no promise. A load that fails is logged and leaves the partition unloaded (the next
   * call tries again).
   */
  loadPartitions(topic: string, partitions: Iterable<number>): Promise<void> | null {
    return this.stored.load(topic, partitions);
  }

  /**
   * Bytes in the partition's segments; undefined when it does not exist. A partition stored at a clean start is
   * not loaded for this (DescribeLogDirs asks it of every partition): its segment files are whole, so their sizes
   * are its size.
   */
  async partitionSizeInBytes(topic: string, partition: number): Promise<number | undefined> {
    const log = this.partition(topic, partition);
    if (log !== undefined) return log.sizeInBytes();
    const storedBelow = this.stored.storedBelow(topic);
    if (storedBelow === undefined || !Number.isInteger(partition) || partition < 0 || partition >= storedBelow) return undefined;
    return segmentFilesSize(this.partitionDir(topic, partition));
  }

  /** The log of a partition, loading it first if it is stored and not loaded yet. */
  async loadedPartition(topic: string, partition: number): Promise<PartitionLog | undefined> {
    await this.loadPartitions(topic, [partition]);
    return this.partition(topic, partition);
  }

  /** How many partitions stored on disk are not loaded yet (tests and the bench look at it). */
  unloadedPartitionCount(): number {
    return this.stored.unloadedCount();
  }

  /** False once every partition stored at a clean start is loaded: request handlers then skip loadPartitions. */
  get hasUnloadedPartitions(): boolean {
    return this.stored.any;
  }

  /**
   * Drops every partition's cached newest batches (later reads of them go to disk); returns the bytes dropped.
   * For an idle broker: the cache serves consumers keeping up with producers, and those have caught up once the
   * load is over, while the views it holds pin whole produce requests' buffers in the C heap. The idle request
   * frame buffers go too (the next load allocates them again); the bytes dropped include them.
   */
  dropTailCaches(): number {
    const cached = this.deps.tailBudget.releaseAll();
    return cached + this.frames.dropIdle();
  }

  /** What the in-memory caches and buffer pools hold now, for /metrics. */
  memoryStats(): StorageMemoryStats {
    return {
      tailCacheHeldBytes: this.deps.tailBudget.heldBytes,
      requestFrames: { idleBytes: this.frames.idleBytes, allocations: this.frames.allocations },
      fetchReads: { idleBytes: this.readBuffers.idleBytes, allocations: this.readBuffers.allocations },
    };
  }

  /** Where the broker's fault injection makes segment writes fail (a full disk); unset, nothing fails. */
  get writeFaults(): WriteFaults {
    return this.deps.resources.writeFaults as WriteFaults;
  }

  /** Segment files currently held open (bounded by maxOpenFiles, whatever the partition count). */
  openFileCount(): number {
    return this.fdPool.openCount;
  }

  // ---- catalog changes ----------------------------------------------------------------------------------------

  createTopic(name: string, partitions: number, configs: Record<string, string> = {}): Promise<TopicMetadata> {
    return this.serialised(async () => {
      checkTopicName(name);
      if (this.catalog.get(name) !== undefined) throw new TopicExistsError(name);
      if (!Number.isInteger(partitions) || partitions < 1) throw new InvalidPartitionsError('Number of partitions must be larger than 0.');
      const config = logConfigFromProperties(configs, this.defaults);
      const topic: TopicMetadata = { name, topicId: newTopicId(), partitions, configs: { ...configs } };
      // A start offset left by an earlier topic of this name must not apply to the new one.
      if (this.deps.startOffsets.forgetTopic(name)) await this.deps.startOffsets.persist();
      // Catalog first: after a crash the partitions of a listed topic are created at load, never orphaned.
      this.catalog.put(topic);
      await this.catalog.save();
      this.logs.set(name, []);
      await this.createPartitionLogs(name, 0, partitions, config);
      this.logger.info({ topic: name, topicId: topic.topicId, partitions }, 'created topic');
      return this.catalog.get(name) ?? topic;
    });
  }

  deleteTopic(name: string): Promise<void> {
    return this.serialised(async () => {
      const topic = this.catalog.get(name);
      if (topic === undefined) throw new UnknownTopicError(name);
      await this.dirJobs.get(name);
      const list = this.logs.get(name) ?? [];
      this.logs.delete(name);
      this.unbuilt.delete(name);
      this.stored.forget(name);
      await this.stored.loadsOf(name);
      this.catalog.remove(name);
      await this.catalog.save();
      if (this.deps.startOffsets.forgetTopic(name)) await this.deps.startOffsets.persist();
      const tag = crypto().randomUUID().replace(/-/g, '');
      for (let p = 0; p < topic.partitions; p++) {
        await list[p]?.closeForDeletion();
        const dir = path.join(this.dataDir, partitionDirName(name, p));
        const doomed = `${dir}.${tag}${DELETE_DIR_SUFFIX}`;
        try {
          await fsp.rename(dir, doomed);
        } catch (err) {
          if (isNotFound(err)) continue;
          throw err;
        }
        await fsp.rm(doomed, { recursive: true, force: true });
      }
      this.logger.info({ topic: name, topicId: topic.topicId }, 'deleted topic');
    });
  }

  createPartitions(name: string, totalCount: number): Promise<void> {
    return this.serialised(async () => {
      const topic = this.catalog.get(name);
      if (topic === undefined) throw new UnknownTopicError(name);
      if (!Number.isInteger(totalCount) || totalCount <= topic.partitions) {
        throw new InvalidPartitionsError(`Topic currently has ${topic.partitions} partitions, which is higher than the requested ${totalCount}.`);
      }
      const config = logConfigFromProperties(topic.configs, this.defaults);
      if (this.deps.startOffsets.forgetTopic(name, (p) => p < topic.partitions)) await this.deps.startOffsets.persist();
      this.catalog.put({ ...topic, partitions: totalCount });
      await this.catalog.save();
      if (!this.logs.has(name)) this.logs.set(name, []);
      await this.createPartitionLogs(name, topic.partitions, totalCount, config);
      this.logger.info({ topic: name, from: topic.partitions, to: totalCount }, 'added partitions');
    });
  }

  /** Replaces the topic's overrides with `configs` (validated first) and applies them to its partitions now. */
  alterTopicConfigs(name: string, configs: Record<string, string>): Promise<void> {
    return this.serialised(async () => {
      const topic = this.catalog.get(name);
      if (topic === undefined) throw new UnknownTopicError(name);
      const config = logConfigFromProperties(configs, this.defaults);
      this.catalog.put({ ...topic, configs: { ...configs } });
      await this.catalog.save();
      for (const log of this.logs.get(name) ?? []) log?.setConfig(config);
      const unbuilt = this.unbuilt.get(name);
      if (unbuilt !== undefined) this.unbuilt.set(name, { ...unbuilt, config });
      this.logger.info({ topic: name, configs }, 'altered topic configs');
    });
  }

  /** The configs of a topic without overrides: the broker's defaults, which dynamic broker configs may change. */
  get defaultConfig(): LogConfig {
    return this.defaults;
  }

  /**
   * Replaces the broker's defaults and gives every partition the config it now resolves to, as Kafka's LogManager
   * does when a dynamic broker config changes: a topic's own overrides still win; retention, cleaning and segment
   * rolls use the new values from their next check.
   */
  reconfigureDefaults(defaults: LogConfig): Promise<void> {
    return this.serialised(() => {
      this.defaults = defaults;
      for (const topic of this.catalog.list()) {
        let config: LogConfig;
        try {
          config = logConfigFromProperties(topic.configs, defaults);
        } catch {
          config = defaults;
        }
        for (const log of this.logs.get(topic.name) ?? []) log?.setConfig(config);
        const unbuilt = this.unbuilt.get(topic.name);
        if (unbuilt !== undefined) this.unbuilt.set(topic.name, { ...unbuilt, config });
      }
      return Promise.resolve();
    });
  }

  /** producer.id.expiration.ms for every partition from its next snapshot on (Kafka changes it at run time too). */
  setProducerIdExpirationMs(ms: number): void {
    this.deps.producerIdExpirationMs = ms;
  }

  // ---- background work ----------------------------------------------------------------------------------------

  /** One retention and flush.ms pass over every partition (the timer runs this; tests may call it directly). */
  runBackgroundTasks(now: number = Date.now()): Promise<void> {
    return this.maintenance.runBackgroundTasks(now);
  }

  /** One log cleaner pass over the compacted partitions (the cleaner timer runs this; tests may call it directly). */
  runCleaner(now: number = Date.now()): Promise<CleaningStats[]> {
    return this.maintenance.runCleaner(now);
  }

  private compacts(name: string): boolean {
    const topic = this.catalog.get(name);
    if (topic === undefined) return false;
    try {
      return logConfigFromProperties(topic.configs, this.defaults).cleanupPolicy.compact;
    } catch {
      return this.defaults.cleanupPolicy.compact;
    }
  }

  // ---- shutdown -----------------------------------------------------------------------------------------------

  /** Finishes queued appends, persists indexes and checkpoints, fsyncs, closes files and marks a clean shutdown. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.maintenance.stopCleaning();
    this.producerExpiry.stop();
    await this.mutations.catch(() => undefined);
    await this.directoriesCreated();
    await this.maintenance.retentionSettled();
    await this.stored.settled();
    const started = Date.now();
    const all: PartitionLog[] = [];
    for (const list of this.logs.values()) for (const log of list) if (log !== undefined) all.push(log);
    const failures: unknown[] = [];
    const files: string[] = [];
    const dirs: string[] = [];
    // Partitions never loaded since a clean start are as that shutdown left them: nothing to do for them.
    await forEachLimited(all, LOAD_CONCURRENCY, (log) =>
      log.close().then(
        (written) => {
          files.push(...written.files);
          dirs.push(...written.dirs);
        },
        (err: unknown) => {
          failures.push(err);
          this.logger.error({ topic: log.topic, partition: log.partition, err }, 'partition did not close cleanly');
        },
      ),
    );
    await this.fdPool.closeAll();
    let method: string;
    try {
      if (failures.length > 0) throw failures[0];
      const startOffsets = this.deps.startOffsets;
      startOffsets.cancelScheduled();
      if (startOffsets.hasUnwrittenChanges) {
        await startOffsets.persist(false);
        files.push(startOffsets.path);
        dirs.push(this.dataDir);
      }
      // Kafka flushes every log and its indexes before marking a clean shutdown: everything the next start will
      // trust without recovery must be on stable storage before the marker is.
      const written: WrittenFiles = { files, dirs: [...new Set(dirs)] };
      method = await makeDurable(this.dataDir, written, this.logger, this.shutdownSync);
    } catch (err) {
      // No clean-shutdown marker: the next start recovers the logs instead of trusting files not known to be on disk.
      await unlockDataDir(this.dataDir);
      throw err;
    }
    await writeFileAtomic(path.join(this.dataDir, CLEAN_SHUTDOWN_FILE), '');
    await unlockDataDir(this.dataDir);
    this.logger.info(
      { dataDir: this.dataDir, partitions: all.length, filesWritten: files.length, sync: method, ms: Date.now() - started },
      'log manager closed cleanly',
    );
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private serialised<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new LogClosedError('The log manager is closed'));
    const run = this.mutations.then(
      () => op(),
      () => op(),
    );
    this.mutations = run.catch(() => undefined);
    return run;
  }

  private loadPartition(topic: TopicMetadata, partition: number, clean: boolean): Promise<PartitionLog> {
    let config: LogConfig;
    try {
      config = logConfigFromProperties(topic.configs, this.defaults);
    } catch (err) {
      // Stored overrides were valid when written; if a rule changed since, run on defaults rather than refuse to start.
      this.logger.warn({ topic: topic.name, err }, 'stored topic configs invalid; using defaults');
      config = this.defaults;
    }
    return this.loadPartitionWithConfig(topic.name, partition, config, clean);
  }

  /**
   * Makes partitions [from, to) of a topic the catalog already lists available without waiting for any file
   * work: like a Kafka broker creating logs after the controller committed the topic, each partition's directory and
   * empty first segment file are made in the background (makePartitionFiles, off the event loop), so that a
   * partition's first append only opens its file; a partition's log object is built on first use (partition()), and
   * one written to before its files exist makes them on that first append (LogSegment.deferred). Left-over
   * directories of an earlier topic of the same name are removed first, so a new topic never inherits records. A
   * crash before the files exist loses nothing: a listed partition without them loads as an empty log.
   */
  private async createPartitionLogs(topic: string, from: number, to: number, config: LogConfig): Promise<void> {
    await removeStaleDirs(this.dataDir, topic, from, to, this.logger);
    this.unbuilt.set(topic, { below: to, config });
    const previous = this.dirJobs.get(topic) ?? Promise.resolve();
    const job: Promise<void> = previous
      .then(() => makePartitionFiles(this.dataDir, topic, from, to, (p) => this.logs.get(topic)?.[p]?.awaitsFirstFile === false))
      .catch((err: unknown) => this.logger.error({ topic, err }, 'creating partition files failed; partitions make theirs on first append'))
      .finally(() => {
        if (this.dirJobs.get(topic) === job) this.dirJobs.delete(topic);
      });
    this.dirJobs.set(topic, job);
  }

  /**
   * Resolves once the background creation of partition directories and files (of `topic`, or of every topic) is done.
   * Deletion and shutdown wait for it; tests use it to look at the directories.
   */
  async directoriesCreated(topic?: string): Promise<void> {
    if (topic !== undefined) {
      await this.dirJobs.get(topic);
      return;
    }
    await Promise.all([...this.dirJobs.values()]);
  }

  private partitionDir(topic: string, partition: number): string {
    return path.join(this.dataDir, partitionDirName(topic, partition));
  }

  private loadPartitionWithConfig(topic: string, partition: number, config: LogConfig, clean: boolean): Promise<PartitionLog> {
    return PartitionLog.load({ dir: this.partitionDir(topic, partition), topic, partition, config, clean, deps: this.deps });
  }
}
