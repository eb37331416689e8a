// DescribeConfigs: v0-4.
// - TOPIC resources: every topic config with its effective value and source (topic override, broker setting,
//   default) and, when asked, synonyms (topic override, then the broker's log.* synonym, then the default).
// - BROKER resources ("" or this node's id): the broker configs Eddy knows, marked read-only where Kafka's are.
// - BROKER_LOGGER: an empty list. Other resource types: INVALID_REQUEST.
// - v0 reports IsDefault instead of ConfigSource; v3+ adds config types (documentation stays null).
import { DescribeConfigsRequestCodec } from '../../codecs/generated/DescribeConfigsRequest';
import { DescribeConfigsResponseCodec, DescribeConfigsResponseInit } from '../../codecs/generated/DescribeConfigsResponse';
import { BROKER_CONFIGS } from '../config/broker-config';
import { TOPIC_CONFIG_BY_NAME, TOPIC_CONFIG_BROKER_SYNONYM } from '../config/topic-configs';
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import { ConfigSource } from '../topics/topic-service';
import type { BrokerServices } from './services';
import { defineHandler } from './handler';
import { checkBrokerResourceName, configTypeId, ResourceType } from './config-resources';

type Result = NonNullable<DescribeConfigsResponseInit['results']>[number];
type Entry = NonNullable<Result['configs']>[number];

function topicEntries(services: BrokerServices, topicName: string, includeSynonyms: boolean): Entry[] {
  const topic = services.topics.get(topicName);
  if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${topicName} does not exist.`);
  return services.topics.resolveAllConfigs(topic).map((c) => {
    const def = TOPIC_CONFIG_BY_NAME.get(c.name);
    const synonyms: { name: string; value: string | null; source: number }[] = [];
    if (includeSynonyms) {
      const override = topic.configs[c.name];
      if (override !== undefined) synonyms.push({ name: c.name, value: override, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
      const brokerName = TOPIC_CONFIG_BROKER_SYNONYM[c.name];
      const brokerValue = brokerName === undefined ? undefined : services.config.explicit(brokerName);
      if (brokerName !== undefined && brokerValue !== undefined) {
        synonyms.push({ name: brokerName, value: brokerValue, source: ConfigSource.STATIC_BROKER_CONFIG });
      }
      synonyms.push({ name: brokerName ?? c.name, value: def?.defaultValue ?? null, source: ConfigSource.DEFAULT_CONFIG });
    }
    return {
      name: c.name,
      value: c.value,
      readOnly: false,
      isDefault: c.source === ConfigSource.DEFAULT_CONFIG,
      configSource: c.source,
      isSensitive: def?.sensitive ?? false,
      synonyms,
      configType: configTypeId(def?.type),
      documentation: null,
    };
  });
}

function brokerEntries(services: BrokerServices, name: string, includeSynonyms: boolean): Entry[] {
  checkBrokerResourceName(services, name);
  // The cluster-wide default resource ("") lists only dynamic defaults; Eddy has none.
  if (name === '') return [];
  return BROKER_CONFIGS.map((def) => {
    const explicit = services.config.explicit(def.name);
    const source = explicit !== undefined ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    const value = def.sensitive ? null : explicit ?? def.defaultValue;
    return {
      name: def.name,
      value,
      readOnly: def.readOnly,
      isDefault: explicit === undefined,
      configSource: source,
      isSensitive: def.sensitive ?? false,
      synonyms: includeSynonyms ? [{ name: def.name, value, source }] : [],
      configType: configTypeId(def.type),
      documentation: null,
    };
  });
}

export const describeConfigsHandler = defineHandler({
  request: DescribeConfigsRequestCodec,
  response: DescribeConfigsResponseCodec,
  handle(request, ctx): DescribeConfigsResponseInit {
    const services = ctx.services;
    const results: Result[] = request.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        let entries: Entry[];
        if (r.resourceType === ResourceType.TOPIC) entries = topicEntries(services, r.resourceName, request.includeSynonyms);
        else if (r.resourceType === ResourceType.BROKER) entries = brokerEntries(services, r.resourceName, request.includeSynonyms);
        else if (r.resourceType === ResourceType.BROKER_LOGGER) {
          checkBrokerResourceName(services, r.resourceName);
          entries = [];
        } else throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}`);
        const keys = r.configurationKeys;
        if (keys !== null && keys.length > 0) entries = entries.filter((e) => keys.includes(e.name ?? ''));
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs: entries };
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { ...base, errorCode: err.code, errorMessage: err.message, configs: [] };
      }
    });
    return { throttleTimeMs: 0, results };
  },
});
