// Broker configuration: one definition per Kafka broker key (name, type, default, validator, documentation,
// whether Kafka lets it change at run time), parsed from `--config key=value`, EDDY_* environment variables and the
// CLI's own flags. The `log.*` defaults for topics are derived from storage's topic keys, not written again. Eddy
// differs from Kafka's defaults only where a single-node dev broker needs it; each such difference is marked
// "Eddy default". Code reads values through the typed keys: `config.get(BrokerConfigKeys.NUM_PARTITIONS)`.
import {
  atLeast,
  booleanKey,
  ConfigKey,
  intKey,
  keysByName,
  listKey,
  longKey,
  oneOf,
  passwordKey,
  renamedKey,
  shortKey,
  stringKey,
  TopicConfigKeys as Topic,
} from '../../storage';
import { BrokerTuningKeys } from './broker-tuning-keys';
import { BrokerMemoryKeys } from './broker-memory-keys';

/** The broker-wide default of a topic key: its type, validator and default, under the broker's name. */
function defaultFor<T, D extends KafkaDefault = 'same default'>(
  topicKey: ConfigKey<T>,
  name: string,
  kafkaDefault?: D,
): ConfigKey<D extends 'no default' ? T | null : T> {
  const defaultValue = kafkaDefault === 'no default' ? null : topicKey.defaultValue;
  const doc = `Default of the topic config ${topicKey.name} for topics that do not set it. ${topicKey.doc}`;
  return renamedKey(topicKey, { name, defaultValue, doc, dynamic: true, legacy: false, synonymOf: { topic: topicKey.name, msPerUnit: 1 } });
}
type KafkaDefault = 'no default' | 'same default';

/** A coarser unit of a topic key's default (hours, minutes): read-only in Kafka, and used only when finer ones are unset. */
function inUnits(key: ConfigKey<number | null>, topicKey: ConfigKey<unknown>, msPerUnit: number): ConfigKey<number | null> {
  return { ...key, synonymOf: { topic: topicKey.name, msPerUnit } };
}

const HOUR_MS = 3_600_000;

