// DeleteAcls: v0–3.
// - Eddy has no authorizer: like Apache Kafka without one, every filter fails with SECURITY_DISABLED and matches
//   nothing.
import { DeleteAclsRequestCodec } from '../../codecs/generated/DeleteAclsRequest';
import { DeleteAclsResponseCodec, DeleteAclsResponseInit } from '../../codecs/generated/DeleteAclsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';

const NO_AUTHORIZER = { errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: [] };

export const deleteAclsHandler = defineHandler({
  request: DeleteAclsRequestCodec,
  response: DeleteAclsResponseCodec,
  async handle(request): Promise<DeleteAclsResponseInit> {
    return { throttleTimeMs: 0, filterResults: request.filters.map(() => NO_AUTHORIZER) };
  },
});
