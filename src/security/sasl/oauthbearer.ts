// SASL/OAUTHBEARER (RFC 7628) as Kafka's OAuthBearerSaslServer: the client's initial response carries
// "auth=Bearer <token>"; a token that does not validate is answered with a JSON error challenge, the client
// acknowledges it with 0x01 and the exchange fails with that JSON as the error message. The token is checked as
// Kafka's default validator does (an unsecured JWS: alg "none", empty signature, a string principal claim, exp in
// the future), or, when sasl.oauthbearer.jwks.endpoint.url names a local JWKS file, as a signed JWT verified against
// those keys with the expected issuer and audience. The token's expiry bounds the session (KIP-368).
import type { KeyObject, JsonWebKey } from 'crypto';
import type * as Crypto from 'crypto';
import * as fs from 'fs';
import { fileURLToPath } from 'url';
import { SaslAuthenticationError, SaslError, type SaslServer } from './sasl-server';
import { SecurityConfigError } from '../listener-security';

/** crypto, required on first use: its ~36 built-in modules are not needed before a broker's first answer. */
const crypto = (): typeof Crypto => require('crypto') as typeof Crypto;

export interface UnsecuredValidation {
  readonly kind: 'unsecured';
  readonly principalClaim: string;
  readonly allowableClockSkewMs: number;
}

export interface JwksValidation {
  readonly kind: 'jwks';
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly principalClaim: string;
  readonly expectedAudience: readonly string[];
  readonly expectedIssuer: string | null;
  readonly allowableClockSkewMs: number;
}

export type TokenValidation = UnsecuredValidation | JwksValidation;

interface ValidToken {
  readonly principal: string;
  readonly expiresAtMs: number;
}

const SEPARATOR = '\u0001';
const INITIAL_RESPONSE = /^n,(?:a=((?:[\x01-\x2B\x2D-\x3C\x3E-\x7F]|=2C|=3D)+))?,\u0001((?:[A-Za-z]+=[\x21-\x7E \t\r\n]+\u0001)*)\u0001$/;
const AUTH_VALUE = /^([\w]+)[ ]+([-_~+/.a-zA-Z0-9]+=*)$/;
const ALGORITHMS: Readonly<Record<string, { readonly hash: string; readonly pss?: true; readonly ec?: true }>> = {
  RS256: { hash: 'sha256' },
  RS384: { hash: 'sha384' },
  RS512: { hash: 'sha512' },
  PS256: { hash: 'sha256', pss: true },
  PS384: { hash: 'sha384', pss: true },
  PS512: { hash: 'sha512', pss: true },
  ES256: { hash: 'sha256', ec: true },
  ES384: { hash: 'sha384', ec: true },
  ES512: { hash: 'sha512', ec: true },
};

class InvalidToken extends Error {}

