// DeleteAcls: v0–3.
// - Without an authorizer, like Apache Kafka without one, every filter fails with SECURITY_DISABLED and matches
//   nothing.
// - With one: the principal needs ALTER on the cluster (else CLUSTER_AUTHORIZATION_FAILED for every filter); each
//   filter removes the ACLs it selects (ANY and MATCH as for DescribeAcls) and lists them; the change is persisted
//   once. A filter with an UNKNOWN field (or a v0 one other than LITERAL/ANY) closes the connection, as Kafka
//   refuses it while parsing.
import { DeleteAclsRequestCodec } from '../../codecs/generated/DeleteAclsRequest';
import { DeleteAclsResponseCodec, DeleteAclsResponseInit } from '../../codecs/generated/DeleteAclsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { filtersOf, matchingAclOf, mayManageAcls, NO_AUTHORIZER_MESSAGE, NOT_AUTHORIZED } from './acl-requests';
import { CLOSE_CONNECTION, defineHandler } from './handler';

export const deleteAclsHandler = defineHandler({
  request: DeleteAclsRequestCodec,
  response: DeleteAclsResponseCodec,
  handle(request, ctx): DeleteAclsResponseInit | typeof CLOSE_CONNECTION {
    const filters = filtersOf(request.filters, ctx.apiVersion);
    if (filters === null) return CLOSE_CONNECTION;
    const everyOne = (result: { errorCode: number; errorMessage: string }): DeleteAclsResponseInit => ({
      throttleTimeMs: 0,
      filterResults: filters.map(() => ({ ...result, matchingAcls: [] })),
    });
    if (!mayManageAcls(ctx, true)) return everyOne(NOT_AUTHORIZED);
    const authorizer = ctx.services.authorizer;
    if (authorizer === null) return everyOne({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: NO_AUTHORIZER_MESSAGE });
    const removed = authorizer.delete(filters);
    return {
      throttleTimeMs: 0,
      filterResults: removed.map((acls) => ({ errorCode: ErrorCode.NONE, errorMessage: null, matchingAcls: acls.map(matchingAclOf) })),
    };
  },
});
