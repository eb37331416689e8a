// CreateAcls: v0–3.
// - Eddy has no authorizer: like Apache Kafka without one, every creation fails with SECURITY_DISABLED.
import { CreateAclsRequestCodec } from '../../codecs/generated/CreateAclsRequest';
import { CreateAclsResponseCodec, CreateAclsResponseInit } from '../../codecs/generated/CreateAclsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';

export const createAclsHandler = defineHandler({
  request: CreateAclsRequestCodec,
  response: CreateAclsResponseCodec,
  async handle(request): Promise<CreateAclsResponseInit> {
    return {
      throttleTimeMs: 0,
      results: request.creations.map(() => ({ errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' })),
    };
  },
});
