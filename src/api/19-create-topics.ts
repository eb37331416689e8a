// CreateTopics: v0-7.
// - Kafka's rules: valid names, positive partition counts (-1 = num.partitions), replication factor 1 on this
//   single node (-1 = default.replication.factor; larger gets INVALID_REPLICATION_FACTOR), explicit assignments
//   only onto this node, known topic configs with valid values (INVALID_CONFIG otherwise).
// - validate_only checks everything and creates nothing.
// - controller_mutation_rate: each valid topic takes its partitions from the client's quota (mutation-quota.ts).
// - v5+: the response describes the created topic's partitions, replication factor and configs.
// - A topic named twice in one request gets one INVALID_REQUEST "Duplicate topic name.", after the other answers,
//   as Kafka's ControllerApis does; a null config value is INVALID_CONFIG.
// - A request asking for more than 10,000 partitions in all, or that would write more than 10,000 metadata records
//   (topics + partitions + configs), fails as a whole with POLICY_VIOLATION, Kafka's controller bounds.
import { CreateTopicsRequestCodec } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec, CreateTopicsResponseInit } from '../../codecs/generated/CreateTopicsResponse';
import { TOPIC_CONFIG_BY_NAME } from '../config/topic-configs';
import { BrokerConfigKeys } from '../config/broker-config';
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import {
  excessiveBatchError,
  excessivePartitionsError,
  MAX_PARTITIONS_PER_CREATE,
  MAX_RECORDS_PER_USER_OP,
  topicCreationRecords,
} from '../topics/operation-limits';
import { topicNameProblem } from '../topics/topic-names';
import { ZERO_UUID } from '../../codecs/protocol/uuid';
import { randomUUID } from 'crypto';
import { defineHandler } from './handler';
import { AclOperation, allowsCluster, topicCheck } from './authorize';
import { admitMutation, mutationQuotaFor, settleMutationQuota } from './mutation-quota';

type TopicResult = NonNullable<CreateTopicsResponseInit['topics']>[number];

export const createTopicsHandler = defineHandler({
  request: CreateTopicsRequestCodec,
  response: CreateTopicsResponseCodec,
  async handle(request, ctx): Promise<CreateTopicsResponseInit> {
    const service = ctx.services.topics;
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const defaultPartitions = ctx.services.config.get(BrokerConfigKeys.NUM_PARTITIONS);
    const partitionsOf = (t: (typeof request.topics)[number]): number =>
      t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? defaultPartitions : Math.max(0, t.numPartitions);
    const totalPartitions = request.topics.reduce((sum, t) => sum + partitionsOf(t), 0);
    const records = request.topics.reduce((sum, t) => sum + topicCreationRecords(partitionsOf(t), t.configs.length), 0);
    const tooLarge =
      totalPartitions > MAX_PARTITIONS_PER_CREATE ? excessivePartitionsError() : records > MAX_RECORDS_PER_USER_OP ? excessiveBatchError() : null;
    const failure = (name: string, code: number, message: string): TopicResult => ({
      name,
      topicId: ZERO_UUID,
      errorCode: code,
      errorMessage: message,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    });
    if (tooLarge) return { throttleTimeMs: 0, topics: request.topics.map((t) => failure(t.name, tooLarge.code, tooLarge.message)) };
    const results: TopicResult[] = [];
    // Kafka's ControllerApis: CREATE on the cluster or the topic, answered after the others; configs need DESCRIBE_CONFIGS.
    const mayCreate = allowsCluster(ctx, AclOperation.CREATE) ? (): boolean => true : topicCheck(ctx, AclOperation.CREATE);
    const mayDescribeConfigs = topicCheck(ctx, AclOperation.DESCRIBE_CONFIGS);
    const quota = mutationQuotaFor(ctx, 6);
    for (const t of request.topics) {
      // A name given twice is answered once, after the others, as Kafka's ControllerApis does.
      if ((counts.get(t.name) ?? 0) > 1 || !mayCreate(t.name)) continue;
      const nullConfigs = t.configs.filter((c) => c.value === null).map((c) => c.name);
      if (nullConfigs.length > 0 && topicNameProblem(t.name) === null && !service.get(t.name)) {
        results.push(failure(t.name, ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nullConfigs.join(',')}`));
        continue;
      }
      const configs: Record<string, string> = {};
      for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
      const spec = {
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        configs,
        assignments: t.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: a.brokerIds })),
      };
      try {
        const shape = service.validateCreate(spec);
        // Kafka's controller takes the quota once a topic is valid, validate_only included.
        admitMutation(quota, shape.partitions);
        const created = request.validateOnly ? undefined : await service.create(spec);
        // Kafka mints an id for a validateOnly creation too, and throws it away.
        const described = created ?? { name: t.name, topicId: randomUUID(), partitions: shape.partitions, configs };
        results.push({
          name: t.name,
          topicId: described.topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: shape.partitions,
          replicationFactor: shape.replicationFactor,
          configs: service.resolveAllConfigs(described).map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: false,
            configSource: c.source,
            isSensitive: TOPIC_CONFIG_BY_NAME.get(c.name)?.sensitive ?? false,
          })),
        });
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        results.push(failure(t.name, err.code, err.message));
      }
    }
    if (!request.validateOnly) {
      const created = results.flatMap((r) => (r.errorCode === ErrorCode.NONE && r.name !== undefined ? [r.name] : []));
      await service.partitionFilesMade(created, request.timeoutMs);
    }
    for (const [name, count] of counts) if (count > 1) results.push(failure(name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
    for (const [name, count] of counts)
      if (count === 1 && !mayCreate(name)) results.push(failure(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.'));
    const withConfigs = (r: TopicResult): TopicResult =>
      r.errorCode === ErrorCode.NONE && !mayDescribeConfigs(r.name ?? '')
        ? { ...r, numPartitions: -1, replicationFactor: -1, configs: [], topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED }
        : r;
    return { throttleTimeMs: settleMutationQuota(ctx, quota), topics: results.map(withConfigs) };
  },
});
