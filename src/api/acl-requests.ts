// What the three ACL APIs share: the check every one of them starts with (DescribeAcls needs DESCRIBE on the
// cluster, CreateAcls and DeleteAcls ALTER, as Kafka's AclApis), Kafka's answer when no authorizer is configured,
// and the translation between wire fields and ACL bindings.
import { ErrorCode } from '../../codecs/protocol/errors';
import { filterFromWire, filterHasUnknown, type AclBinding, type AclBindingFilter, type WireAclFilter } from '../security/acl-types';
import { allowsCluster, AclOperation } from './authorize';
import type { RequestContext } from './handler';

export const NO_AUTHORIZER_MESSAGE = 'No Authorizer is configured.';

/** Kafka's ClusterAuthorizationException for a refused ACL request (Kafka's text names its internal request object). */
export const NOT_AUTHORIZED = { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Request is not authorized.' } as const;

/** Whether the request's principal may make this ACL request: DESCRIBE on the cluster to list, ALTER to change. */
export function mayManageAcls(ctx: RequestContext, change: boolean): boolean {
  return allowsCluster(ctx, change ? AclOperation.ALTER : AclOperation.DESCRIBE);
}

/** Version 0 knows only literal patterns: Kafka reads ANY as LITERAL there and refuses the others while parsing. */
export function filtersOf(wire: readonly WireAclFilter[], version: number): AclBindingFilter[] | null {
  const filters = wire.map((w) => {
    const filter = filterFromWire(w);
    return version === 0 && filter.patternType === 1 ? { ...filter, patternType: 3 as const } : filter;
  });
  if (filters.some((f) => filterHasUnknown(f) || (version === 0 && f.patternType !== 3))) return null;
  return filters;
}

/** An ACL as the DeleteAcls answer lists it. */
export function matchingAclOf(acl: AclBinding): {
  errorCode: number;
  errorMessage: null;
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
} {
  return { errorCode: ErrorCode.NONE, errorMessage: null, ...acl };
}
