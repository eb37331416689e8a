// DescribeConfigs: v0-4, answered from the config definitions as Kafka's ConfigHelper answers.
// - TOPIC resources: every topic config with its effective value and source (topic override, broker setting,
//   default); synonyms when asked: the override, then each broker `log.*` synonym holding a value, then defaults.
// - BROKER resources: this node's id lists every broker config with its effective value and source (this broker's
//   dynamic value, the cluster-wide dynamic default, the static setting, the default), read-only unless Kafka can
//   change it at run time; "" lists only the cluster-wide dynamic defaults. Sensitive values are null.
// - BROKER_LOGGER: an empty list. Other resource types: INVALID_REQUEST.
// - v0 reports IsDefault instead of ConfigSource; v3+ adds config types and, when asked, documentation.
import { DescribeConfigsRequestCodec } from '../../codecs/generated/DescribeConfigsRequest';
import { DescribeConfigsResponseCodec, DescribeConfigsResponseInit } from '../../codecs/generated/DescribeConfigsResponse';
import { BROKER_CONFIG_BY_NAME, BROKER_CONFIGS } from '../config/broker-config';
import { ConfigSource, DescribedConfig, describeBrokerConfigs, describeDynamicDefaults } from '../config/config-sources';
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import type { BrokerServices } from './services';
import { topicNameProblem } from '../topics/topic-names';
import { defineHandler } from './handler';
import { checkBrokerLoggerResourceName, checkBrokerResourceName, configTypeId, ResourceType } from './config-resources';

type Result = NonNullable<DescribeConfigsResponseInit['results']>[number];
type Entry = NonNullable<Result['configs']>[number];

interface Detail {
  readonly includeSynonyms: boolean;
  readonly includeDocumentation: boolean;
}

function toEntry(c: DescribedConfig, detail: Detail): Entry {
  return {
    name: c.name,
    value: c.value,
    readOnly: c.readOnly,
    isDefault: c.source === ConfigSource.DEFAULT_CONFIG,
    configSource: c.source,
    isSensitive: c.sensitive,
    synonyms: detail.includeSynonyms ? [...c.synonyms] : [],
    configType: configTypeId(c.type),
    documentation: detail.includeDocumentation ? c.documentation : null,
  };
}

/** Every config of a topic as DescribeConfigs reports it (also the console's topic configs). */
export function topicConfigs(services: BrokerServices, topicName: string): DescribedConfig[] {
  const topic = services.topics.get(topicName);
  if (!topic) {
    const problem = topicNameProblem(topicName);
    if (problem !== null) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    // Kafka names no reason for an unknown topic: its message is empty.
    throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, '');
  }
  return services.topics.resolveAllConfigs(topic);
}

/** This broker's configs, or the cluster-wide dynamic defaults for "" (also the console's broker configs). */
export function brokerConfigs(services: BrokerServices, name: string): DescribedConfig[] {
  checkBrokerResourceName(services, name);
  if (name === '') return describeDynamicDefaults(services.config, (key) => BROKER_CONFIG_BY_NAME.get(key));
  return describeBrokerConfigs(services.config, BROKER_CONFIGS, (key) => BROKER_CONFIG_BY_NAME.has(key));
}

function resourceConfigs(services: BrokerServices, resourceType: number, resourceName: string): DescribedConfig[] {
  if (resourceType === ResourceType.TOPIC) return topicConfigs(services, resourceName);
  if (resourceType === ResourceType.BROKER) return brokerConfigs(services, resourceName);
  if (resourceType === ResourceType.BROKER_LOGGER) {
    checkBrokerLoggerResourceName(services, resourceName);
    return [];
  }
  // Kafka answers with INVALID_REQUEST's generic text here, naming no type.
  throw new KafkaError(ErrorCode.INVALID_REQUEST, INVALID_REQUEST_TEXT);
}

const INVALID_REQUEST_TEXT =
  'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.';

export const describeConfigsHandler = defineHandler({
  request: DescribeConfigsRequestCodec,
  response: DescribeConfigsResponseCodec,
  handle(request, ctx): DescribeConfigsResponseInit {
    const results: Result[] = request.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        const keys = r.configurationKeys;
        const wanted = (c: DescribedConfig): boolean => keys === null || keys.length === 0 || keys.includes(c.name);
        const configs = resourceConfigs(ctx.services, r.resourceType, r.resourceName)
          .filter(wanted)
          .map((c) => toEntry(c, request));
        return { ...base, errorCode: ErrorCode.NONE, errorMessage: '', configs };
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { ...base, errorCode: err.code, errorMessage: err.message, configs: [] };
      }
    });
    return { throttleTimeMs: 0, results };
  },
});
