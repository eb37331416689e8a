// CreateAcls: v0–3.
// - Without an authorizer, like Apache Kafka without one, every creation fails with SECURITY_DISABLED.
// - With one: the principal needs ALTER on the cluster (else CLUSTER_AUTHORIZATION_FAILED for every creation);
//   each ACL is checked as Kafka's AclApis and AclControlManager check it (INVALID_REQUEST with Kafka's messages:
//   a CLUSTER resource not named kafka-cluster, an empty name, ANY/MATCH patterns, ANY operations or permissions),
//   the valid ones are stored (an existing one again is a success that stores nothing) and persisted. An UNKNOWN
//   field, or a v0 creation that is not LITERAL, is refused as Kafka refuses it while parsing: the connection closes.
import { CreateAclsRequestCodec, type CreateAclsRequestAclCreation } from '../../codecs/generated/CreateAclsRequest';
import { CreateAclsResponseCodec, CreateAclsResponseInit } from '../../codecs/generated/CreateAclsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { operationOf, patternTypeOf, permissionTypeOf, resourceTypeOf, PatternType, type AclBinding } from '../security/acl-types';
import { mayManageAcls, NO_AUTHORIZER_MESSAGE, NOT_AUTHORIZED } from './acl-requests';
import { CLOSE_CONNECTION, defineHandler } from './handler';

function bindingOf(c: CreateAclsRequestAclCreation): AclBinding {
  return {
    resourceType: resourceTypeOf(c.resourceType),
    resourceName: c.resourceName,
    patternType: patternTypeOf(c.resourcePatternType),
    principal: c.principal,
    host: c.host,
    operation: operationOf(c.operation),
    permissionType: permissionTypeOf(c.permissionType),
  };
}

function unparseable(bindings: readonly AclBinding[], version: number): boolean {
  return bindings.some(
    (b) =>
      b.resourceType === 0 || b.patternType === 0 || b.operation === 0 || b.permissionType === 0 || (version === 0 && b.patternType !== PatternType.LITERAL),
  );
}

export const createAclsHandler = defineHandler({
  request: CreateAclsRequestCodec,
  response: CreateAclsResponseCodec,
  handle(request, ctx): CreateAclsResponseInit | typeof CLOSE_CONNECTION {
    const bindings = request.creations.map(bindingOf);
    if (unparseable(bindings, ctx.apiVersion)) return CLOSE_CONNECTION;
    const everyOne = (result: { errorCode: number; errorMessage: string }): CreateAclsResponseInit => ({
      throttleTimeMs: 0,
      results: bindings.map(() => result),
    });
    if (!mayManageAcls(ctx, true)) return everyOne(NOT_AUTHORIZED);
    const authorizer = ctx.services.authorizer;
    if (authorizer === null) return everyOne({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER_MESSAGE });
    const results = authorizer.create(bindings).map((problem) => problem ?? { errorCode: ErrorCode.NONE, errorMessage: null });
    return { throttleTimeMs: 0, results };
  },
});
