// The one way a handler asks the authorizer, as Kafka's AuthHelper does: with no authorizer configured every
// question answers yes, so each handler's check is a single call that changes nothing when ACLs are off.
import { principalText } from '../security/principal';
import { AclOperation, CLUSTER_NAME, ResourceType } from '../security/acl-types';
import type { AclRequester } from '../security/authorizer';
import type { RequestContext } from './handler';

export { AclOperation, ResourceType };

export function requesterOf(ctx: RequestContext): AclRequester {
  return { principal: principalText(ctx.principal), host: ctx.clientHost };
}

/** May the request's principal, from its host, perform `operation` on the named resource? */
export function allows(ctx: RequestContext, operation: AclOperation, resourceType: ResourceType, name: string): boolean {
  const authorizer = ctx.services.authorizer;
  return authorizer === null || authorizer.authorize(requesterOf(ctx), operation, resourceType, name);
}

export function allowsCluster(ctx: RequestContext, operation: AclOperation): boolean {
  return allows(ctx, operation, ResourceType.CLUSTER, CLUSTER_NAME);
}

export function allowsTopic(ctx: RequestContext, operation: AclOperation, topic: string): boolean {
  return allows(ctx, operation, ResourceType.TOPIC, topic);
}

export function allowsGroup(ctx: RequestContext, operation: AclOperation, group: string): boolean {
  return allows(ctx, operation, ResourceType.GROUP, group);
}

export function allowsTransactionalId(ctx: RequestContext, operation: AclOperation, transactionalId: string): boolean {
  return allows(ctx, operation, ResourceType.TRANSACTIONAL_ID, transactionalId);
}

/** Kafka's authorizeByResourceType: may the principal do `operation` on at least one resource of the type? */
export function allowsSomeOf(ctx: RequestContext, operation: AclOperation, resourceType: ResourceType): boolean {
  const authorizer = ctx.services.authorizer;
  return authorizer === null || authorizer.authorizeByResourceType(requesterOf(ctx), operation, resourceType);
}

/**
 * A per-request memo of topic decisions (Kafka's filterByAuthorized asks once per distinct name): a request naming
 * a topic in many partitions asks the authorizer once.
 */
export function topicCheck(ctx: RequestContext, operation: AclOperation): (topic: string) => boolean {
  if (ctx.services.authorizer === null) return () => true;
  const decided = new Map<string, boolean>();
  return (topic) => {
    let allowed = decided.get(topic);
    if (allowed === undefined) decided.set(topic, (allowed = allowsTopic(ctx, operation, topic)));
    return allowed;
  };
}

/** Config resource types (DescribeConfigs, AlterConfigs): not ACL resource types. */
const CONFIG_TOPIC = 2;
const CONFIG_GROUP = 32;

const AUTHORIZATION_MESSAGES: Readonly<Record<number, string>> = {
  29: 'Topic authorization failed.',
  30: 'Group authorization failed.',
  31: 'Cluster authorization failed.',
};

/**
 * Kafka's answer when a config resource may not be described or altered (DESCRIBE_CONFIGS or ALTER_CONFIGS on the
 * topic or group, on the cluster for broker-level resources), with Kafka's message; null when allowed.
 */
export function configRefusal(ctx: RequestContext, resourceType: number, name: string, alter: boolean): { errorCode: number; errorMessage: string } | null {
  const operation = alter ? AclOperation.ALTER_CONFIGS : AclOperation.DESCRIBE_CONFIGS;
  const [allowed, errorCode] =
    resourceType === CONFIG_TOPIC
      ? [allowsTopic(ctx, operation, name), 29]
      : resourceType === CONFIG_GROUP
        ? [allowsGroup(ctx, operation, name), 30]
        : [allowsCluster(ctx, operation), 31];
  return allowed ? null : { errorCode, errorMessage: AUTHORIZATION_MESSAGES[errorCode] };
}

export interface ResourceRef {
  readonly resourceType: number;
  readonly resourceName: string;
}

/** The refused resources' answers put back among the others' (`answered`, in order), as the request listed them. */
export function inRequestOrder<A>(
  requested: readonly ResourceRef[],
  answered: readonly A[],
  refusal: (r: ResourceRef) => { errorCode: number; errorMessage: string } | null,
): Array<A | (ResourceRef & { errorCode: number; errorMessage: string })> {
  let next = 0;
  return requested.map((r) => {
    const refused = refusal(r);
    return refused === null ? answered[next++] : { resourceType: r.resourceType, resourceName: r.resourceName, ...refused };
  });
}