export const BrokerConfigKeys = {
  NODE_ID: intKey('node.id', 1, 'Id of this node in the cluster.', atLeast(0)), // Eddy default (Kafka: none)
  BROKER_ID: intKey('broker.id', 1, 'Older name of node.id.'),
  PROCESS_ROLES: listKey('process.roles', 'broker,controller', 'Roles this node plays; Eddy is always both broker and controller.'),
  LISTENERS: listKey('listeners', 'PLAINTEXT://127.0.0.1:9092', 'Addresses the broker binds, as NAME://host:port.'), // Eddy default
  ADVERTISED_LISTENERS: listKey('advertised.listeners', null, 'Addresses given to clients, per listener name, when they differ from the bound ones.'),
  LISTENER_SECURITY_PROTOCOL_MAP: listKey(
    'listener.security.protocol.map',
    'SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'Security protocol of each listener name; names it leaves out are PLAINTEXT unless it is set explicitly.',
  ),
  BROKER_RACK: stringKey('broker.rack', null, 'Rack of this broker, given to clients in Metadata and DescribeCluster (rack-aware consumers use it).'),
  LOG_DIRS: listKey('log.dirs', './data', 'Directories that hold the partition logs; Eddy uses the first.'), // Eddy default (Kafka: /tmp/kraft-combined-logs)
  LOG_DIR: stringKey('log.dir', './data', 'Log directory used when log.dirs is not set.'),
  // Neither is in Kafka 4.3.1's dynamic broker configs (DescribeConfigs reports both read-only); the factor is an INT there.
  NUM_PARTITIONS: intKey('num.partitions', 1, 'Partitions of a topic created without a count (auto-created topics too).', atLeast(1)),
  DEFAULT_REPLICATION_FACTOR: intKey('default.replication.factor', 1, 'Replication factor of a topic created without one.', atLeast(1)),
  AUTO_CREATE_TOPICS_ENABLE: booleanKey('auto.create.topics.enable', true, 'Whether Metadata and Produce requests create unknown topics.'),
  DELETE_TOPIC_ENABLE: booleanKey('delete.topic.enable', true, 'Whether DeleteTopics may delete topics.'),
  MESSAGE_MAX_BYTES: defaultFor(Topic.MAX_MESSAGE_BYTES, 'message.max.bytes'),
  SOCKET_REQUEST_MAX_BYTES: intKey('socket.request.max.bytes', 104857600, 'Largest request frame a connection may send.', atLeast(1)),
  SOCKET_SEND_BUFFER_BYTES: intKey('socket.send.buffer.bytes', 102400, 'Socket send buffer size; -1 keeps the system default.'),
  SOCKET_RECEIVE_BUFFER_BYTES: intKey('socket.receive.buffer.bytes', 102400, 'Socket receive buffer size; -1 keeps the system default.'),
  QUOTA_WINDOW_NUM: intKey('quota.window.num', 11, 'Windows a client quota rate is measured over.', atLeast(1)),
  QUOTA_WINDOW_SIZE_SECONDS: intKey('quota.window.size.seconds', 1, 'Length of each client quota window, in seconds.', atLeast(1)),
  CONNECTIONS_MAX_IDLE_MS: longKey('connections.max.idle.ms', 600000, 'Idle time after which the broker closes a connection.'),
  MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS: intKey(
    'max.incremental.fetch.session.cache.slots',
    1000,
    'Most incremental fetch sessions the broker keeps, split evenly over 8 shards that each evict on their own.',
    atLeast(0),
  ),
  // Enforced by src/network/connection-quotas.ts; each may also be set per listener (listener.name.<name>.<key>).
  MAX_CONNECTIONS: intKey('max.connections', 2147483647, 'Most connections the broker accepts at once; more wait to be accepted.', 'dynamic', atLeast(0)),
  MAX_CONNECTIONS_PER_IP: intKey('max.connections.per.ip', 2147483647, 'Most connections from one address; one more is closed at once.', 'dynamic', atLeast(0)),
  MAX_CONNECTIONS_PER_IP_OVERRIDES: stringKey(
    'max.connections.per.ip.overrides',
    '',
    'Per-address limits overriding max.connections.per.ip, as host:count pairs separated by commas.',
    'dynamic',
  ),
  MAX_CONNECTION_CREATION_RATE: intKey(
    'max.connection.creation.rate',
    2147483647,
    'Most new connections per second, broker-wide; over it, accepting waits.',
    'dynamic',
    atLeast(0),
  ),
  COMPRESSION_TYPE: defaultFor(Topic.COMPRESSION_TYPE, 'compression.type'),
  COMPRESSION_GZIP_LEVEL: defaultFor(Topic.COMPRESSION_GZIP_LEVEL, 'compression.gzip.level'),
  COMPRESSION_LZ4_LEVEL: defaultFor(Topic.COMPRESSION_LZ4_LEVEL, 'compression.lz4.level'),
  COMPRESSION_ZSTD_LEVEL: defaultFor(Topic.COMPRESSION_ZSTD_LEVEL, 'compression.zstd.level'),
  LOG_CLEANUP_POLICY: defaultFor(Topic.CLEANUP_POLICY, 'log.cleanup.policy'),
  LOG_CLEANER_DELETE_RETENTION_MS: defaultFor(Topic.DELETE_RETENTION_MS, 'log.cleaner.delete.retention.ms'),
  LOG_CLEANER_ENABLE: booleanKey('log.cleaner.enable', true, 'Whether compacted topics are cleaned.'),
  LOG_CLEANER_BACKOFF_MS: longKey('log.cleaner.backoff.ms', 15000, 'Pause of the cleaner when no partition needs cleaning.', 'dynamic', atLeast(0)),
  LOG_CLEANER_MIN_CLEANABLE_RATIO: defaultFor(Topic.MIN_CLEANABLE_DIRTY_RATIO, 'log.cleaner.min.cleanable.ratio'),
  LOG_CLEANER_MIN_COMPACTION_LAG_MS: defaultFor(Topic.MIN_COMPACTION_LAG_MS, 'log.cleaner.min.compaction.lag.ms'),
  LOG_CLEANER_MAX_COMPACTION_LAG_MS: defaultFor(Topic.MAX_COMPACTION_LAG_MS, 'log.cleaner.max.compaction.lag.ms'),
  LOG_FLUSH_INTERVAL_MESSAGES: defaultFor(Topic.FLUSH_MESSAGES, 'log.flush.interval.messages'),
  LOG_FLUSH_INTERVAL_MS: defaultFor(Topic.FLUSH_MS, 'log.flush.interval.ms', 'no default'),
  LOG_INDEX_INTERVAL_BYTES: defaultFor(Topic.INDEX_INTERVAL_BYTES, 'log.index.interval.bytes'),
  LOG_INDEX_SIZE_MAX_BYTES: defaultFor(Topic.SEGMENT_INDEX_BYTES, 'log.index.size.max.bytes'),
  LOG_LOCAL_RETENTION_BYTES: defaultFor(Topic.LOCAL_RETENTION_BYTES, 'log.local.retention.bytes'),
  LOG_LOCAL_RETENTION_MS: defaultFor(Topic.LOCAL_RETENTION_MS, 'log.local.retention.ms'),
  LOG_MESSAGE_TIMESTAMP_TYPE: defaultFor(Topic.MESSAGE_TIMESTAMP_TYPE, 'log.message.timestamp.type'),
  LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS: defaultFor(Topic.MESSAGE_TIMESTAMP_AFTER_MAX_MS, 'log.message.timestamp.after.max.ms'),
  LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS: defaultFor(Topic.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, 'log.message.timestamp.before.max.ms'),
  LOG_PREALLOCATE: defaultFor(Topic.PREALLOCATE, 'log.preallocate'),
  LOG_RETENTION_BYTES: defaultFor(Topic.RETENTION_BYTES, 'log.retention.bytes'),
  // Kafka's order: the finest unit that is set wins.
  LOG_RETENTION_MS: defaultFor(Topic.RETENTION_MS, 'log.retention.ms', 'no default'),
  LOG_RETENTION_MINUTES: inUnits(
    intKey('log.retention.minutes', null, 'Retention in minutes, used when log.retention.ms is not set.'),
    Topic.RETENTION_MS,
    60_000,
  ),
  LOG_RETENTION_HOURS: inUnits(
    intKey('log.retention.hours', 168, 'Retention in hours, used when neither ms nor minutes are set.'),
    Topic.RETENTION_MS,
    HOUR_MS,
  ),
  LOG_RETENTION_CHECK_INTERVAL_MS: longKey('log.retention.check.interval.ms', 300000, 'How often retention looks for segments to delete.', atLeast(1)),
  LOG_ROLL_MS: defaultFor(Topic.SEGMENT_MS, 'log.roll.ms', 'no default'),
  LOG_ROLL_HOURS: inUnits(intKey('log.roll.hours', 168, 'Segment roll age in hours, used when log.roll.ms is not set.', atLeast(1)), Topic.SEGMENT_MS, HOUR_MS),
  LOG_ROLL_JITTER_MS: defaultFor(Topic.SEGMENT_JITTER_MS, 'log.roll.jitter.ms', 'no default'),
  LOG_ROLL_JITTER_HOURS: inUnits(
    intKey('log.roll.jitter.hours', 0, 'Roll jitter in hours, used when log.roll.jitter.ms is not set.', atLeast(0)),
    Topic.SEGMENT_JITTER_MS,
    HOUR_MS,
  ),
  LOG_SEGMENT_BYTES: defaultFor(Topic.SEGMENT_BYTES, 'log.segment.bytes'),
  LOG_SEGMENT_DELETE_DELAY_MS: defaultFor(Topic.FILE_DELETE_DELAY_MS, 'log.segment.delete.delay.ms'),
  MIN_INSYNC_REPLICAS: defaultFor(Topic.MIN_INSYNC_REPLICAS, 'min.insync.replicas'),
  OFFSETS_TOPIC_NUM_PARTITIONS: intKey('offsets.topic.num.partitions', 50, 'Partitions of __consumer_offsets when it is created.', atLeast(1)),
  OFFSETS_TOPIC_REPLICATION_FACTOR: shortKey('offsets.topic.replication.factor', 1, 'Replication factor of __consumer_offsets.', atLeast(1)), // Eddy default (Kafka: 3)
  OFFSETS_TOPIC_SEGMENT_BYTES: intKey(
    'offsets.topic.segment.bytes',
    104857600,
    'Segment size of __consumer_offsets, small so it compacts and loads quickly.',
    atLeast(1),
  ),
  OFFSETS_TOPIC_COMPRESSION_CODEC: intKey(
    'offsets.topic.compression.codec',
    0,
    'Codec id Kafka compresses the group coordinator records with (0 = none); Eddy writes them uncompressed.',
  ),
  OFFSETS_RETENTION_MINUTES: intKey('offsets.retention.minutes', 10080, 'How long committed offsets of an empty group are kept.', atLeast(1)),
  OFFSETS_RETENTION_CHECK_INTERVAL_MS: longKey('offsets.retention.check.interval.ms', 600000, 'How often expired offsets are looked for.', atLeast(1)),
  OFFSET_METADATA_MAX_BYTES: intKey('offset.metadata.max.bytes', 4096, 'Largest metadata string an offset commit may carry.'),
  // Eddy default: no initial rebalance delay, so a lone dev consumer starts at once (Kafka: 3000).
  GROUP_INITIAL_REBALANCE_DELAY_MS: intKey(
    'group.initial.rebalance.delay.ms',
    0,
    'Wait for more members before the first rebalance of a new group.',
    atLeast(0),
  ),
  GROUP_MIN_SESSION_TIMEOUT_MS: intKey('group.min.session.timeout.ms', 6000, 'Shortest session timeout a classic group member may ask for.'),
  GROUP_MAX_SESSION_TIMEOUT_MS: intKey('group.max.session.timeout.ms', 1800000, 'Longest session timeout a classic group member may ask for.'),
  GROUP_MAX_SIZE: intKey('group.max.size', 2147483647, 'Most members a classic group may have.', atLeast(1)),
  GROUP_CONSUMER_SESSION_TIMEOUT_MS: intKey('group.consumer.session.timeout.ms', 45000, 'Session timeout of members of consumer (KIP-848) groups.', atLeast(1)),
  GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS: intKey(
    'group.consumer.heartbeat.interval.ms',
    5000,
    'Heartbeat interval asked of consumer (KIP-848) group members.',
    atLeast(1),
  ),
  GROUP_CONSUMER_MAX_SIZE: intKey('group.consumer.max.size', 2147483647, 'Most members a consumer (KIP-848) group may have.', atLeast(1)),
  GROUP_CONSUMER_MIGRATION_POLICY: stringKey(
    'group.consumer.migration.policy',
    'bidirectional',
    'Online conversion of a classic group with members to a consumer group and back: bidirectional, upgrade, downgrade or disabled.',
    (value) =>
      ['bidirectional', 'upgrade', 'downgrade', 'disabled'].includes(String(value).toLowerCase())
        ? null
        : 'String must be one of (case insensitive): bidirectional, upgrade, downgrade, disabled',
  ),
  TRANSACTION_STATE_LOG_NUM_PARTITIONS: intKey('transaction.state.log.num.partitions', 50, 'Partitions of __transaction_state when it is created.', atLeast(1)),
  TRANSACTION_STATE_LOG_REPLICATION_FACTOR: shortKey('transaction.state.log.replication.factor', 1, 'Replication factor of __transaction_state.', atLeast(1)), // Eddy default (Kafka: 3)
  TRANSACTION_STATE_LOG_SEGMENT_BYTES: intKey(
    'transaction.state.log.segment.bytes',
    104857600,
    'Segment size of __transaction_state, small so it compacts and loads quickly.',
    atLeast(1),
  ),
  TRANSACTION_STATE_LOG_MIN_ISR: intKey('transaction.state.log.min.isr', 1, 'The min.insync.replicas written into __transaction_state.', atLeast(1)), // Eddy default (Kafka: 2)
  TRANSACTION_MAX_TIMEOUT_MS: intKey('transaction.max.timeout.ms', 900000, 'Longest transaction timeout a producer may ask for.', atLeast(1)),
  TRANSACTIONAL_ID_EXPIRATION_MS: intKey('transactional.id.expiration.ms', 604800000, 'Idle time after which a transactional id is forgotten.', atLeast(1)),
  PRODUCER_ID_EXPIRATION_MS: intKey('producer.id.expiration.ms', 86400000, 'Idle time after which an idempotent producer id is forgotten.', 'dynamic'),
  PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS: intKey(
    'producer.id.expiration.check.interval.ms',
    600000,
    'How often partitions look for producer ids past producer.id.expiration.ms.',
    atLeast(1),
  ),
  TRANSACTION_REMOVE_EXPIRED_TRANSACTION_CLEANUP_INTERVAL_MS: intKey(
    'transaction.remove.expired.transaction.cleanup.interval.ms',
    3600000,
    'How often transactional ids past transactional.id.expiration.ms are removed.',
    atLeast(1),
  ),
  TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS: intKey(
    'transaction.abort.timed.out.transaction.cleanup.interval.ms',
    10000,
    'How often transactions past their timeout are aborted.',
    atLeast(1),
  ),
  UNCLEAN_LEADER_ELECTION_ENABLE: defaultFor(Topic.UNCLEAN_LEADER_ELECTION_ENABLE, 'unclean.leader.election.enable'),
  // Security (src/security/): each key may also be set for one listener as listener.name.<listener>.<key>.
  SASL_ENABLED_MECHANISMS: listKey(
    'sasl.enabled.mechanisms',
    'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    'SASL mechanisms a SASL listener accepts: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER.',
  ), // Eddy default (Kafka: GSSAPI, which Eddy does not serve)
  SASL_SERVER_MAX_RECEIVE_SIZE: intKey('sasl.server.max.receive.size', 524288, 'Largest frame accepted before authentication.', atLeast(1)),
  CONNECTIONS_MAX_REAUTH_MS: longKey(
    'connections.max.reauth.ms',
    0,
    'Longest session of a SASL connection before it must re-authenticate; 0 for none.',
    atLeast(0),
  ),
  SSL_KEYSTORE_TYPE: stringKey('ssl.keystore.type', 'JKS', 'PEM or PKCS12 (JKS is not read; when unset, the file says which of the two it is).'),
  SSL_KEYSTORE_LOCATION: stringKey('ssl.keystore.location', null, 'Key store file: PEM (private key and certificate chain) or PKCS12.'),
  SSL_KEYSTORE_PASSWORD: passwordKey('ssl.keystore.password', null, 'Password of the PKCS12 key store.'),
  SSL_KEY_PASSWORD: passwordKey('ssl.key.password', null, 'Password of an encrypted private key.'),
  SSL_KEYSTORE_CERTIFICATE_CHAIN: passwordKey('ssl.keystore.certificate.chain', null, 'PEM certificate chain, given inline (ssl.keystore.type=PEM).'),
  SSL_KEYSTORE_KEY: passwordKey('ssl.keystore.key', null, 'PEM private key, given inline (ssl.keystore.type=PEM).'),
  SSL_TRUSTSTORE_TYPE: stringKey('ssl.truststore.type', 'JKS', 'PEM or PKCS12 (JKS is not read; when unset, the file says which of the two it is).'),
  SSL_TRUSTSTORE_LOCATION: stringKey('ssl.truststore.location', null, 'Trust store file: PEM certificates or PKCS12.'),
  SSL_TRUSTSTORE_PASSWORD: passwordKey('ssl.truststore.password', null, 'Password of the PKCS12 trust store.'),
  SSL_TRUSTSTORE_CERTIFICATES: passwordKey('ssl.truststore.certificates', null, 'PEM trusted certificates, given inline (ssl.truststore.type=PEM).'),
  SSL_CLIENT_AUTH: stringKey(
    'ssl.client.auth',
    'none',
    'Whether TLS clients must (required), may (requested) or need not (none) present a certificate.',
    oneOf('required', 'requested', 'none'),
  ),
  SSL_PRINCIPAL_MAPPING_RULES: stringKey('ssl.principal.mapping.rules', 'DEFAULT', 'Rules mapping a client certificate subject to a principal name.'),
  SSL_ENABLED_PROTOCOLS: listKey('ssl.enabled.protocols', 'TLSv1.2,TLSv1.3', 'TLS versions accepted.'),
  SASL_OAUTHBEARER_JWKS_ENDPOINT_URL: stringKey(
    'sasl.oauthbearer.jwks.endpoint.url',
    null,
    'JWKS that OAUTHBEARER tokens are verified against (Eddy reads a file: or file:// URL); unset: unsecured tokens as Kafka accepts by default.',
  ),
  SASL_OAUTHBEARER_EXPECTED_AUDIENCE: listKey('sasl.oauthbearer.expected.audience', null, 'Audiences a verified OAUTHBEARER token must name one of.'),
  SASL_OAUTHBEARER_EXPECTED_ISSUER: stringKey('sasl.oauthbearer.expected.issuer', null, 'Issuer a verified OAUTHBEARER token must name.'),
  SASL_OAUTHBEARER_SUB_CLAIM_NAME: stringKey('sasl.oauthbearer.sub.claim.name', 'sub', 'Claim of a verified OAUTHBEARER token that names the principal.'),
  SASL_OAUTHBEARER_CLOCK_SKEW_SECONDS: intKey('sasl.oauthbearer.clock.skew.seconds', 30, "Clock skew allowed when checking a verified token's times."),
  ...BrokerTuningKeys,
  ...BrokerMemoryKeys,
} as const;

