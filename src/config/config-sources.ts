// Where a config's effective value comes from, as DescribeConfigs (and CreateTopics) report it, following Kafka's
// ConfigHelper: a topic config's value is its override, else the broker-wide default its `log.*` synonyms give,
// else the key's default; the synonyms list every place that holds a value, most specific first.
import type { ConfigKey, ConfigType } from '../../storage';
import { BrokerConfig, brokerSynonymsOf, topicDefaultFromBroker } from './broker-config';

/** Kafka's ConfigSource ids. Eddy has no per-logger levels, so 6 does not occur. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

export interface ConfigSynonymView {
  readonly name: string;
  readonly value: string | null;
  readonly source: number;
}

export interface DescribedConfig {
  readonly name: string;
  /** null for sensitive keys and for keys without a value */
  readonly value: string | null;
  readonly source: number;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
  readonly synonyms: readonly ConfigSynonymView[];
  /** undefined for a name no definition knows (Kafka's UNKNOWN type) */
  readonly type: ConfigType | undefined;
  readonly documentation: string;
}

/** The levels a broker key may be set at, most specific first, with the source DescribeConfigs names for each. */
const SET_LEVELS: ReadonlyArray<{ readonly source: number; readonly valueOf: (config: BrokerConfig, name: string) => string | undefined }> = [
  { source: ConfigSource.DYNAMIC_BROKER_CONFIG, valueOf: (config, name) => config.dynamicEntries('broker').get(name) },
  { source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, valueOf: (config, name) => config.dynamicEntries('default').get(name) },
  { source: ConfigSource.STATIC_BROKER_CONFIG, valueOf: (config, name) => config.staticValue(name) },
];

/**
 * The broker keys holding a value for `primary` or its coarser units: each level where they are set (this broker's
 * dynamic values, the cluster-wide dynamic defaults, the static settings), then defaults, each in synonym order, as
 * Kafka's ConfigHelper lists them. As in Kafka, entries before the first one named `primary` are dropped, so a topic
 * whose retention comes from log.retention.hours reports its source as the default, with no synonyms.
 */
function brokerChain(config: BrokerConfig, group: readonly ConfigKey<unknown>[], primary: string, sensitive: boolean): ConfigSynonymView[] {
  const shown = (value: string): string | null => (sensitive ? null : value);
  const chain: ConfigSynonymView[] = [];
  for (const level of SET_LEVELS) {
    for (const key of group) {
      const value = level.valueOf(config, key.name);
      if (value !== undefined) chain.push({ name: key.name, value: shown(value), source: level.source });
    }
  }
  for (const key of group) {
    if (key.defaultValue !== null) chain.push({ name: key.name, value: shown(key.defaultValue), source: ConfigSource.DEFAULT_CONFIG });
  }
  const first = chain.findIndex((s) => s.name === primary);
  return first < 0 ? [] : chain.slice(first);
}

function described(key: ConfigKey<unknown>, value: string | null, readOnly: boolean, synonyms: ConfigSynonymView[]): DescribedConfig {
  return {
    name: key.name,
    value: key.sensitive ? null : value,
    source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    readOnly,
    sensitive: key.sensitive,
    synonyms,
    type: key.type,
    documentation: key.doc,
  };
}

/** A topic config as a topic with these overrides sees it. */
export function describeTopicConfig(config: BrokerConfig, overrides: Readonly<Record<string, string>>, key: ConfigKey<unknown>): DescribedConfig {
  const group = brokerSynonymsOf(key.name);
  const synonyms = group.length === 0 ? [] : brokerChain(config, group, group[0].name, key.sensitive);
  const override = overrides[key.name];
  if (override !== undefined) {
    synonyms.unshift({ name: key.name, value: key.sensitive ? null : override, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
  }
  return described(key, override ?? topicDefaultFromBroker(config, key), false, synonyms);
}

/** A broker config of this node. Keys that are units of one topic default (log.retention.*) are each other's synonyms. */
export function describeBrokerConfig(config: BrokerConfig, key: ConfigKey<unknown>): DescribedConfig {
  const topic = key.synonymOf?.topic;
  const units = topic === undefined ? [] : brokerSynonymsOf(topic);
  const group = units.length > 1 ? units : [key];
  const synonyms = brokerChain(config, group, key.name, key.sensitive);
  return described(key, config.explicit(key) ?? key.defaultValue, !key.dynamic, synonyms);
}

/**
 * A name no definition knows that AlterConfigs stored (Kafka keeps such names: they may belong to a plugin). Kafka
 * cannot tell whether it is a secret, so it reports it as one: no value, read-only, of unknown type.
 */
function describeUnknownBrokerConfig(config: BrokerConfig, name: string): DescribedConfig {
  const synonyms = SET_LEVELS.filter((level) => level.valueOf(config, name) !== undefined).map((level) => ({ name, value: null, source: level.source }));
  return {
    name,
    value: null,
    source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
    readOnly: true,
    sensitive: true,
    synonyms,
    type: undefined,
    documentation: '',
  };
}

/**
 * This broker's configs as DescribeConfigs of its node id lists them: every defined key, then the names no
 * definition knows that were set (statically or dynamically), as Kafka lists its config's originals.
 */
export function describeBrokerConfigs(config: BrokerConfig, keys: readonly ConfigKey<unknown>[], isDefined: (name: string) => boolean): DescribedConfig[] {
  const setNames = [...config.entries().keys(), ...config.dynamicEntries('default').keys(), ...config.dynamicEntries('broker').keys()];
  const unknown = new Set(setNames.filter((name) => !isDefined(name)));
  return [...keys.map((key) => describeBrokerConfig(config, key)), ...[...unknown].map((name) => describeUnknownBrokerConfig(config, name))];
}

/**
 * The cluster-wide dynamic defaults, as DescribeConfigs of the resource "" lists them: only the values stored at that
 * level, each with the synonyms that come from it.
 */
export function describeDynamicDefaults(config: BrokerConfig, keyOf: (name: string) => ConfigKey<unknown> | undefined): DescribedConfig[] {
  const atDefault = (c: DescribedConfig): DescribedConfig => {
    const synonyms = c.synonyms.filter((s) => s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    return {
      ...c,
      value: c.sensitive ? null : (config.dynamicEntries('default').get(c.name) ?? null),
      synonyms,
      source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    };
  };
  return [...config.dynamicEntries('default').keys()].map((name) => {
    const key = keyOf(name);
    return atDefault(key === undefined ? describeUnknownBrokerConfig(config, name) : describeBrokerConfig(config, key));
  });
}
