// Topic configs from the broker's side: the keys DescribeConfigs reports (storage defines them) and the broker keys
// that stand for each one's default.
import { ConfigKey, TOPIC_CONFIG_KEYS } from '../../storage';
import { brokerSynonymsOf } from './broker-config';

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
