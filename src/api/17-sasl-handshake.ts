// SaslHandshake: v0–1. The exchange itself happens before dispatch (src/network/sasl-authenticator.ts); a
// SaslHandshake that reaches a handler came on a listener without SASL, or on an authenticated connection that is
// not re-authenticating, and Kafka answers it ILLEGAL_SASL_STATE with no mechanisms.
import { SaslHandshakeRequestCodec } from '../../codecs/generated/SaslHandshakeRequest';
import { SaslHandshakeResponseCodec, SaslHandshakeResponseInit } from '../../codecs/generated/SaslHandshakeResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';

export const saslHandshakeHandler = defineHandler({
  request: SaslHandshakeRequestCodec,
  response: SaslHandshakeResponseCodec,
  handle(): SaslHandshakeResponseInit {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  },
});