/** Every broker key, in definition order (DescribeConfigs lists them in this order). */
export const BROKER_CONFIGS: readonly ConfigKey<unknown>[] = Object.values(BrokerConfigKeys);

export const BROKER_CONFIG_BY_NAME: ReadonlyMap<string, ConfigKey<unknown>> = keysByName(BROKER_CONFIGS);

type KeyOrName = ConfigKey<unknown> | string;
const nameOf = (key: KeyOrName): string => (typeof key === 'string' ? key : key.name);

/**
 * Where AlterConfigs stores a broker config: the cluster-wide default (resource name "") or this broker (its node
 * id). Both sit above the static settings the broker started with, this broker's above the default, as in Kafka.
 */
export type DynamicScope = 'default' | 'broker';

export class BrokerConfig {
  private readonly values = new Map<string, string>();
  private readonly dynamic: Record<DynamicScope, ReadonlyMap<string, string>> = { default: new Map(), broker: new Map() };
  private readonly parsed = new Map<string, unknown>();
  private changes = 0;

  /** Throws InvalidConfigError for values that do not fit their definition. Unknown keys are kept as given. */
  constructor(overrides: Readonly<Record<string, string>> = {}) {
    for (const [name, value] of Object.entries(overrides)) {
      BROKER_CONFIG_BY_NAME.get(name)?.parse(value);
      this.values.set(name, value);
    }
  }

