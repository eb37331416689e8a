// CreatePartitions: v0-3.
// - Grows a topic to `count` partitions; fewer or equal than today gets INVALID_PARTITIONS with Kafka's
//   message, explicit assignments must name only this node (INVALID_REPLICA_ASSIGNMENT), unknown topics get
//   UNKNOWN_TOPIC_OR_PARTITION, a topic listed twice one INVALID_REQUEST; validate_only changes nothing.
// - Internal topics are refused (INVALID_REQUEST): Kafka 4.3.1 would grow __consumer_offsets, re-homing groups.
// - More than 10,000 new partitions in one request fail it as a whole with POLICY_VIOLATION (Kafka's controller
//   bound on records per request).
import { CreatePartitionsRequestCodec } from '../../codecs/generated/CreatePartitionsRequest';
import { CreatePartitionsResponseCodec, CreatePartitionsResponseInit } from '../../codecs/generated/CreatePartitionsResponse';
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import { excessiveBatchError, MAX_RECORDS_PER_USER_OP } from '../topics/operation-limits';
import { isInternalTopic } from '../topics/topic-names';
import { defineHandler } from './handler';
import { AclOperation, topicCheck } from './authorize';
import { admitMutation, mutationQuotaFor, settleMutationQuota } from './mutation-quota';

export const createPartitionsHandler = defineHandler({
  request: CreatePartitionsRequestCodec,
  response: CreatePartitionsResponseCodec,
  async handle(request, ctx): Promise<CreatePartitionsResponseInit> {
    const services = ctx.services;
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const added = request.topics.reduce((sum, t) => sum + Math.max(0, t.count - (services.topics.get(t.name)?.partitions ?? t.count)), 0);
    const tooLarge = added > MAX_RECORDS_PER_USER_OP ? excessiveBatchError() : null;
    // A topic named twice is answered once, before the others, as Kafka's ControllerApis does.
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([name]) => name);
    const results: Array<{ name: string; errorCode: number; errorMessage: string | null }> = duplicates.map((name) => ({
      name,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Duplicate topic name.',
    }));
    const mayAlter = topicCheck(ctx, AclOperation.ALTER);
    for (const [name, count] of counts)
      if (count === 1 && !mayAlter(name)) results.push({ name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null });
    const quota = mutationQuotaFor(ctx, 3);
    for (const t of request.topics) {
      if ((counts.get(t.name) ?? 0) > 1 || !mayAlter(t.name)) continue;
      try {
        if (tooLarge) throw tooLarge;
        const topic = services.topics.get(t.name);
        if (!topic) {
          // Kafka answers an unknown topic with the bare error code and no message.
          results.push({ name: t.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null });
          continue;
        }
        if (isInternalTopic(t.name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Cannot add partitions to internal topic ${t.name}`);
        if (t.count < topic.partitions) {
          throw new KafkaError(
            ErrorCode.INVALID_PARTITIONS,
            `The topic ${t.name} currently has ${topic.partitions} partition(s); ${t.count} would not be an increase.`,
          );
        }
        if (t.count === topic.partitions) {
          throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${topic.partitions} partition(s).`);
        }
        const extra = t.count - topic.partitions;
        if (t.assignments !== null && t.assignments.length !== extra) {
          throw new KafkaError(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `Attempted to add ${extra} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`,
          );
        }
        // Kafka's controller takes the quota here, before it looks at the assigned replicas.
        admitMutation(quota, extra);
        // Every partition of a topic here has one replica, this node.
        if (t.assignments !== null) for (const a of t.assignments) services.topics.checkReplicaList(a.brokerIds, 1);
        if (!request.validateOnly) await services.topics.createPartitions(t.name, t.count);
        results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        results.push({ name: t.name, errorCode: err.code, errorMessage: err.message });
      }
    }
    if (!request.validateOnly) {
      const grown = results.filter((r) => r.errorCode === ErrorCode.NONE).map((r) => r.name);
      await services.topics.partitionFilesMade(grown, request.timeoutMs);
    }
    return { throttleTimeMs: settleMutationQuota(ctx, quota), results };
  },
});
