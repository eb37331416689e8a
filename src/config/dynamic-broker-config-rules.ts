// Which broker configs AlterConfigs and IncrementalAlterConfigs may change, and the checks Kafka 4.3.1 makes before
// it stores a change (its ConfigAdminManager and DynamicBrokerConfig.validateConfigs, then the reconfiguration
// checks of the thread pools and the log cleaner), with Kafka's codes and messages. Only the rules live here;
// dynamic-broker-configs.ts stores and applies what passes them.
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import { InvalidConfigError } from '../../storage';
import type { ConfigKey } from '../../storage';
import { BROKER_CONFIG_BY_NAME, BrokerConfig, BrokerConfigKeys, DynamicScope } from './broker-config';
import { KAFKA_READ_ONLY_BROKER_CONFIGS } from './kafka-read-only-broker-configs';

/** Kafka's security configs that may change only under a listener prefix (SslConfigs.RECONFIGURABLE_CONFIGS). */
const LISTENER_ONLY_SECURITY_CONFIGS: ReadonlySet<string> = new Set([
  'ssl.keystore.type',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.key.password',
  'ssl.keystore.key',
  'ssl.keystore.certificate.chain',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.truststore.certificates',
]);

/** Listener configs Kafka keeps per broker, whose cluster-wide default it refuses. */
const PER_BROKER_CONFIGS: ReadonlySet<string> = new Set(['listeners', 'listener.security.protocol.map', 'principal.builder.class', 'cordoned.log.dirs']);
/** Listener-prefixed configs that may still be set cluster-wide. */
const CLUSTER_LEVEL_LISTENER_CONFIGS: ReadonlySet<string> = new Set(['max.connections', 'max.connection.creation.rate', 'num.network.threads']);
const LISTENER_PREFIX = /^listener\.name\.[^.]*\.(.*)$/;

/** Keys Kafka changes per broker at run time that Eddy cannot: it binds its listeners once, at start. */
const EDDY_STATIC_LISTENER_CONFIGS: ReadonlySet<string> = new Set(['listeners', 'listener.security.protocol.map']);

function isPerBrokerConfig(name: string): boolean {
  const base = LISTENER_PREFIX.exec(name)?.[1];
  if (base !== undefined) return !CLUSTER_LEVEL_LISTENER_CONFIGS.has(base);
  return PER_BROKER_CONFIGS.has(name) || ((name.startsWith('ssl.') || name.startsWith('sasl.')) && !KAFKA_READ_ONLY_BROKER_CONFIGS.has(name));
}

function isReadOnly(name: string): boolean {
  if (isPerBrokerConfig(name) || LISTENER_PREFIX.test(name)) return false;
  const key = BROKER_CONFIG_BY_NAME.get(name);
  return key !== undefined ? !key.dynamic : KAFKA_READ_ONLY_BROKER_CONFIGS.has(name);
}

/** Java's Set.toString, in a stable order. */
const listed = (names: readonly string[]): string => `[${[...names].sort().join(', ')}]`;

function refuseAny(names: readonly string[], message: string): void {
  if (names.length > 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `${message}: ${listed(names)}`);
}

/** Parses every value of a defined key (a listener-prefixed one by its base name), as Kafka's ConfigDef does. */
function checkTypes(props: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(props)) {
    const base = LISTENER_PREFIX.exec(name)?.[1] ?? name;
    try {
      BROKER_CONFIG_BY_NAME.get(base)?.parse(value);
    } catch (err) {
      if (err instanceof InvalidConfigError) throw new KafkaError(ErrorCode.INVALID_REQUEST, err.message);
      throw err;
    }
  }
}

/** Kafka's message for a reconfiguration one of its components refuses, a ConfigException wrapped in another. */
function reconfigurationRefused(why: string): KafkaError {
  return new KafkaError(
    ErrorCode.INVALID_REQUEST,
    `Invalid value org.apache.kafka.common.config.ConfigException: ${why} for configuration Invalid dynamic configuration`,
  );
}

const THREAD_POOLS: readonly ConfigKey<number>[] = [
  BrokerConfigKeys.NUM_IO_THREADS,
  BrokerConfigKeys.NUM_REPLICA_FETCHERS,
  BrokerConfigKeys.NUM_RECOVERY_THREADS_PER_DATA_DIR,
  BrokerConfigKeys.BACKGROUND_THREADS,
];

/** The value a key would take with `next` stored at `scope`: this broker's level wins over the cluster-wide one. */
function valueAfter(config: BrokerConfig, scope: DynamicScope, next: Readonly<Record<string, string>>, key: ConfigKey<number>): number {
  const other = scope === 'broker' ? config.dynamicEntries('default') : config.dynamicEntries('broker');
  const mine = next[key.name];
  const raw = scope === 'broker' ? (mine ?? other.get(key.name)) : (other.get(key.name) ?? mine);
  return raw === undefined ? Number(config.staticValue(key) ?? key.defaultValue) : key.parse(raw);
}

/** Like valueAfter, for any name (a listener-prefixed one too): the raw value, undefined when none is set. */
function rawAfter(config: BrokerConfig, scope: DynamicScope, next: Readonly<Record<string, string>>, name: string): string | undefined {
  const other = scope === 'broker' ? config.dynamicEntries('default') : config.dynamicEntries('broker');
  const raw = scope === 'broker' ? (next[name] ?? other.get(name)) : (other.get(name) ?? next[name]);
  return raw ?? config.staticValue(name);
}

