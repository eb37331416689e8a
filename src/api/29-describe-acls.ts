// DescribeAcls: v0–3.
// - Without an authorizer (authorizer.class.name unset) Eddy answers as Apache Kafka does when none is configured:
//   SECURITY_DISABLED with Kafka's message and no resources. Clients treat that as "ACLs are off" (MirrorMaker 2's
//   topic ACL sync stops quietly) where an unsupported API would be an error.
// - With one: the principal needs DESCRIBE on the cluster (else CLUSTER_AUTHORIZATION_FAILED); the ACLs the filter
//   selects (ANY and MATCH as Kafka's ResourcePatternFilter) are answered grouped by resource pattern. A filter
//   with an UNKNOWN field, or a v0 filter other than LITERAL/ANY, is refused as Kafka refuses it while parsing:
//   the connection is closed.
import { DescribeAclsRequestCodec } from '../../codecs/generated/DescribeAclsRequest';
import { DescribeAclsResponseCodec, DescribeAclsResponseInit } from '../../codecs/generated/DescribeAclsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { AclBinding } from '../security/acl-types';
import { filtersOf, mayManageAcls, NOT_AUTHORIZED } from './acl-requests';
import { CLOSE_CONNECTION, defineHandler } from './handler';

type ResourceAcls = NonNullable<DescribeAclsResponseInit['resources']>[number];

/** One entry per resource pattern, its ACLs in the order they were created (Kafka's aclsResources). */
function byResource(acls: readonly AclBinding[]): ResourceAcls[] {
  const resources = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: NonNullable<ResourceAcls['acls']>[number][] }>();
  for (const acl of acls) {
    const key = JSON.stringify([acl.resourceType, acl.resourceName, acl.patternType]);
    let resource = resources.get(key);
    if (resource === undefined) {
      resource = { resourceType: acl.resourceType, resourceName: acl.resourceName, patternType: acl.patternType, acls: [] };
      resources.set(key, resource);
    }
    resource.acls.push({ principal: acl.principal, host: acl.host, operation: acl.operation, permissionType: acl.permissionType });
  }
  return [...resources.values()];
}

export const describeAclsHandler = defineHandler({
  request: DescribeAclsRequestCodec,
  response: DescribeAclsResponseCodec,
  handle(request, ctx): DescribeAclsResponseInit | typeof CLOSE_CONNECTION {
    const filters = filtersOf([request], ctx.apiVersion);
    if (filters === null) return CLOSE_CONNECTION;
    if (!mayManageAcls(ctx, false)) return { throttleTimeMs: 0, ...NOT_AUTHORIZED, resources: [] };
    const authorizer = ctx.services.authorizer;
    if (authorizer === null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: [] };
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: byResource(authorizer.describe(filters[0])) };
  },
});
