// SASL/PLAIN (RFC 4616) as Kafka's PlainSaslServer: one message "[authzid] NUL user NUL password", checked
// against the configured users, with Kafka's messages for each failure.
import type * as Crypto from 'crypto';
import { SaslAuthenticationError, type SaslServer } from './sasl-server';

/** crypto, required on first use: its ~36 built-in modules are not needed before a broker's first answer. */
const crypto = (): typeof Crypto => require('crypto') as typeof Crypto;

/** Looks a PLAIN user's password up; null for an unknown user. */
export type PasswordLookup = (user: string) => string | null;

function digest(text: string): Buffer {
  return crypto().createHash('sha256').update(text, 'utf8').digest();
}

/** Compares digests so neither the length nor the content of the stored password leaks through timing. */
function passwordMatches(expected: string | null, given: string): boolean {
  const got = digest(given);
  if (expected === null) {
    crypto().timingSafeEqual(got, got);
    return false;
  }
  return crypto().timingSafeEqual(digest(expected), got);
}

function splitMessage(message: string): [string, string, string] {
  const tokens: string[] = [];
  let start = 0;
  for (let i = 0; i < 4; i++) {
    const end = message.indexOf('\u0000', start);
    if (end < 0) {
      tokens.push(message.slice(start));
      break;
    }
    tokens.push(message.slice(start, end));
    start = end + 1;
  }
  if (tokens.length !== 3) throw new SaslAuthenticationError(`Invalid SASL/PLAIN response: expected 3 tokens, got ${tokens.length}`);
  return [tokens[0], tokens[1], tokens[2]];
}

export class PlainSaslServer implements SaslServer {
  readonly mechanism = 'PLAIN';
  private user: string | null = null;

  constructor(private readonly passwordOf: PasswordLookup) {}

  get complete(): boolean {
    return this.user !== null;
  }

  evaluate(token: Buffer): Buffer {
    const [authorizationId, user, password] = splitMessage(token.toString('utf8'));
    if (user.length === 0) throw new SaslAuthenticationError('Authentication failed: username not specified');
    if (password.length === 0) throw new SaslAuthenticationError('Authentication failed: password not specified');
    if (!passwordMatches(this.passwordOf(user), password)) throw new SaslAuthenticationError('Authentication failed: Invalid username or password');
    if (authorizationId.length > 0 && authorizationId !== user) {
      throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username');
    }
    this.user = user;
    return Buffer.alloc(0);
  }

  authorizationId(): string {
    if (this.user === null) throw new Error('Authentication exchange has not completed');
    return this.user;
  }

  credentialExpiresAtMs(): null {
    return null;
  }
}
