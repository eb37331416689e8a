// DescribeUserScramCredentials: v0. Lists the SCRAM mechanisms and iteration counts of the named users (all users
// when none is named), with Kafka's errors for unknown and repeated users; salts and keys never leave the broker.
import { DescribeUserScramCredentialsRequestCodec } from '../../codecs/generated/DescribeUserScramCredentialsRequest';
import {
  DescribeUserScramCredentialsResponseCodec,
  DescribeUserScramCredentialsResponseInit,
} from '../../codecs/generated/DescribeUserScramCredentialsResponse';
import { defineHandler } from './handler';
import { AclOperation, allowsCluster } from './authorize';
import { ErrorCode } from '../../codecs/protocol/errors';

export const describeUserScramCredentialsHandler = defineHandler({
  request: DescribeUserScramCredentialsRequestCodec,
  response: DescribeUserScramCredentialsResponseCodec,
  handle(request, ctx): DescribeUserScramCredentialsResponseInit {
    const users = request.users === null ? null : request.users.map((u) => u.name);
    if (!allowsCluster(ctx, AclOperation.DESCRIBE)) {
      const refused = { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' };
      return { throttleTimeMs: 0, ...refused, results: (users ?? []).map(() => ({ user: '', ...refused, credentialInfos: [] })) };
    }
    return { throttleTimeMs: 0, errorCode: 0, results: ctx.services.scramCredentials.describe(users) };
  },
});
