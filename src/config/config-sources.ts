// Where a config's effective value comes from, as DescribeConfigs (and CreateTopics) report it, following Kafka's
// ConfigHelper: a topic config's value is its override, else the broker-wide default its `log.*` synonyms give,
// else the key's default; the synonyms list every place that holds a value, most specific first.
import type { ConfigKey, ConfigType } from '../../storage';
import { BrokerConfig, brokerSynonymsOf, topicDefaultFromBroker } from './broker-config';

/** Kafka's ConfigSource ids. Eddy's broker configs are all static (set at start), so 2, 3 and 6 do not occur. */
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
  readonly type: ConfigType;
  readonly documentation: string;
}

/**
 * The broker keys holding a value for `primary` or its coarser units: explicit settings first, then defaults, each
 * in synonym order. As in Kafka, entries before the first one named `primary` are dropped, so a topic whose
 * retention comes from log.retention.hours reports its source as the default, with no synonyms.
 */
function brokerChain(config: BrokerConfig, group: readonly ConfigKey<unknown>[], primary: string, sensitive: boolean): ConfigSynonymView[] {
  const shown = (value: string): string | null => (sensitive ? null : value);
  const chain: ConfigSynonymView[] = [];
  for (const key of group) {
    const explicit = config.explicit(key);
    if (explicit !== undefined) chain.push({ name: key.name, value: shown(explicit), source: ConfigSource.STATIC_BROKER_CONFIG });
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
