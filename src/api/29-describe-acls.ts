// DescribeAcls: v0–3.
// - Eddy has no authorizer, and answers as Apache Kafka does when none is configured: SECURITY_DISABLED with
//   Kafka's message and no resources. Clients treat that as "ACLs are off" (MirrorMaker 2's topic ACL sync stops
//   quietly) where an unsupported API would be an error.
import { DescribeAclsRequestCodec } from '../../codecs/generated/DescribeAclsRequest';
import { DescribeAclsResponseCodec, DescribeAclsResponseInit } from '../../codecs/generated/DescribeAclsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';

export const describeAclsHandler = defineHandler({
  request: DescribeAclsRequestCodec,
  response: DescribeAclsResponseCodec,
  async handle(): Promise<DescribeAclsResponseInit> {
    return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: [] };
  },
});
