// AlterUserScramCredentials: v0. Creates, replaces and deletes SCRAM credentials (what kafka-configs.sh
// --alter --add-config 'SCRAM-SHA-256=[password=...]' and Admin.alterUserScramCredentials send: the client salts the
// password); the store validates as Kafka's controller does and persists the result before the answer.
import { AlterUserScramCredentialsRequestCodec } from '../../codecs/generated/AlterUserScramCredentialsRequest';
import { AlterUserScramCredentialsResponseCodec, AlterUserScramCredentialsResponseInit } from '../../codecs/generated/AlterUserScramCredentialsResponse';
import { defineHandler } from './handler';

export const alterUserScramCredentialsHandler = defineHandler({
  request: AlterUserScramCredentialsRequestCodec,
  response: AlterUserScramCredentialsResponseCodec,
  handle(request, ctx): AlterUserScramCredentialsResponseInit {
    return { throttleTimeMs: 0, results: ctx.services.scramCredentials.alter(request.deletions, request.upsertions) };
  },
});
