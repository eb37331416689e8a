// SASL exchanges by hand over a RawClient, for tests that need an authenticated raw connection or that check the
// broker's answers to each step (Kafka's SaslHandshake v1 then SaslAuthenticate, or v0's raw tokens).
import { SaslAuthenticateRequestCodec } from '../../codecs/generated/SaslAuthenticateRequest';
import { SaslAuthenticateResponseCodec, type SaslAuthenticateResponse } from '../../codecs/generated/SaslAuthenticateResponse';
import { SaslHandshakeRequestCodec } from '../../codecs/generated/SaslHandshakeRequest';
import { SaslHandshakeResponseCodec, type SaslHandshakeResponse } from '../../codecs/generated/SaslHandshakeResponse';
import type { RawClient } from './raw-client';

export function handshake(client: RawClient, mechanism: string, version = 1): Promise<SaslHandshakeResponse> {
  return client.request(SaslHandshakeRequestCodec, SaslHandshakeResponseCodec, version, { mechanism });
}

export function authenticate(client: RawClient, token: Buffer | string, version = 2): Promise<SaslAuthenticateResponse> {
  return client.request(SaslAuthenticateRequestCodec, SaslAuthenticateResponseCodec, version, { authBytes: Buffer.from(token) });
}

export function plainToken(user: string, password: string): Buffer {
  return Buffer.from(`\u0000${user}\u0000${password}`, 'utf8');
}

/** Logs in with PLAIN; throws unless both steps succeed. */
export async function plainLogin(client: RawClient, user: string, password: string): Promise<SaslAuthenticateResponse> {
  const shake = await handshake(client, 'PLAIN');
  if (shake.errorCode !== 0) throw new Error(`SaslHandshake failed with ${shake.errorCode}`);
  const auth = await authenticate(client, plainToken(user, password));
  if (auth.errorCode !== 0) throw new Error(`SaslAuthenticate failed: ${auth.errorMessage ?? auth.errorCode}`);
  return auth;
}
