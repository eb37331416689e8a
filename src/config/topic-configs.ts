// Topic configs from the broker's side: the keys DescribeConfigs reports (storage defines them) and the broker keys
// that stand for each one's default.
import { ConfigKey, LogConfig, logConfigFromProperties, TOPIC_CONFIG_KEYS } from '../../storage';
import { BrokerConfig, brokerSynonymsOf, topicDefaultFromBroker } from './broker-config';

export const TOPIC_CONFIGS: readonly ConfigKey<unknown>[] = TOPIC_CONFIG_KEYS;

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, ConfigKey<unknown>> = new Map(TOPIC_CONFIGS.map((k) => [k.name, k]));

/** The broker config whose value is a topic config's default, for the topic configs that have one (Kafka's "log.*" synonyms). */
export const TOPIC_CONFIG_BROKER_SYNONYM: Readonly<Record<string, string>> = Object.fromEntries(
  TOPIC_CONFIGS.flatMap((k) =>
    brokerSynonymsOf(k.name)
      .slice(0, 1)
      .map((b) => [k.name, b.name]),
  ),
);

/**
 * The topic configs storage applies to topics without overrides: each key's value from the broker's synonyms
 * (log.retention.hours and the like, converted), as DescribeConfigs reports it, else the key's own default.
 */
export function topicDefaultsFromBroker(config: BrokerConfig): LogConfig {
  const props: Record<string, string> = {};
  for (const key of TOPIC_CONFIGS) {
    const value = topicDefaultFromBroker(config, key);
    if (value !== null && value !== key.defaultValue) props[key.name] = value;
  }
  return logConfigFromProperties(props);
}
