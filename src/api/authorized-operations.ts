// What the "authorized operations" fields of Metadata, DescribeTopicPartitions, DescribeCluster, DescribeGroups and
// ConsumerGroupDescribe hold. Eddy has no authorizer; without one Kafka reports every operation a resource type
// supports when a client asks (KIP-430), as a bit field of AclOperation codes.

function bits(operations: readonly number[]): number {
  return operations.reduce((mask, op) => mask | (1 << op), 0);
}

/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS and ALTER_CONFIGS (3576). */
export const TOPIC_OPERATIONS = bits([3, 4, 5, 6, 7, 8, 10, 11]);
/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS and IDEMPOTENT_WRITE (8096). */
export const CLUSTER_OPERATIONS = bits([5, 7, 8, 9, 10, 11, 12]);
/** The schemas' default, INT32_MIN: the client did not ask. */
export const OPERATIONS_OMITTED = -2147483648;
