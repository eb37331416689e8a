// Confluent REST Proxy v3's config resources: a topic's configs, a broker's configs and the cluster-wide dynamic
// broker configs (`/broker-configs`). Each can be listed, read one by one, set (PUT), reset (DELETE) and changed
// in a batch (`configs:alter`). Reads come from the same description DescribeConfigs answers with, and changes go
// through the path IncrementalAlterConfigs takes (validated as a whole, stored, or refused with Kafka's error).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Broker } from '../../broker/broker';
import { brokerConfigs, topicConfigs } from '../../api/32-describe-configs';
import { AlterOp, applyBrokerIncremental, applyIncremental, isListTopicConfig, ResourceType, topicConfigDefault } from '../../api/config-resources';
import { updateResourceConfigs } from '../../api/topic-config-update';
import type { DescribedConfig } from '../../config/config-sources';
import { consoleRoutes } from '../console/console-scope';
import { arrayOf, bool, errorResponses, int, type JsonSchema, nullableStr, obj, str, stringEnum, strictObj } from '../console/json-schema';
import { notFound, throwIfKafkaError, unknownTopic } from '../console/rest-errors';
import { ClusterLinks, clusterLinks, listSchema, resourceSchema } from '../console/rest-resources';
import { checkBrokerId } from './rest-v3-clusters';

const TAG = ['REST v3: configs'];

/** Kafka's ConfigSource ids by the names the REST proxy gives them. */
const SOURCE_NAMES: Readonly<Record<number, string>> = {
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
};
const sourceName = (source: number): string => SOURCE_NAMES[source] ?? 'UNKNOWN';

const OPERATIONS = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'] as const;
type Operation = (typeof OPERATIONS)[number];
const OP_IDS: Readonly<Record<Operation, number>> = { SET: AlterOp.SET, DELETE: AlterOp.DELETE, APPEND: AlterOp.APPEND, SUBTRACT: AlterOp.SUBTRACT };

/** One kind of config resource: where it lives, how it is described and how its overrides change. */
interface ConfigOwner {
  readonly kind: string;
  readonly segments: ReadonlyArray<string | number>;
  readonly crn: ReadonlyArray<readonly [string, string | number]>;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly resourceType: number;
  readonly resourceName: string;
  describe(): DescribedConfig[];
}

interface ConfigChangeInput {
  readonly name: string;
  readonly value?: string | null;
  readonly operation?: Operation;
}

function configResource(links: ClusterLinks, owner: ConfigOwner, c: DescribedConfig): Record<string, unknown> {
  return {
    kind: owner.kind,
    metadata: links.metadata([...owner.segments, c.name], [...owner.crn, ['config', c.name]]),
    cluster_id: links.clusterId,
    ...owner.fields,
    name: c.name,
    value: c.value,
    is_default: c.source === 5,
    is_read_only: c.readOnly,
    is_sensitive: c.sensitive,
    source: sourceName(c.source),
    synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: sourceName(s.source) })),
  };
}

function findConfig(owner: ConfigOwner, name: string): DescribedConfig {
  const found = owner.describe().find((c) => c.name === name);
  if (!found) throw notFound(`Config ${name} cannot be found.`);
  return found;
}

/** Applies incremental changes through IncrementalAlterConfigs' path; a refusal becomes the REST error. */
async function alterConfigs(broker: Broker, owner: ConfigOwner, changes: readonly ConfigChangeInput[], validateOnly: boolean): Promise<void> {
  const ops = changes.map((c) => ({ name: c.name, op: OP_IDS[c.operation ?? 'SET'], value: c.value ?? null }));
  const outcome = await updateResourceConfigs(broker.services, owner.resourceType, owner.resourceName, validateOnly, (current) =>
    owner.resourceType === ResourceType.BROKER ? applyBrokerIncremental(current, ops) : applyIncremental(current, ops, topicConfigDefault, isListTopicConfig),
  );
  throwIfKafkaError(outcome.errorCode, outcome.errorMessage ?? 'The configs could not be changed.');
}

const synonymSchema = obj({ name: str, value: nullableStr, source: str });
const configFields = {
  cluster_id: str,
  name: str,
  value: nullableStr,
  is_default: bool,
  is_read_only: bool,
  is_sensitive: bool,
  source: str,
  synonyms: arrayOf(synonymSchema),
};
const valueBody = strictObj({ value: nullableStr });
const alterBody = strictObj(
  { data: arrayOf(strictObj({ name: str, value: nullableStr, operation: stringEnum(OPERATIONS) }, ['value', 'operation'])), validate_only: bool },
  ['validate_only'],
);

type Params = Record<string, string | number>;

