// Confluent REST Proxy v3's consumer group resources: groups, their consumers and assignments, the lag of each
// partition and the lag summary. Classic and KIP-848 groups are both listed (console/consumer-groups.ts); an
// unknown group is 404, as the REST proxy answers Kafka's GROUP_ID_NOT_FOUND.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { consoleRoutes } from '../console/console-scope';
import { bool, described, errorResponses, int, nullableInt, nullableStr, obj, str } from '../console/json-schema';
import { describeGroup, groupIds, groupLags, type GroupMember, type GroupSummary, type PartitionLag, restStateName } from '../console/consumer-groups';
import type { AssignmentView, ConsumerGroupView, ConsumerView, LagSummaryView, LagView } from '../console/console-view-types';
import { notFound } from '../console/rest-errors';
import { ClusterLinks, clusterLinks, clusterParams, listSchema, relatedSchema, resourceSchema } from '../console/rest-resources';

const TAG = ['REST v3: consumer groups'];

const groupSchema = resourceSchema({
  cluster_id: str,
  consumer_group_id: str,
  is_simple: bool,
  partition_assignor: str,
  state: str,
  type: described(str, 'CLASSIC or CONSUMER (KIP-848)'),
  coordinator: relatedSchema,
  consumers: relatedSchema,
  lag_summary: relatedSchema,
});
const consumerSchema = resourceSchema({
  cluster_id: str,
  consumer_group_id: str,
  consumer_id: str,
  instance_id: nullableStr,
  client_id: str,
  assignments: relatedSchema,
  host: described(str, 'Eddy extension: the client host'),
});
const assignmentSchema = resourceSchema({
  cluster_id: str,
  consumer_group_id: str,
  consumer_id: str,
  topic_name: str,
  partition_id: int,
  partition: relatedSchema,
  lag: relatedSchema,
});
const lagSchema = resourceSchema({
  cluster_id: str,
  consumer_group_id: str,
  topic_name: str,
  partition_id: int,
  current_offset: described(nullableInt, 'null when nothing is committed for an assigned partition'),
  log_end_offset: int,
  lag: nullableInt,
  consumer_id: str,
  instance_id: nullableStr,
  client_id: str,
});
const lagSummarySchema = resourceSchema({
  cluster_id: str,
  consumer_group_id: str,
  max_lag_consumer_id: str,
  max_lag_instance_id: nullableStr,
  max_lag_client_id: str,
  max_lag_topic_name: str,
  max_lag_partition_id: int,
  max_lag: int,
  total_lag: int,
  max_lag_consumer: relatedSchema,
  max_lag_partition: relatedSchema,
});

/** A shared view plus the REST v3 parts the UI does not read (kind, metadata, related links). */
type Resource<View> = View & Record<string, unknown>;

type GroupParams = { cluster_id: string; consumer_group_id: string };
const groupParams = obj({ cluster_id: str, consumer_group_id: str });
const consumerParams = obj({ cluster_id: str, consumer_group_id: str, consumer_id: str });
const lagParams = obj({ cluster_id: str, consumer_group_id: str, topic_name: str, partition_id: { type: 'integer', minimum: 0 } });

function groupResource(links: ClusterLinks, nodeId: number, g: GroupSummary): Resource<ConsumerGroupView> {
  return {
    kind: 'KafkaConsumerGroup',
    metadata: links.metadata(['consumer-groups', g.groupId], [['consumer-group', g.groupId]]),
    cluster_id: links.clusterId,
    consumer_group_id: g.groupId,
    is_simple: g.isSimple,
    partition_assignor: g.assignor,
    state: restStateName(g.state),
    type: g.type.toUpperCase(),
    coordinator: links.related('brokers', nodeId),
    consumers: links.related('consumer-groups', g.groupId, 'consumers'),
    lag_summary: links.related('consumer-groups', g.groupId, 'lag-summary'),
  };
}

