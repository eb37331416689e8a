// Topic administration with Kafka's rules: name checks, partition and replication-factor checks, config
// validation, auto-creation. Storage owns the files and the persisted catalog; this layer owns the policy.
import { InvalidConfigError, TopicConfigKeys, validateTopicConfigs } from '../../storage';
import type { ConfigKey, LogManager, TopicMetadata } from '../../storage';
import { BrokerConfig, BrokerConfigKeys } from '../config/broker-config';
import { DescribedConfig, describeTopicConfig } from '../config/config-sources';
import { TOPIC_CONFIGS } from '../config/topic-configs';
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import { topicNameProblem } from './topic-names';
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

  /** Validates without creating; throws KafkaError with Kafka's code and message. Returns the resolved shape. */
  validateCreate(req: CreateTopicRequest): { partitions: number; replicationFactor: number } {
    const problem = topicNameProblem(req.name);
    if (problem) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (this.logs.topic(req.name)) {
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${req.name}' already exists.`);
    }
    const hasAssignments = (req.assignments?.length ?? 0) > 0;
    if (hasAssignments && (req.numPartitions !== -1 || req.replicationFactor !== -1)) {
      throw new KafkaError(
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      );
    }
    let partitions = req.numPartitions === -1 ? this.config.get(BrokerConfigKeys.NUM_PARTITIONS) : req.numPartitions;
    let replicationFactor = req.replicationFactor === -1 ? this.config.get(BrokerConfigKeys.DEFAULT_REPLICATION_FACTOR) : req.replicationFactor;
    if (hasAssignments) {
      const assignments = req.assignments ?? [];
      partitions = assignments.length;
      replicationFactor = assignments[0].brokerIds.length;
      for (const a of assignments) {
        if (a.brokerIds.some((id) => id !== this.config.nodeId) || a.brokerIds.length !== 1) {
          throw new KafkaError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `Invalid replica assignment for partition ${a.partitionIndex}: only broker ${this.config.nodeId} exists.`,
          );
        }
      }
    }
    if (partitions <= 0) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
    if (replicationFactor <= 0) {
      throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
    }
    if (replicationFactor > 1) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered or some brokers have all their log directories cordoned.`,
      );
    }
    this.validateConfigs(req.configs);
    return { partitions, replicationFactor };
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
