// Eddy's consumer group administration (extensions under /api, not part of REST v3): resetting a group's committed
// offsets to the earliest, the latest, a timestamp (ListOffsets' semantics) or a given offset, per topic or
// partition, and deleting a group. Both follow Kafka's rules as kafka-consumer-groups.sh applies them: only a group
// without members (Empty, or unknown for a reset); a given offset outside the log is clamped to it. Offsets are
// committed as an admin client commits them (OffsetCommit with generation -1 and no member id).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PartitionLog } from '../../../storage';
import { ErrorCode } from '../../../codecs/protocol/errors';
import type { BrokerServices } from '../../api/services';
import { consoleRoutes } from '../console/console-scope';
import { arrayOf, bool, described, errorResponses, int, nullableInt, obj, str, stringEnum, strictObj } from '../console/json-schema';
import { describeGroup, type GroupSummary } from '../console/consumer-groups';
import { partitionIndexes, partitionLog, topicOrNotFound } from '../console/partition-logs';
import { badRequest, RestError, restErrorOf, throwIfKafkaError } from '../console/rest-errors';

const TAG = ['Eddy: consumer group admin'];

type Strategy = 'earliest' | 'latest' | 'timestamp' | 'offset';

interface ResetBody {
  readonly strategy: Strategy;
  readonly offset?: number;
  readonly timestamp?: number;
  readonly topics?: ReadonlyArray<{ topic_name: string; partitions?: number[] }>;
  readonly dry_run?: boolean;
}

const resetBody = strictObj(
  {
    strategy: stringEnum(['earliest', 'latest', 'timestamp', 'offset']),
    offset: described({ type: 'integer', minimum: 0 }, 'with strategy=offset; clamped to the log'),
    timestamp: described({ type: 'integer', minimum: 0 }, 'with strategy=timestamp: milliseconds since the epoch'),
    topics: described(
      arrayOf(strictObj({ topic_name: str, partitions: arrayOf({ type: 'integer', minimum: 0 }) }, ['partitions'])),
      'the partitions to reset; every partition the group committed for when absent',
    ),
    dry_run: bool,
  },
  ['offset', 'timestamp', 'topics', 'dry_run'],
);

const resetAnswer = obj({
  consumer_group_id: str,
  dry_run: bool,
  offsets: arrayOf(obj({ topic_name: str, partition_id: int, previous_offset: nullableInt, offset: int })),
});

/** The group as a reset sees it: an unknown group has no members and no offsets, and may be reset. */
function groupOrNone(services: BrokerServices, groupId: string): GroupSummary | null {
  try {
    return describeGroup(services, groupId);
  } catch (err) {
    if (err instanceof RestError && err.status === 404) return null;
    throw err;
  }
}

/** The partitions the request names, or those the group committed offsets for. */
function partitionsToReset(services: BrokerServices, groupId: string, body: ResetBody): Array<{ topic: string; partition: number }> {
  if (body.topics !== undefined) {
    return body.topics.flatMap((t) => {
      const topic = topicOrNotFound(services, t.topic_name);
      return (t.partitions ?? partitionIndexes(topic)).map((partition) => ({ topic: topic.name, partition }));
    });
  }
  const fetched = services.groups.fetchOffsets(groupId, null);
  const committed = fetched.topics.flatMap((t) => t.partitions.filter((p) => p.offset >= 0n).map((p) => ({ topic: t.topic, partition: p.partition })));
  if (committed.length === 0) throw badRequest(`Group ${groupId} has no committed offsets: name the topics to reset`);
  return committed;
}

async function targetOffset(log: PartitionLog, body: ResetBody): Promise<bigint> {
  switch (body.strategy) {
    case 'earliest':
      return log.logStartOffset;
    case 'latest':
      return log.highWatermark;
    case 'timestamp': {
      if (body.timestamp === undefined) throw badRequest('strategy timestamp needs a timestamp');
      const found = await log.offsetForTimestamp(BigInt(body.timestamp));
      return found === null || found.offset > log.highWatermark ? log.highWatermark : found.offset;
    }
    case 'offset': {
      if (body.offset === undefined) throw badRequest('strategy offset needs an offset');
      const wanted = BigInt(body.offset);
      if (wanted < log.logStartOffset) return log.logStartOffset;
      return wanted > log.highWatermark ? log.highWatermark : wanted;
    }
  }
}

export const registerConsumerGroupAdminRoutes = consoleRoutes((app: FastifyInstance, { broker }) => {
  const services = broker.services;
  type GroupRequest<B = unknown> = FastifyRequest<{ Params: { consumer_group_id: string }; Body: B }>;

  app.post(
    '/api/consumer-groups/:consumer_group_id/reset-offsets',
    {
      schema: {
        tags: TAG,
        summary: "Reset an inactive group's committed offsets",
        params: obj({ consumer_group_id: str }),
        body: resetBody,
        response: { 200: resetAnswer, ...errorResponses },
      },
    },
    async (request: GroupRequest<ResetBody>) => {
      const groupId = request.params.consumer_group_id;
      const body = request.body;
      const group = groupOrNone(services, groupId);
      if (group !== null && group.members.length > 0) {
        throwIfKafkaError(
          ErrorCode.NON_EMPTY_GROUP,
          `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${group.state}.`,
        );
      }
      const wanted = partitionsToReset(services, groupId, body);
      const before = services.groups.fetchOffsets(groupId, null);
      const previous = (topic: string, partition: number): number | null => {
        const offset = before.topics.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset;
        return offset === undefined || offset < 0n ? null : Number(offset);
      };
      const offsets: Array<{ topic_name: string; partition_id: number; previous_offset: number | null; offset: number }> = [];
      const commits = [];
      for (const { topic, partition } of wanted) {
        const log = await partitionLog(services, topicOrNotFound(services, topic), partition);
        const offset = await targetOffset(log, body);
        offsets.push({ topic_name: topic, partition_id: partition, previous_offset: previous(topic, partition), offset: Number(offset) });
        commits.push({ topic, partition, offset, leaderEpoch: -1, metadata: '', commitTimestamp: -1n });
      }
      if (body.dry_run !== true) {
        const codes = await services.groups.commitOffsets({
          groupId,
          generationId: -1,
          memberId: '',
          groupInstanceId: null,
          retentionTimeMs: -1n,
          apiVersion: 9,
          partitions: commits,
        });
        const failed = codes.find((code) => code !== ErrorCode.NONE);
        if (failed !== undefined) throw restErrorOf(failed, `The offsets of group ${groupId} could not be committed (Kafka error ${failed}).`);
      }
      return { consumer_group_id: groupId, dry_run: body.dry_run === true, offsets };
    },
  );

  app.delete(
    '/api/consumer-groups/:consumer_group_id',
    {
      schema: {
        tags: TAG,
        summary: 'Delete an empty group and its offsets',
        params: obj({ consumer_group_id: str }),
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request: GroupRequest, reply: FastifyReply) => {
      const groupId = request.params.consumer_group_id;
      const [result] = await services.groups.deleteGroups([groupId]);
      if (result.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) throw restErrorOf(result.errorCode, `Group ${groupId} not found.`);
      if (result.errorCode === ErrorCode.NON_EMPTY_GROUP) throw restErrorOf(result.errorCode, `The group ${groupId} is not empty.`);
      throwIfKafkaError(result.errorCode, `Group ${groupId} could not be deleted (Kafka error ${result.errorCode}).`);
      return reply.status(204).send();
    },
  );
});