  /** The value set explicitly, if any, as text: this broker's dynamic value, else the cluster-wide one, else the static one. */
  explicit(key: KeyOrName): string | undefined {
    const name = nameOf(key);
    return this.dynamic.broker.get(name) ?? this.dynamic.default.get(name) ?? this.values.get(name);
  }

  /** The value the broker was started with, if any. */
  staticValue(key: KeyOrName): string | undefined {
    return this.values.get(nameOf(key));
  }

  /** The values AlterConfigs stored at one level, unknown names included. */
  dynamicEntries(scope: DynamicScope): ReadonlyMap<string, string> {
    return this.dynamic[scope];
  }

  /** Replaces the dynamic values of one level (validated by the caller, as Kafka's DynamicBrokerConfig validates first). */
  replaceDynamic(scope: DynamicScope, entries: Readonly<Record<string, string>>): void {
    this.dynamic[scope] = new Map(Object.entries(entries));
    this.parsed.clear();
    this.changes++;
  }

  /** The typed value: the explicit setting, else the key's default (null for keys without one). */
  get<T>(key: ConfigKey<T>): T {
    if (this.parsed.has(key.name)) return this.parsed.get(key.name) as T;
    const raw = this.explicit(key.name) ?? key.defaultValue;
    const value = raw === null ? null : key.parse(raw);
    this.parsed.set(key.name, value);
    return value as T;
  }