function consumerResource(links: ClusterLinks, groupId: string, m: GroupMember): Resource<ConsumerView> {
  return {
    kind: 'KafkaConsumer',
    metadata: links.metadata(
      ['consumer-groups', groupId, 'consumers', m.memberId],
      [
        ['consumer-group', groupId],
        ['consumer', m.memberId],
      ],
    ),
    cluster_id: links.clusterId,
    consumer_group_id: groupId,
    consumer_id: m.memberId,
    instance_id: m.instanceId,
    client_id: m.clientId,
    assignments: links.related('consumer-groups', groupId, 'consumers', m.memberId, 'assignments'),
    host: m.host,
  };
}

function lagResource(links: ClusterLinks, groupId: string, l: PartitionLag): Resource<LagView> {
  return {
    kind: 'KafkaConsumerLag',
    metadata: links.metadata(
      ['consumer-groups', groupId, 'lags', l.topic, l.partition],
      [
        ['consumer-group', groupId],
        ['lag', `${l.topic}-${l.partition}`],
      ],
    ),
    cluster_id: links.clusterId,
    consumer_group_id: groupId,
    topic_name: l.topic,
    partition_id: l.partition,
    current_offset: l.committed,
    log_end_offset: l.logEndOffset,
    lag: l.lag,
    consumer_id: l.member?.memberId ?? '',
    instance_id: l.member?.instanceId ?? null,
    client_id: l.member?.clientId ?? '',
  };
}

function lagSummary(links: ClusterLinks, groupId: string, lags: readonly PartitionLag[]): Resource<LagSummaryView> {
  let max: PartitionLag | undefined;
  let total = 0;
  for (const l of lags) {
    total += l.lag ?? 0;
    if (max === undefined || (l.lag ?? 0) > (max.lag ?? 0)) max = l;
  }
  const memberId = max?.member?.memberId ?? '';
  return {
    kind: 'KafkaConsumerGroupLagSummary',
    metadata: links.metadata(['consumer-groups', groupId, 'lag-summary'], [['consumer-group', groupId]]),
    cluster_id: links.clusterId,
    consumer_group_id: groupId,
    max_lag_consumer_id: memberId,
    max_lag_instance_id: max?.member?.instanceId ?? null,
    max_lag_client_id: max?.member?.clientId ?? '',
    max_lag_topic_name: max?.topic ?? '',
    max_lag_partition_id: max?.partition ?? 0,
    max_lag: max?.lag ?? 0,
    total_lag: total,
    max_lag_consumer: links.related('consumer-groups', groupId, 'consumers', memberId),
    max_lag_partition: links.related('topics', max?.topic ?? '', 'partitions', max?.partition ?? 0),
  };
}

function memberOf(group: GroupSummary, consumerId: string): GroupMember {
  const member = group.members.find((m) => m.memberId === consumerId);
  if (!member) throw notFound(`Consumer ${consumerId} cannot be found in group ${group.groupId}.`);
  return member;
}