/** KafkaConfig's own requirements on the connection limits, checked while it builds the new config. */
function checkConnectionLimits(config: BrokerConfig, scope: DynamicScope, next: Readonly<Record<string, string>>): void {
  const overrides = (rawAfter(config, scope, next, BrokerConfigKeys.MAX_CONNECTIONS_PER_IP_OVERRIDES.name) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => entry.slice(0, Math.max(0, entry.lastIndexOf(':'))).trim());
  if (valueAfter(config, scope, next, BrokerConfigKeys.MAX_CONNECTIONS_PER_IP) === 0 && overrides.length === 0) {
    throw new KafkaError(
      ErrorCode.INVALID_REQUEST,
      'requirement failed: max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.',
    );
  }
  const invalid = overrides.filter((host) => !/^[0-9a-zA-Z\-%._:]*$/.test(host));
  if (invalid.length > 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `max.connections.per.ip.overrides contains invalid addresses : ${invalid.join(',')}`);
}

/** Each listener's connection quota refuses a limit of 0 or less (its prefixed value, else the broker-wide one). */
function checkListenerQuotas(config: BrokerConfig, scope: DynamicScope, next: Readonly<Record<string, string>>): void {
  for (const listener of config.get(BrokerConfigKeys.LISTENERS)) {
    const name = /^([^:]+):/.exec(listener)?.[1]?.toLowerCase();
    if (name === undefined) continue;
    for (const key of [BrokerConfigKeys.MAX_CONNECTIONS, BrokerConfigKeys.MAX_CONNECTION_CREATION_RATE]) {
      const raw = rawAfter(config, scope, next, `listener.name.${name}.${key.name}`) ?? rawAfter(config, scope, next, key.name);
      // Nothing set: the default, Int.MaxValue.
      if (raw === undefined) continue;
      const value = Number(raw);
      if (value <= 0) throw reconfigurationRefused(`Invalid ${key.name} ${value}`);
    }
  }
}

/** Kafka resizes its pools by at most half or double at a time (DynamicThreadPool, LogCleaner). */
function checkReconfiguration(config: BrokerConfig, scope: DynamicScope, next: Readonly<Record<string, string>>): void {
  const cleaner = BrokerConfigKeys.LOG_CLEANER_THREADS;
  const [cleanersNow, cleanersThen] = [config.get(cleaner), valueAfter(config, scope, next, cleaner)];
  // Kafka divides by the cleaner thread count while it builds the new config, before any component checks it.
  if (cleanersThen === 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, '/ by zero');
  checkConnectionLimits(config, scope, next);
  for (const key of THREAD_POOLS) {
    const [now, then] = [config.get(key), valueAfter(config, scope, next, key)];
    if (then === now) continue;
    const failed = `Dynamic thread count update validation failed for ${key.name}=${then}`;
    if (then < Math.floor(now / 2)) throw reconfigurationRefused(`${failed}, value should be at least half the current value ${now}`);
    if (then > now * 2) throw reconfigurationRefused(`${failed}, value should not be greater than double the current value ${now}`);
  }
  if (cleanersThen < Math.floor(cleanersNow / 2)) {
    throw reconfigurationRefused(`Log cleaner threads cannot be reduced to less than half the current value ${cleanersNow}`);
  }
  if (cleanersThen > cleanersNow * 2) {
    throw reconfigurationRefused(`Log cleaner threads cannot be increased to more than double the current value ${cleanersNow}`);
  }
  checkListenerQuotas(config, scope, next);
}

/**
 * Checks the whole set of values a level would hold after a change, in Kafka's order; throws KafkaError with
 * Kafka's code and message. Names no definition knows pass, as in Kafka.
 */
export function checkDynamicBrokerConfigs(config: BrokerConfig, scope: DynamicScope, next: Readonly<Record<string, string>>): void {
  const names = Object.keys(next);
  refuseAny(names.filter(isReadOnly), 'Cannot update these configs dynamically');
  refuseAny(
    names.filter((name) => LISTENER_ONLY_SECURITY_CONFIGS.has(name)),
    'These security configs can be dynamically updated only per-listener using the listener prefix',
  );
  checkTypes(next);
  if (scope === 'default') refuseAny(names.filter(isPerBrokerConfig), 'Cannot update these configs at default cluster level, broker id must be specified');
  checkReconfiguration(config, scope, next);
  refuseAny(
    names.filter((name) => EDDY_STATIC_LISTENER_CONFIGS.has(name)),
    'Cannot update these configs dynamically (Eddy binds its listeners at start; restart it with the new value)',
  );
  // Kafka's storage tool stores min.insync.replicas as a cluster-wide default, which its controller keeps.
  const minIsr = BrokerConfigKeys.MIN_INSYNC_REPLICAS.name;
  if (scope === 'default' && config.dynamicEntries('default').has(minIsr) && next[minIsr] === undefined) {
    throw new KafkaError(ErrorCode.INVALID_CONFIG, 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.');
  }
}

/**
 * Whether a stored value may be laid over the static config at start: as Kafka's fromPersistentProps, a value a
 * hand-edited file holds for a read-only key, a bare security key or a per-broker key at the default level is ignored.
 */
export function isLoadableDynamicConfig(scope: DynamicScope, name: string): boolean {
  return !isReadOnly(name) && !LISTENER_ONLY_SECURITY_CONFIGS.has(name) && !(scope === 'default' && isPerBrokerConfig(name));
}
