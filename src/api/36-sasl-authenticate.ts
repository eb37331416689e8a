// SaslAuthenticate: v0–2. Tokens are evaluated before dispatch (src/network/sasl-authenticator.ts); one that
// reaches a handler arrived after authentication or on a listener without SASL, and Kafka answers it so.
import { SaslAuthenticateRequestCodec } from '../../codecs/generated/SaslAuthenticateRequest';
import { SaslAuthenticateResponseCodec, SaslAuthenticateResponseInit } from '../../codecs/generated/SaslAuthenticateResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';

export const saslAuthenticateHandler = defineHandler({
  request: SaslAuthenticateRequestCodec,
  response: SaslAuthenticateResponseCodec,
  handle(): SaslAuthenticateResponseInit {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication' };
  },
});