export const registerRestV3GroupRoutes = consoleRoutes((app: FastifyInstance, { broker }) => {
  const services = broker.services;
  const nodeId = broker.identity.nodeId;
  const groupFor = (request: FastifyRequest<{ Params: GroupParams }>): { links: ClusterLinks; group: GroupSummary } => ({
    links: clusterLinks(broker, request, request.params.cluster_id),
    group: describeGroup(services, request.params.consumer_group_id),
  });
  const schema = (summary: string, params: object, ok: object): object => ({ tags: TAG, summary, params, response: { 200: ok, ...errorResponses } });

  app.get(
    '/v3/clusters/:cluster_id/consumer-groups',
    { schema: schema('Every consumer group', clusterParams, listSchema(groupSchema)) },
    (request: FastifyRequest<{ Params: { cluster_id: string } }>) => {
      const links = clusterLinks(broker, request, request.params.cluster_id);
      const groups = groupIds(services).flatMap((id) => {
        try {
          return [describeGroup(services, id)];
        } catch {
          return []; // gone between the listing and the description
        }
      });
      return links.list(
        'KafkaConsumerGroupList',
        ['consumer-groups'],
        groups.map((g) => groupResource(links, nodeId, g)),
      );
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id',
    { schema: schema('A consumer group', groupParams, groupSchema) },
    (request: FastifyRequest<{ Params: GroupParams }>) => {
      const { links, group } = groupFor(request);
      return groupResource(links, nodeId, group);
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/consumers',
    { schema: schema("A group's consumers", groupParams, listSchema(consumerSchema)) },
    (request: FastifyRequest<{ Params: GroupParams }>) => {
      const { links, group } = groupFor(request);
      return links.list(
        'KafkaConsumerList',
        ['consumer-groups', group.groupId, 'consumers'],
        group.members.map((m) => consumerResource(links, group.groupId, m)),
      );
    },
  );

  type ConsumerRequest = FastifyRequest<{ Params: GroupParams & { consumer_id: string } }>;
  app.get(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/consumers/:consumer_id',
    { schema: schema('A consumer', consumerParams, consumerSchema) },
    (request: ConsumerRequest) => {
      const { links, group } = groupFor(request);
      return consumerResource(links, group.groupId, memberOf(group, request.params.consumer_id));
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/consumers/:consumer_id/assignments',
    { schema: schema("A consumer's assigned partitions", consumerParams, listSchema(assignmentSchema)) },
    (request: ConsumerRequest) => {
      const { links, group } = groupFor(request);
      const member = memberOf(group, request.params.consumer_id);
      const base = ['consumer-groups', group.groupId, 'consumers', member.memberId, 'assignments'];
      const data = member.assignment.flatMap((a) =>
        a.partitions.map((partition): Resource<AssignmentView> => ({
          kind: 'KafkaConsumerAssignment',
          metadata: links.metadata(
            [...base, a.topic, partition],
            [
              ['consumer-group', group.groupId],
              ['consumer', member.memberId],
              ['assignment', `${a.topic}-${partition}`],
            ],
          ),
          cluster_id: links.clusterId,
          consumer_group_id: group.groupId,
          consumer_id: member.memberId,
          topic_name: a.topic,
          partition_id: partition,
          partition: links.related('topics', a.topic, 'partitions', partition),
          lag: links.related('consumer-groups', group.groupId, 'lags', a.topic, partition),
        })),
      );
      return links.list('KafkaConsumerAssignmentList', base, data);
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/lags',
    { schema: schema('The lag of every partition the group committed for or is assigned', groupParams, listSchema(lagSchema)) },
    async (request: FastifyRequest<{ Params: GroupParams }>) => {
      const { links, group } = groupFor(request);
      const lags = await groupLags(services, group);
      return links.list(
        'KafkaConsumerLagList',
        ['consumer-groups', group.groupId, 'lags'],
        lags.map((l) => lagResource(links, group.groupId, l)),
      );
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/lags/:topic_name/:partition_id',
    { schema: schema("One partition's lag", lagParams, lagSchema) },
    async (request: FastifyRequest<{ Params: GroupParams & { topic_name: string; partition_id: number } }>) => {
      const { links, group } = groupFor(request);
      const { topic_name, partition_id } = request.params;
      const lag = (await groupLags(services, group)).find((l) => l.topic === topic_name && l.partition === partition_id);
      if (!lag) throw notFound(`Group ${group.groupId} has no offset for ${topic_name}-${partition_id}.`);
      return lagResource(links, group.groupId, lag);
    },
  );

  app.get(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/lag-summary',
    { schema: schema("The group's largest and total lag", groupParams, lagSummarySchema) },
    async (request: FastifyRequest<{ Params: GroupParams }>) => {
      const { links, group } = groupFor(request);
      return lagSummary(links, group.groupId, await groupLags(services, group));
    },
  );
});
