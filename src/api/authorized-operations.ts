// What the "authorized operations" fields of Metadata, DescribeTopicPartitions, DescribeCluster, DescribeGroups and
// ConsumerGroupDescribe hold (KIP-430), as a bit field of AclOperation codes. Without an authorizer Kafka reports
// every operation a resource type supports; with one, those the authorizer allows the request's principal.
import { CLUSTER_NAME, ResourceType, SUPPORTED_OPERATIONS, operationBits } from '../security/acl-types';
import { allowsCluster, AclOperation, requesterOf } from './authorize';
import type { RequestContext } from './handler';

/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS and ALTER_CONFIGS (3576). */
export const TOPIC_OPERATIONS = operationBits(SUPPORTED_OPERATIONS[ResourceType.TOPIC]);
/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS and IDEMPOTENT_WRITE (8096). */
export const CLUSTER_OPERATIONS = operationBits(SUPPORTED_OPERATIONS[ResourceType.CLUSTER]);
/** READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS and ALTER_CONFIGS (3400). */
export const GROUP_OPERATIONS = operationBits(SUPPORTED_OPERATIONS[ResourceType.GROUP]);
/** The schemas' default, INT32_MIN: the client did not ask. */
export const OPERATIONS_OMITTED = -2147483648;

/** Kafka's AuthHelper.authorizedOperations for one resource. */
export function authorizedOperations(ctx: RequestContext, resourceType: ResourceType, name: string): number {
  const authorizer = ctx.services.authorizer;
  if (authorizer === null) return operationBits(SUPPORTED_OPERATIONS[resourceType] ?? []);
  return authorizer.authorizedOperations(requesterOf(ctx), resourceType, name);
}

export function topicOperations(ctx: RequestContext, topic: string): number {
  return authorizedOperations(ctx, ResourceType.TOPIC, topic);
}

export function groupOperations(ctx: RequestContext, group: string): number {
  return authorizedOperations(ctx, ResourceType.GROUP, group);
}

/** Cluster operations as Metadata and DescribeCluster answer them: none (0) without DESCRIBE on the cluster. */
export function clusterOperations(ctx: RequestContext): number {
  return allowsCluster(ctx, AclOperation.DESCRIBE) ? authorizedOperations(ctx, ResourceType.CLUSTER, CLUSTER_NAME) : 0;
}
