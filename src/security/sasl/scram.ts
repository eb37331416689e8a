// SASL/SCRAM-SHA-256 and SCRAM-SHA-512 on the broker's side (RFC 5802, RFC 7677), with the message grammar and the
// failures of Kafka's ScramSaslServer: client-first (user, nonce) gets the salt and iterations, client-final
// (proof) is checked against the stored key and answered with the server signature. Delegation-token logins
// (the tokenauth extension) are refused: Eddy has no delegation tokens.
import type * as Crypto from 'crypto';
import { SaslAuthenticationError, SaslError, type SaslServer } from './sasl-server';
import { hash, hmac, MIN_ITERATIONS, xor, type ScramCredential, type ScramMechanism } from './scram-crypto';

/** crypto, required on first use: its ~36 built-in modules are not needed before a broker's first answer. */
const crypto = (): typeof Crypto => require('crypto') as typeof Crypto;

export type ScramCredentialLookup = (user: string, mechanism: ScramMechanism) => ScramCredential | null;

// Kafka's ScramMessages grammar; Java's [\x01-\x7F&&[^=,]] written out as ranges.
const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+';
const VALUE = '[\\x01-\\x2B\\x2D-\\x7F]+';
const PRINTABLE = '[\\x21-\\x2B\\x2D-\\x7E]+';
const BASE64 = '(?:[a-zA-Z0-9/+]{4})*(?:[a-zA-Z0-9/+]{3}=|[a-zA-Z0-9/+]{2}==)?';
const EXTENSIONS = `(?:,[A-Za-z]+=${VALUE})*`;
const CLIENT_FIRST = new RegExp(`^n,(?:a=(${SASLNAME}))?,(?:m=${VALUE},)?(n=(${SASLNAME}),r=(${PRINTABLE})(${EXTENSIONS}))$`);
const CLIENT_FINAL = new RegExp(`^(c=${BASE64},r=(${PRINTABLE})${EXTENSIONS}),p=(${BASE64})$`);

/** Kafka's ScramFormatter.username: "=2C" is a comma, "=3D" an equals sign, any other "=" is invalid. */
function username(saslName: string): string {
  const withCommas = saslName.replace(/=2C/g, ',');
  if (withCommas.replace(/=3D/g, '').includes('=')) throw new SaslError(`Invalid username: ${saslName}`);
  return withCommas.replace(/=3D/g, '=');
}

interface FirstExchange {
  readonly user: string;
  readonly credential: ScramCredential;
  readonly clientFirstBare: string;
  readonly serverFirst: string;
  readonly nonce: string;
}

export class ScramSaslServer implements SaslServer {
  private first: FirstExchange | null = null;
  private done: string | null = null;
  private failed = false;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly credentialOf: ScramCredentialLookup,
  ) {}

  get complete(): boolean {
    return this.done !== null;
  }

  evaluate(token: Buffer): Buffer {
    if (this.failed || this.done !== null)
      throw new SaslAuthenticationError('Unexpected challenge in Sasl server state ' + (this.failed ? 'FAILED' : 'COMPLETE'));
    try {
      return this.first === null ? this.clientFirst(token.toString('utf8')) : this.clientFinal(token.toString('utf8'), this.first);
    } catch (err) {
      this.failed = true;
      this.first = null;
      throw err;
    }
  }

  private clientFirst(message: string): Buffer {
    const m = CLIENT_FIRST.exec(message);
    if (m === null) throw new SaslError('Invalid SCRAM client first message format');
    const [, authzid, clientFirstBare, saslName, clientNonce, extensions] = m;
    if (/(^|,)tokenauth=true(,|$)/i.test(extensions.slice(1))) throw new SaslError('Token Authentication failed: delegation tokens are not supported');
    const user = username(saslName);
    const credential = this.credentialOf(user, this.mechanism);
    if (credential === null) throw new SaslError('Authentication failed: Invalid user credentials');
    if (authzid !== undefined && authzid.length > 0 && authzid !== user) {
      throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username');
    }
    if (credential.iterations < MIN_ITERATIONS) {
      throw new SaslError(`Iterations ${credential.iterations} is less than the minimum ${MIN_ITERATIONS} for ${this.mechanism}`);
    }
    const nonce = clientNonce + crypto().randomBytes(18).toString('base64url');
    const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.first = { user, credential, clientFirstBare, serverFirst, nonce };
    return Buffer.from(serverFirst, 'utf8');
  }

  private clientFinal(message: string, first: FirstExchange): Buffer {
    const m = CLIENT_FINAL.exec(message);
    if (m === null) throw new SaslError('Invalid SCRAM client final message format');
    const [, withoutProof, nonce, proofText] = m;
    if (!nonce.endsWith(first.nonce)) throw new SaslError('Invalid client nonce in the final client message.');
    const authMessage = `${first.clientFirstBare},${first.serverFirst},${withoutProof}`;
    const { storedKey, serverKey } = first.credential;
    const proof = Buffer.from(proofText, 'base64');
    const clientSignature = hmac(this.mechanism, storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw new SaslError('Invalid client credentials');
    const computedStoredKey = hash(this.mechanism, xor(clientSignature, proof));
    if (!crypto().timingSafeEqual(computedStoredKey, storedKey)) throw new SaslError('Invalid client credentials');
    this.done = first.user;
    this.first = null;
    return Buffer.from(`v=${hmac(this.mechanism, serverKey, authMessage).toString('base64')}`, 'utf8');
  }

  authorizationId(): string {
    if (this.done === null) throw new Error('Authentication exchange has not completed');
    return this.done;
  }

  credentialExpiresAtMs(): null {
    return null;
  }
}
