// Confluent REST Proxy v3's cluster and broker resources for this single-node cluster: GET /v3/clusters (one
// cluster), the cluster, its brokers (this node) and a broker by id. Configs are in rest-v3-configs.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Broker } from '../../broker/broker';
import { BrokerConfigKeys } from '../../config/broker-config';
import { consoleRoutes } from '../console/console-scope';
import { errorResponses, int, nullableStr, obj, str } from '../console/json-schema';
import { notFound } from '../console/rest-errors';
import { ClusterLinks, clusterLinks, clusterParams, listSchema, relatedSchema, resourceSchema } from '../console/rest-resources';

const TAG = ['REST v3: clusters and brokers'];

const clusterSchema = resourceSchema({
  cluster_id: str,
  controller: relatedSchema,
  acls: relatedSchema,
  brokers: relatedSchema,
  broker_configs: relatedSchema,
  consumer_groups: relatedSchema,
  topics: relatedSchema,
  partition_reassignments: relatedSchema,
});

const brokerSchema = resourceSchema({
  cluster_id: str,
  broker_id: int,
  host: str,
  port: int,
  rack: nullableStr,
  configs: relatedSchema,
  partition_replicas: relatedSchema,
});

function cluster(links: ClusterLinks, nodeId: number): Record<string, unknown> {
  return {
    kind: 'KafkaCluster',
    metadata: links.metadata([], []),
    cluster_id: links.clusterId,
    controller: links.related('brokers', nodeId),
    acls: links.related('acls'),
    brokers: links.related('brokers'),
    broker_configs: links.related('broker-configs'),
    consumer_groups: links.related('consumer-groups'),
    topics: links.related('topics'),
    partition_reassignments: links.related('topics', '-', 'partitions', '-', 'reassignment'),
  };
}

function brokerResource(links: ClusterLinks, broker: Broker): Record<string, unknown> {
  const nodeId = broker.identity.nodeId;
  const address = broker.advertisedListeners[0];
  return {
    kind: 'KafkaBroker',
    metadata: links.metadata(['brokers', nodeId], [['broker', nodeId]]),
    cluster_id: links.clusterId,
    broker_id: nodeId,
    host: address?.host ?? '',
    port: address?.port ?? 0,
    rack: broker.config.get(BrokerConfigKeys.BROKER_RACK) ?? null,
    configs: links.related('brokers', nodeId, 'configs'),
    partition_replicas: links.related('brokers', nodeId, 'partition-replicas'),
  };
}

/** This node, or 404 for any other broker id (as the REST proxy answers an unknown broker). */
export function checkBrokerId(broker: Broker, brokerId: number): void {
  if (brokerId !== broker.identity.nodeId) throw notFound(`Broker ${brokerId} cannot be found.`);
}

export const brokerParams = obj({ cluster_id: str, broker_id: int });

export const registerRestV3ClusterRoutes = consoleRoutes((app: FastifyInstance, { broker }) => {
  app.get(
    '/v3/clusters',
    { schema: { tags: TAG, summary: 'The clusters: this one', response: { 200: listSchema(clusterSchema), ...errorResponses } } },
    (request) => {
      const links = new ClusterLinks(request, broker.identity.clusterId);
      return { kind: 'KafkaClusterList', metadata: { self: `${links.origin}/v3/clusters`, next: null }, data: [cluster(links, broker.identity.nodeId)] };
    },
  );

  type ClusterRequest = FastifyRequest<{ Params: { cluster_id: string } }>;
  app.get(
    '/v3/clusters/:cluster_id',
    { schema: { tags: TAG, summary: 'The cluster', params: clusterParams, response: { 200: clusterSchema, ...errorResponses } } },
    (request: ClusterRequest) => cluster(clusterLinks(broker, request, request.params.cluster_id), broker.identity.nodeId),
  );

  app.get(
    '/v3/clusters/:cluster_id/brokers',
    { schema: { tags: TAG, summary: 'The brokers: this node', params: clusterParams, response: { 200: listSchema(brokerSchema), ...errorResponses } } },
    (request: ClusterRequest) => {
      const links = clusterLinks(broker, request, request.params.cluster_id);
      return links.list('KafkaBrokerList', ['brokers'], [brokerResource(links, broker)]);
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/brokers/:broker_id',
    { schema: { tags: TAG, summary: 'A broker', params: brokerParams, response: { 200: brokerSchema, ...errorResponses } } },
    (request: FastifyRequest<{ Params: { cluster_id: string; broker_id: number } }>) => {
      const links = clusterLinks(broker, request, request.params.cluster_id);
      checkBrokerId(broker, request.params.broker_id);
      return brokerResource(links, broker);
    },
  );
});