function jsonPart(part: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidToken(`the token's ${what} is not base64url-encoded JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidToken(`the token's ${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

function numericClaim(claims: Record<string, unknown>, name: string, required: boolean): number | null {
  const value = claims[name];
  if (value === undefined) {
    if (required) throw new InvalidToken(`Required claim missing: ${name}`);
    return null;
  }
  if (typeof value !== 'number') throw new InvalidToken(`Claim ${name} is not a number`);
  return value * 1000;
}

function checkTimes(claims: Record<string, unknown>, skewMs: number, now: number): number {
  const expiresAtMs = numericClaim(claims, 'exp', true) as number;
  const issuedAtMs = numericClaim(claims, 'iat', false);
  if (now - skewMs >= expiresAtMs) throw new InvalidToken('The token has expired');
  if (issuedAtMs !== null && issuedAtMs > now + skewMs) throw new InvalidToken('The token was issued in the future');
  if (issuedAtMs !== null && issuedAtMs >= expiresAtMs) throw new InvalidToken('The token expires before it was issued');
  const notBeforeMs = numericClaim(claims, 'nbf', false);
  if (notBeforeMs !== null && notBeforeMs > now + skewMs) throw new InvalidToken('The token is not valid yet');
  return expiresAtMs;
}

function principalOf(claims: Record<string, unknown>, claim: string): string {
  const value = claims[claim];
  if (typeof value !== 'string' || value.trim().length === 0) throw new InvalidToken(`Required claim missing or not a string: ${claim}`);
  return value;
}

function verifySignature(validation: JwksValidation, header: Record<string, unknown>, signed: string, signature: string): void {
  const alg = typeof header.alg === 'string' ? ALGORITHMS[header.alg] : undefined;
  if (alg === undefined) throw new InvalidToken(`Unsupported signature algorithm ${String(header.alg)}`);
  const key = typeof header.kid === 'string' ? validation.keys.get(header.kid) : validation.keys.size === 1 ? [...validation.keys.values()][0] : undefined;
  if (key === undefined) throw new InvalidToken('No key in the JWKS matches the token');
  const ok = crypto().verify(
    alg.hash,
    Buffer.from(signed, 'ascii'),
    { key, ...(alg.pss ? { padding: 6, saltLength: -1 } : {}), ...(alg.ec ? { dsaEncoding: 'ieee-p1363' as const } : {}) },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new InvalidToken('The token signature does not verify');
}

/** Checks a compact JWS as the configured validator does; throws InvalidToken with the reason (for the log). */
export function validateToken(token: string, validation: TokenValidation, now = Date.now()): ValidToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidToken('the token is not a compact JWS (three dot-separated parts)');
  const header = jsonPart(parts[0], 'header');
  const claims = jsonPart(parts[1], 'payload');
  if (validation.kind === 'unsecured') {
    if (parts[2].length > 0) throw new InvalidToken('an unsecured token must have an empty signature');
    if (header.alg !== 'none') throw new InvalidToken('an unsecured token must have alg "none"');
  } else {
    verifySignature(validation, header, `${parts[0]}.${parts[1]}`, parts[2]);
    if (validation.expectedIssuer !== null && claims.iss !== validation.expectedIssuer) throw new InvalidToken('The token issuer is not the expected one');
    if (validation.expectedAudience.length > 0) {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.some((a) => typeof a === 'string' && validation.expectedAudience.includes(a)))
        throw new InvalidToken('The token audience is not an expected one');
    }
  }
  const principal = principalOf(claims, validation.principalClaim);
  return { principal, expiresAtMs: checkTimes(claims, validation.allowableClockSkewMs, now) };
}

/** Reads a JWKS file (a path, or a file: URL as Kafka's sasl.oauthbearer.jwks.endpoint.url takes it). */
export function loadJwks(location: string): Map<string, KeyObject> {
  const file = location.startsWith('file:') ? fileURLToPath(location) : location;
  if (/^https?:/i.test(location))
    throw new SecurityConfigError('sasl.oauthbearer.jwks.endpoint.url: Eddy reads a local JWKS file (file:///path), not an HTTP endpoint');
  let parsed: { keys?: Array<JsonWebKey & { kid?: string }> };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new SecurityConfigError(`Cannot read the JWKS ${file}: ${(err as Error).message}`);
  }
  const keys = new Map<string, KeyObject>();
  (parsed.keys ?? []).forEach((jwk, i) => keys.set(jwk.kid ?? `#${i}`, crypto().createPublicKey({ key: jwk, format: 'jwk' })));
  if (keys.size === 0) throw new SecurityConfigError(`The JWKS ${file} holds no keys`);
  return keys;
}

export class OAuthBearerSaslServer implements SaslServer {
  readonly mechanism = 'OAUTHBEARER';
  private token: ValidToken | null = null;
  private errorMessage: string | null = null;

  constructor(private readonly validation: TokenValidation) {}

  get complete(): boolean {
    return this.token !== null;
  }

  evaluate(response: Buffer): Buffer {
    if (response.length === 1 && response[0] === 1 && this.errorMessage !== null) throw new SaslAuthenticationError(this.errorMessage);
    this.errorMessage = null;
    const m = INITIAL_RESPONSE.exec(response.toString('utf8'));
    if (m === null) throw new SaslError('Invalid OAUTHBEARER client first message');
    const authzid = m[1] ?? '';
    const properties = new Map(
      m[2]
        .split(SEPARATOR)
        .filter((kv) => kv.length > 0)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const),
    );
    const auth = AUTH_VALUE.exec(properties.get('auth') ?? '');
    if (auth === null || auth[1].toLowerCase() !== 'bearer') throw new SaslError('Invalid scheme in OAUTHBEARER client first message');
    let token: ValidToken;
    try {
      token = validateToken(auth[2], this.validation);
    } catch (err) {
      if (!(err instanceof InvalidToken)) throw err;
      this.errorMessage = '{"status":"invalid_token"}';
      this.rejection = err.message;
      return Buffer.from(this.errorMessage, 'utf8');
    }
    if (authzid.length > 0 && authzid !== token.principal) {
      throw new SaslAuthenticationError(
        `Authentication failed: Client requested an authorization id (${authzid}) that is different from the token's principal name (${token.principal})`,
      );
    }
    this.token = token;
    return Buffer.alloc(0);
  }

  /** Why the last token was refused, for the log (the client sees only Kafka's JSON status). */
  rejection: string | null = null;

  authorizationId(): string {
    if (this.token === null) throw new Error('Authentication exchange has not completed');
    return this.token.principal;
  }

  credentialExpiresAtMs(): number | null {
    return this.token?.expiresAtMs ?? null;
  }
}
