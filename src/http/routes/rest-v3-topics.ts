// Confluent REST Proxy v3's topic and partition resources: list, read, create (POST) and delete topics; list and
// read partitions. Creation and deletion follow CreateTopics' and DeleteTopics' rules through the same services
// (name checks, config validation, internal topics refused), and their errors map as the REST proxy maps Kafka's:
// an existing topic is 400/40002, an unknown one 404/40403. Partitions carry two Eddy extension fields,
// earliest_offset and latest_offset, which REST v3 does not have.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TopicMetadata } from '../../../storage';
import { topicDeletionRefusal } from '../../api/20-delete-topics';
import { isInternalTopic } from '../../topics/topic-names';
import { consoleRoutes } from '../console/console-scope';
import { arrayOf, bool, described, errorResponses, int, obj, str, strictObj } from '../console/json-schema';
import { offsetsOf, partitionLog, topicLogs, topicOrNotFound } from '../console/partition-logs';
import { throwIfKafkaError } from '../console/rest-errors';
import { ClusterLinks, clusterLinks, clusterParams, listSchema, relatedSchema, resourceSchema } from '../console/rest-resources';

const TAG = ['REST v3: topics and partitions'];

const topicSchema = resourceSchema({
  cluster_id: str,
  topic_name: str,
  is_internal: bool,
  replication_factor: int,
  partitions_count: int,
  partitions: relatedSchema,
  configs: relatedSchema,
  partition_reassignments: relatedSchema,
  authorized_operations: arrayOf(str),
});

const partitionSchema = resourceSchema({
  cluster_id: str,
  topic_name: str,
  partition_id: int,
  leader: relatedSchema,
  replicas: relatedSchema,
  reassignment: relatedSchema,
  earliest_offset: described(int, 'Eddy extension: the log start offset'),
  latest_offset: described(int, 'Eddy extension: the high watermark (the next offset)'),
});

const createTopicBody = strictObj(
  {
    topic_name: str,
    partitions_count: int,
    replication_factor: int,
    configs: arrayOf(strictObj({ name: str, value: str })),
    validate_only: bool,
  },
  ['partitions_count', 'replication_factor', 'configs', 'validate_only'],
);

interface CreateTopicBody {
  readonly topic_name: string;
  readonly partitions_count?: number;
  readonly replication_factor?: number;
  readonly configs?: ReadonlyArray<{ name: string; value: string }>;
  readonly validate_only?: boolean;
}

type TopicParams = { cluster_id: string; topic_name: string };
type PartitionParams = TopicParams & { partition_id: number };
const topicParams = obj({ cluster_id: str, topic_name: str });
const partitionParams = obj({ cluster_id: str, topic_name: str, partition_id: { type: 'integer', minimum: 0 } });

export function topicResource(links: ClusterLinks, topic: Pick<TopicMetadata, 'name' | 'partitions'>): Record<string, unknown> {
  return {
    kind: 'KafkaTopic',
    metadata: links.metadata(['topics', topic.name], [['topic', topic.name]]),
    cluster_id: links.clusterId,
    topic_name: topic.name,
    is_internal: isInternalTopic(topic.name),
    replication_factor: 1,
    partitions_count: topic.partitions,
    partitions: links.related('topics', topic.name, 'partitions'),
    configs: links.related('topics', topic.name, 'configs'),
    partition_reassignments: links.related('topics', topic.name, 'partitions', '-', 'reassignment'),
    authorized_operations: [],
  };
}

function partitionResource(
  links: ClusterLinks,
  topic: string,
  partition: number,
  nodeId: number,
  offsets: ReturnType<typeof offsetsOf>,
): Record<string, unknown> {
  const self = ['topics', topic, 'partitions', partition] as const;
  return {
    kind: 'KafkaPartition',
    metadata: links.metadata(self, [
      ['topic', topic],
      ['partition', partition],
    ]),
    cluster_id: links.clusterId,
    topic_name: topic,
    partition_id: partition,
    leader: links.related(...self, 'replicas', nodeId),
    replicas: links.related(...self, 'replicas'),
    reassignment: links.related(...self, 'reassignment'),
    ...offsets,
  };
}