  set(key: KeyOrName, value: string): void {
    const name = nameOf(key);
    BROKER_CONFIG_BY_NAME.get(name)?.parse(value);
    this.values.set(name, value);
    this.parsed.clear();
    this.changes++;
  }

  /** Grows with every set(): lets caches of values derived from the config tell they are stale. */
  get revision(): number {
    return this.changes;
  }

  entries(): ReadonlyMap<string, string> {
    return this.values;
  }

  get nodeId(): number {
    return this.get(BrokerConfigKeys.NODE_ID);
  }

  get dataDir(): string {
    return this.explicit(BrokerConfigKeys.LOG_DIRS)?.split(',')[0] ?? this.explicit(BrokerConfigKeys.LOG_DIR) ?? this.get(BrokerConfigKeys.LOG_DIRS)[0];
  }

  /** retention.ms derived from log.retention.ms / minutes / hours, as Kafka resolves it. */
  get logRetentionMs(): number {
    return Number(topicDefaultFromBroker(this, Topic.RETENTION_MS));
  }

  /** segment.ms derived from log.roll.ms / log.roll.hours. */
  get logRollMs(): number {
    return Number(topicDefaultFromBroker(this, Topic.SEGMENT_MS));
  }
}

/** The broker keys that stand for each topic key, finest unit first. */
const SYNONYMS_BY_TOPIC: ReadonlyMap<string, readonly ConfigKey<unknown>[]> = (() => {
  const byTopic = new Map<string, ConfigKey<unknown>[]>();
  for (const key of BROKER_CONFIGS) {
    const topic = key.synonymOf?.topic;
    if (topic !== undefined) byTopic.set(topic, [...(byTopic.get(topic) ?? []), key]);
  }
  return byTopic;
})();

export function brokerSynonymsOf(topicConfig: string): readonly ConfigKey<unknown>[] {
  return SYNONYMS_BY_TOPIC.get(topicConfig) ?? [];
}

/**
 * The value a topic that does not override `topicKey` gets, as text: the first broker synonym set explicitly
 * (converted to the topic key's unit; a negative retention means "forever"), else the topic key's default.
 */
export function topicDefaultFromBroker(config: BrokerConfig, topicKey: ConfigKey<unknown>): string | null {
  for (const synonym of brokerSynonymsOf(topicKey.name)) {
    const raw = config.explicit(synonym);
    if (raw === undefined) continue;
    const perUnit = synonym.synonymOf?.msPerUnit ?? 1;
    if (perUnit === 1) return raw.trim();
    const n = Number(raw);
    return String(n < 0 ? -1 : n * perUnit);
  }
  return topicKey.defaultValue;
}
