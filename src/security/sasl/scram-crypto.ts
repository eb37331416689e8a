// The SCRAM computations of RFC 5802 for SHA-256 and SHA-512 (RFC 7677), as Kafka's ScramFormatter: salted
// password by PBKDF2 (Hi), client and server keys, the stored key, signatures. A credential keeps only the salt,
// the iteration count, the stored key and the server key: enough to check a client's proof and sign the answer,
// not enough to log in as the user.
import type * as Crypto from 'crypto';

/** crypto, required on first use: its ~36 built-in modules are not needed before a broker's first answer. */
const crypto = (): typeof Crypto => require('crypto') as typeof Crypto;

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ScramCredential {
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  readonly iterations: number;
}

/** Kafka's bounds (ScramMechanism.minIterations, ScramControlManager.MAX_ITERATIONS). */
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;

/** The mechanism's type byte in DescribeUserScramCredentials and AlterUserScramCredentials (0 is UNKNOWN). */
export const SCRAM_TYPES: Readonly<Record<ScramMechanism, number>> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };

export function scramMechanismOfType(type: number): ScramMechanism | null {
  if (type === 1) return 'SCRAM-SHA-256';
  if (type === 2) return 'SCRAM-SHA-512';
  return null;
}

export function isScramMechanism(name: string): name is ScramMechanism {
  return name === 'SCRAM-SHA-256' || name === 'SCRAM-SHA-512';
}

function hashName(mechanism: ScramMechanism): 'sha256' | 'sha512' {
  return mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
}

export function hmac(mechanism: ScramMechanism, key: Buffer, data: Buffer | string): Buffer {
  return crypto().createHmac(hashName(mechanism), key).update(data).digest();
}

export function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return crypto().createHash(hashName(mechanism)).update(data).digest();
}

export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const length = mechanism === 'SCRAM-SHA-256' ? 32 : 64;
  return crypto().pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, length, hashName(mechanism));
}

/** What the broker keeps of a salted password (AlterUserScramCredentials sends the salted password itself). */
export function credentialFromSalted(mechanism: ScramMechanism, salt: Buffer, salted: Buffer, iterations: number): ScramCredential {
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return { salt, iterations, storedKey: hash(mechanism, clientKey), serverKey: hmac(mechanism, salted, 'Server Key') };
}

/** A fresh credential for a password given in clear (the users file). */
export function credentialFromPassword(mechanism: ScramMechanism, password: string, iterations = MIN_ITERATIONS): ScramCredential {
  const salt = crypto().randomBytes(24);
  return credentialFromSalted(mechanism, salt, saltedPassword(mechanism, password, salt, iterations), iterations);
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}