export const registerRestV3TopicRoutes = consoleRoutes((app: FastifyInstance, { broker }) => {
  const services = broker.services;
  const nodeId = broker.identity.nodeId;

  app.get(
    '/v3/clusters/:cluster_id/topics',
    {
      schema: {
        tags: TAG,
        summary: 'Every topic, internal ones included',
        params: clusterParams,
        response: { 200: listSchema(topicSchema), ...errorResponses },
      },
    },
    (request: FastifyRequest<{ Params: { cluster_id: string } }>) => {
      const links = clusterLinks(broker, request, request.params.cluster_id);
      const topics = [...services.topics.all()].sort((a, b) => a.name.localeCompare(b.name));
      return links.list(
        'KafkaTopicList',
        ['topics'],
        topics.map((t) => topicResource(links, t)),
      );
    },
  );

  app.post(
    '/v3/clusters/:cluster_id/topics',
    { schema: { tags: TAG, summary: 'Create a topic', params: clusterParams, body: createTopicBody, response: { 201: topicSchema, ...errorResponses } } },
    async (request: FastifyRequest<{ Params: { cluster_id: string }; Body: CreateTopicBody }>, reply: FastifyReply) => {
      const links = clusterLinks(broker, request, request.params.cluster_id);
      const body = request.body;
      const configs: Record<string, string> = {};
      for (const c of body.configs ?? []) configs[c.name] = c.value;
      const spec = { name: body.topic_name, numPartitions: body.partitions_count ?? -1, replicationFactor: body.replication_factor ?? -1, configs };
      const shape = services.topics.validateCreate(spec);
      const created = body.validate_only === true ? { name: spec.name, partitions: shape.partitions } : await services.topics.create(spec);
      return reply.status(201).send(topicResource(links, created));
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/topics/:topic_name',
    { schema: { tags: TAG, summary: 'A topic', params: topicParams, response: { 200: topicSchema, ...errorResponses } } },
    (request: FastifyRequest<{ Params: TopicParams }>) => {
      const links = clusterLinks(broker, request, request.params.cluster_id);
      return topicResource(links, topicOrNotFound(services, request.params.topic_name));
    },
  );

  app.delete(
    '/v3/clusters/:cluster_id/topics/:topic_name',
    { schema: { tags: TAG, summary: 'Delete a topic', params: topicParams, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request: FastifyRequest<{ Params: TopicParams }>, reply: FastifyReply) => {
      clusterLinks(broker, request, request.params.cluster_id);
      const topic = topicOrNotFound(services, request.params.topic_name);
      const refusal = topicDeletionRefusal(services, topic.name);
      if (refusal !== null) throwIfKafkaError(refusal.code, refusal.message);
      await services.topics.delete(topic.name);
      return reply.status(204).send();
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/topics/:topic_name/partitions',
    { schema: { tags: TAG, summary: "A topic's partitions", params: topicParams, response: { 200: listSchema(partitionSchema), ...errorResponses } } },
    async (request: FastifyRequest<{ Params: TopicParams }>) => {
      const links = clusterLinks(broker, request, request.params.cluster_id);
      const topic = topicOrNotFound(services, request.params.topic_name);
      const logs = await topicLogs(services, topic);
      return links.list(
        'KafkaPartitionList',
        ['topics', topic.name, 'partitions'],
        logs.map((log) => partitionResource(links, topic.name, log.partition, nodeId, offsetsOf(log))),
      );
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/topics/:topic_name/partitions/:partition_id',
    { schema: { tags: TAG, summary: 'A partition', params: partitionParams, response: { 200: partitionSchema, ...errorResponses } } },
    async (request: FastifyRequest<{ Params: PartitionParams }>) => {
      const links = clusterLinks(broker, request, request.params.cluster_id);
      const topic = topicOrNotFound(services, request.params.topic_name);
      const log = await partitionLog(services, topic, request.params.partition_id);
      return partitionResource(links, topic.name, log.partition, nodeId, offsetsOf(log));
    },
  );
});