/** The five routes of one kind of config resource under `prefix` (a path with the params `ownerOf` reads). */
function configRoutes(
  app: FastifyInstance,
  broker: Broker,
  spec: {
    prefix: string;
    params: JsonSchema;
    ownerFields: Record<string, JsonSchema>;
    listKind: string;
    ownerOf: (links: ClusterLinks, params: Params) => ConfigOwner;
  },
): void {
  const schema = resourceSchema({ ...configFields, ...spec.ownerFields });
  const nameParams = {
    ...spec.params,
    properties: { ...(spec.params.properties as object), name: str },
    required: [...(spec.params.required as string[]), 'name'],
  };
  const resolve = (request: FastifyRequest): { links: ClusterLinks; owner: ConfigOwner; params: Params } => {
    const params = request.params as Params;
    const links = clusterLinks(broker, request, String(params.cluster_id));
    return { links, owner: spec.ownerOf(links, params), params };
  };
  app.get(spec.prefix, { schema: { tags: TAG, params: spec.params, response: { 200: listSchema(schema), ...errorResponses } } }, (request) => {
    const { links, owner } = resolve(request);
    return links.list(
      spec.listKind,
      owner.segments,
      owner.describe().map((c) => configResource(links, owner, c)),
    );
  });
  app.get(`${spec.prefix}/:name`, { schema: { tags: TAG, params: nameParams, response: { 200: schema, ...errorResponses } } }, (request) => {
    const { links, owner, params } = resolve(request);
    return configResource(links, owner, findConfig(owner, String(params.name)));
  });
  app.put(
    `${spec.prefix}/:name`,
    { schema: { tags: TAG, params: nameParams, body: valueBody, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request, reply: FastifyReply) => {
      const { owner, params } = resolve(request);
      await alterConfigs(broker, owner, [{ name: String(params.name), value: (request.body as { value: string | null }).value, operation: 'SET' }], false);
      return reply.status(204).send();
    },
  );
  app.delete(
    `${spec.prefix}/:name`,
    { schema: { tags: TAG, params: nameParams, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request, reply: FastifyReply) => {
      const { owner, params } = resolve(request);
      findConfig(owner, String(params.name));
      await alterConfigs(broker, owner, [{ name: String(params.name), operation: 'DELETE' }], false);
      return reply.status(204).send();
    },
  );
  // "configs:alter": a literal colon is written twice in a fastify path.
  app.post(
    `${spec.prefix}::alter`,
    { schema: { tags: TAG, params: spec.params, body: alterBody, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request, reply: FastifyReply) => {
      const { owner } = resolve(request);
      const body = request.body as { data: ConfigChangeInput[]; validate_only?: boolean };
      await alterConfigs(broker, owner, body.data, body.validate_only ?? false);
      return reply.status(204).send();
    },
  );
}

export const registerRestV3ConfigRoutes = consoleRoutes((app: FastifyInstance, { broker }) => {
  const services = broker.services;
  configRoutes(app, broker, {
    prefix: '/v3/clusters/:cluster_id/topics/:topic_name/configs',
    params: obj({ cluster_id: str, topic_name: str }),
    ownerFields: { topic_name: str },
    listKind: 'KafkaTopicConfigList',
    ownerOf: (_links, params) => {
      const topic = String(params.topic_name);
      if (!services.topics.get(topic)) throw unknownTopic(topic);
      return {
        kind: 'KafkaTopicConfig',
        segments: ['topics', topic, 'configs'],
        crn: [['topic', topic]],
        fields: { topic_name: topic },
        resourceType: ResourceType.TOPIC,
        resourceName: topic,
        describe: () => topicConfigs(services, topic),
      };
    },
  });
  configRoutes(app, broker, {
    prefix: '/v3/clusters/:cluster_id/brokers/:broker_id/configs',
    params: obj({ cluster_id: str, broker_id: int }),
    ownerFields: { broker_id: int },
    listKind: 'KafkaBrokerConfigList',
    ownerOf: (_links, params) => {
      const brokerId = Number(params.broker_id);
      checkBrokerId(broker, brokerId);
      return {
        kind: 'KafkaBrokerConfig',
        segments: ['brokers', brokerId, 'configs'],
        crn: [['broker', brokerId]],
        fields: { broker_id: brokerId },
        resourceType: ResourceType.BROKER,
        resourceName: String(brokerId),
        describe: () => brokerConfigs(services, String(brokerId)),
      };
    },
  });
  configRoutes(app, broker, {
    prefix: '/v3/clusters/:cluster_id/broker-configs',
    params: obj({ cluster_id: str }),
    ownerFields: { config_type: str },
    listKind: 'KafkaClusterConfigList',
    ownerOf: () => ({
      kind: 'KafkaClusterConfig',
      segments: ['broker-configs'],
      crn: [],
      fields: { config_type: 'BROKER' },
      resourceType: ResourceType.BROKER,
      resourceName: '',
      describe: () => brokerConfigs(services, ''),
    }),
  });
});
