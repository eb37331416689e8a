// Topic administration with Kafka's rules: name checks, partition and replication-factor checks, config
// validation, auto-creation. Storage owns the files and the persisted catalog; this layer owns the policy.
import { InvalidConfigError, TopicConfigKeys, validateTopicConfigs } from '../../storage';
import type { ConfigKey, LogManager, TopicMetadata } from '../../storage';
import { BrokerConfig, BrokerConfigKeys } from '../config/broker-config';
import { DescribedConfig, describeTopicConfig } from '../config/config-sources';
import { TOPIC_CONFIGS } from '../config/topic-configs';
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import { topicNameProblem } from './topic-names';
import { compressionTargetOf, type CompressionTarget } from '../../codecs/records/batch-recompress';
import { ZERO_UUID } from '../../codecs/protocol/uuid';
import type { Logger } from '../logger';

export interface CreateTopicRequest {
  readonly name: string;
  /** -1 means num.partitions */
  readonly numPartitions: number;
  /** -1 means default.replication.factor */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  /** Explicit assignments, partition -> broker ids; only this node's id is accepted. */
  readonly assignments?: ReadonlyArray<{ partitionIndex: number; brokerIds: readonly number[] }>;
}

/** The topic configs every Produce request needs for each partition, resolved once per topic (produceSettings()). */
export interface ProduceSettings {
  readonly maxMessageBytes: number;
  /** message.timestamp.before.max.ms / after.max.ms as numbers (Long.MAX becomes ~9.2e18, still "unlimited") */
  readonly timestampBeforeMaxMs: number;
  readonly timestampAfterMaxMs: number;
  /** compression.type with its level when it names a codec (batches of other codecs are rebuilt); null: 'producer' */
  readonly compression: CompressionTarget | null;
}

/** A topic a request named, or the code Kafka answers for each of its partitions when there is none. */
export interface TopicRef {
  readonly topic: TopicMetadata | undefined;
  readonly missingCode: number;
}

export class TopicService {
  /**
   * Keyed by the catalog's metadata object, which storage replaces whenever a topic's configs or partitions
   * change, so an altered topic gets fresh settings; the broker config's revision covers broker-level defaults.
   */
  private readonly produceSettingsCache = new WeakMap<TopicMetadata, { revision: number; settings: ProduceSettings }>();

  constructor(
    private readonly logs: LogManager,
    private readonly config: BrokerConfig,
    private readonly logger: Logger,
  ) {}

  get(name: string): TopicMetadata | undefined {
    return this.logs.topic(name);
  }

  /** The topic with this id (requests of versions that name topics by id). */
  byId(topicId: string): TopicMetadata | undefined {
    return this.logs.topicById(topicId);
  }

