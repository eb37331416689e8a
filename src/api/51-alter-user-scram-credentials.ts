// AlterUserScramCredentials: v0. Creates, replaces and deletes SCRAM credentials (what kafka-configs.sh
// --alter --add-config 'SCRAM-SHA-256=[password=...]' and Admin.alterUserScramCredentials send: the client salts the
// password); the store validates as Kafka's controller does and persists the result before the answer.
import { AlterUserScramCredentialsRequestCodec } from '../../codecs/generated/AlterUserScramCredentialsRequest';
import { AlterUserScramCredentialsResponseCodec, AlterUserScramCredentialsResponseInit } from '../../codecs/generated/AlterUserScramCredentialsResponse';
import { defineHandler } from './handler';
import { AclOperation, allowsCluster } from './authorize';
import { ErrorCode } from '../../codecs/protocol/errors';

export const alterUserScramCredentialsHandler = defineHandler({
  request: AlterUserScramCredentialsRequestCodec,
  response: AlterUserScramCredentialsResponseCodec,
  handle(request, ctx): AlterUserScramCredentialsResponseInit {
    if (!allowsCluster(ctx, AclOperation.ALTER)) {
      // Kafka's error response: each user named once, sorted.
      const users = [...new Set([...request.deletions, ...request.upsertions].map((c) => c.name))].sort();
      const refused = { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' };
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, ...refused })) };
    }
    return { throttleTimeMs: 0, results: ctx.services.scramCredentials.alter(request.deletions, request.upsertions) };
  },
});
