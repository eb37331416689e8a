// Kafka's controller refuses a single admin request that would write more than 10,000 metadata records (one per
// topic, partition and config), answering POLICY_VIOLATION for the whole request. Eddy keeps the same bound: it is
// what stops one CreateTopics or CreatePartitions with a partition count of 2^31-1 from creating partitions (and
// directories) until the disk or the process gives out.
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';

export const MAX_RECORDS_PER_USER_OP = 10_000;

export function excessiveBatchError(): KafkaError {
  return new KafkaError(ErrorCode.POLICY_VIOLATION, 'Unable to perform excessively large batch operation.');
}

/** Records Kafka would write for one new topic: the topic, each partition, each config. Invalid counts add none. */
export function topicCreationRecords(partitions: number, configCount: number): number {
  return 1 + (Number.isInteger(partitions) && partitions > 0 ? partitions : 0) + configCount;
}

/** Kafka's controller also bounds the partitions one CreateTopics request asks for, before anything else. */
export const MAX_PARTITIONS_PER_CREATE = 10_000;

export function excessivePartitionsError(): KafkaError {
  return new KafkaError(ErrorCode.POLICY_VIOLATION, 'Excessively large number of partitions per request.');
}