  /** A topic by name, or by id when the request version carries ids (the name is then empty or null). */
  find(name: string | null, topicId: string | undefined, byId: boolean): TopicRef {
    if (byId && topicId !== undefined && topicId !== ZERO_UUID) {
      return { topic: this.logs.topicById(topicId), missingCode: ErrorCode.UNKNOWN_TOPIC_ID };
    }
    return { topic: name === null ? undefined : this.logs.topic(name), missingCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  }

  all(): readonly TopicMetadata[] {
    return this.logs.topics();
  }

  /**
   * Validates without creating, in the order of Kafka's controller: the name (and its collisions), existence, the
   * configs, then the shape (manual assignment or partition count and replication factor). Throws KafkaError with
   * Kafka's code and message; returns the resolved shape.
   */
  validateCreate(req: CreateTopicRequest): { partitions: number; replicationFactor: number } {
    const problem = topicNameProblem(req.name);
    if (problem) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (this.logs.topic(req.name)) {
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${req.name}' already exists.`);
    }
    const colliding = this.collidingTopic(req.name);
    if (colliding !== undefined) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${req.name}' collides with existing topic: ${colliding}`);
    this.validateConfigs(req.configs);
    const assignments = req.assignments ?? [];
    if (assignments.length > 0) return this.validateAssignments(req, assignments);
    if (req.replicationFactor < -1 || req.replicationFactor === 0) {
      throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
    }
    if (req.numPartitions < -1 || req.numPartitions === 0) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
    }
    const partitions = req.numPartitions === -1 ? this.config.get(BrokerConfigKeys.NUM_PARTITIONS) : req.numPartitions;
    const replicationFactor = req.replicationFactor === -1 ? this.config.get(BrokerConfigKeys.DEFAULT_REPLICATION_FACTOR) : req.replicationFactor;
    if (replicationFactor > 1) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered or some brokers have all their log directories cordoned.`,
      );
    }
    return { partitions, replicationFactor };
  }

  /** Kafka refuses a name that differs from an existing one only by '.' against '_': their metric names would clash. */
  private collidingTopic(name: string): string | undefined {
    if (!/[._]/.test(name)) return undefined;
    const unified = name.replace(/\./g, '_');
    return this.logs.topics().find((t) => t.name.replace(/\./g, '_') === unified)?.name;
  }

  /** A manual assignment, checked as Kafka's controller does, with this node as the only registered broker. */
  private validateAssignments(
    req: CreateTopicRequest,
    assignments: ReadonlyArray<{ partitionIndex: number; brokerIds: readonly number[] }>,
  ): { partitions: number; replicationFactor: number } {
    const invalid = (message: string): KafkaError => new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
    if (req.replicationFactor !== -1) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.');
    }
    if (req.numPartitions !== -1) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.');
    }
    const seen = new Set<number>();
    let replicationFactor: number | undefined;
    for (const a of assignments) {
      if (seen.has(a.partitionIndex)) throw invalid(`Found multiple manual partition assignments for partition ${a.partitionIndex}`);
      seen.add(a.partitionIndex);
      this.checkReplicaList(a.brokerIds, replicationFactor);
      replicationFactor = a.brokerIds.length;
    }
    for (let i = 0; i < seen.size; i++) if (!seen.has(i)) throw invalid('partitions should be a consecutive 0-based integer sequence');
    return { partitions: assignments.length, replicationFactor: replicationFactor ?? 1 };
  }

  /** One partition's replicas in a manual assignment (CreateTopics and CreatePartitions), with Kafka's messages. */
  checkReplicaList(brokerIds: readonly number[], replicationFactor?: number): void {
    const invalid = (message: string): KafkaError => new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
    if (brokerIds.length === 0) throw invalid('The manual partition assignment includes an empty replica list.');
    const sorted = [...brokerIds].sort((a, b) => a - b);
    sorted.forEach((id, i) => {
      if (id !== this.config.nodeId) throw invalid(`The manual partition assignment includes broker ${id}, but no such broker is registered.`);
      if (i > 0 && sorted[i - 1] === id) throw invalid(`The manual partition assignment includes the broker ${id} more than once.`);
    });
    if (replicationFactor !== undefined && sorted.length !== replicationFactor) {
      throw invalid(
        `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
      );
    }
  }

  validateConfigs(configs: Readonly<Record<string, string>>): void {
    try {
      validateTopicConfigs(configs);
    } catch (err) {
      if (err instanceof InvalidConfigError) throw new KafkaError(ErrorCode.INVALID_CONFIG, err.message);
      throw err;
    }
  }

  async create(req: CreateTopicRequest): Promise<TopicMetadata> {
    const { partitions } = this.validateCreate(req);
    // Storage logs the creation (name, id, partitions).
    return this.logs.createTopic(req.name, partitions, { ...req.configs });
  }

  /**
   * Resolves once the new partitions of `names` have their directories and first segment files (made in the
   * background by storage), or after `timeoutMs`, the request's timeout (0: at once). CreateTopics and
   * CreatePartitions answer after it, as a Kafka broker serves a new partition once its log exists: a client's first
   * write to each partition then only opens a file, where making one costs the disk's journal about a millisecond
   * (paid per partition, one after another, by a producer's first batches otherwise).
   */
  async partitionFilesMade(names: readonly string[], timeoutMs: number): Promise<void> {
    if (names.length === 0 || timeoutMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    try {
      await Promise.race([Promise.all(names.map((name) => this.logs.directoriesCreated(name))), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  get autoCreateEnabled(): boolean {
    return this.config.get(BrokerConfigKeys.AUTO_CREATE_TOPICS_ENABLE);
  }

  /** Creates the topic with broker defaults if auto-creation is on; returns undefined when it may not. */
  async autoCreate(name: string): Promise<TopicMetadata | undefined> {
    const existing = this.logs.topic(name);
    if (existing) return existing;
    if (!this.autoCreateEnabled || topicNameProblem(name) !== null) return undefined;
    try {
      return await this.create({ name, numPartitions: -1, replicationFactor: -1, configs: {} });
    } catch (err) {
      // Two requests may race to auto-create the same topic; the loser sees it existing.
      const now = this.logs.topic(name);
      if (now) return now;
      throw err;
    }
  }

  /** A topic config's effective value and where it comes from: the topic's override, else the broker's synonyms, else the default. */
  resolveConfig(topic: Pick<TopicMetadata, 'configs'> | undefined, key: ConfigKey<unknown>): DescribedConfig {
    return describeTopicConfig(this.config, topic?.configs ?? {}, key);
  }

  /** What Produce checks each partition's records against, without resolving configs per partition and request. */
  produceSettings(topic: TopicMetadata): ProduceSettings {
    const revision = this.config.revision;
    const cached = this.produceSettingsCache.get(topic);
    if (cached !== undefined && cached.revision === revision) return cached.settings;
    const settings: ProduceSettings = {
      maxMessageBytes: this.numericConfig(topic, TopicConfigKeys.MAX_MESSAGE_BYTES),
      timestampBeforeMaxMs: this.numericConfig(topic, TopicConfigKeys.MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
      timestampAfterMaxMs: this.numericConfig(topic, TopicConfigKeys.MESSAGE_TIMESTAMP_AFTER_MAX_MS),
      compression: compressionTargetOf(this.resolveConfig(topic, TopicConfigKeys.COMPRESSION_TYPE).value, {
        gzip: this.numericConfig(topic, TopicConfigKeys.COMPRESSION_GZIP_LEVEL),
        lz4: this.numericConfig(topic, TopicConfigKeys.COMPRESSION_LZ4_LEVEL),
        zstd: this.numericConfig(topic, TopicConfigKeys.COMPRESSION_ZSTD_LEVEL),
      }),
    };
    this.produceSettingsCache.set(topic, { revision, settings });
    return settings;
  }

  resolveAllConfigs(topic: Pick<TopicMetadata, 'configs'>): DescribedConfig[] {
    return TOPIC_CONFIGS.map((key) => this.resolveConfig(topic, key));
  }

  /** Numeric topic config; "Long.MAX" style values become Infinity-safe JS numbers (precision is irrelevant there). */
  numericConfig(topic: TopicMetadata | undefined, key: ConfigKey<number>): number {
    return Number(this.resolveConfig(topic, key).value ?? '0');
  }

  /** Grows a topic to `totalCount` partitions (CreatePartitions validated the request). */
  async createPartitions(name: string, totalCount: number): Promise<void> {
    const before = this.logs.topic(name)?.partitions;
    await this.logs.createPartitions(name, totalCount);
    this.logger.info({ topic: name, from: before, to: totalCount }, 'partitions added');
  }

  /** Replaces a topic's config overrides (AlterConfigs and IncrementalAlterConfigs validated them). */
  async alterConfigs(name: string, configs: Record<string, string>): Promise<void> {
    await this.logs.alterTopicConfigs(name, configs);
    this.logger.info({ topic: name, configs }, 'topic configs changed');
  }

  async delete(name: string): Promise<void> {
    if (!this.logs.topic(name)) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    await this.logs.deleteTopic(name);
    this.logger.info({ topic: name }, 'topic deleted');
  }
}
