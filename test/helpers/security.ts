// Shared pieces of the security tests: a broker with SASL_SSL, SASL_PLAINTEXT and SSL listeners on free ports and
// certificates made for the test, users for PLAIN (JAAS) and the users file, SCRAM users created through
// AlterUserScramCredentials as Kafka's admin clients create them (the client salts the password), and
// OAUTHBEARER tokens (unsecured, as Kafka's default validator takes them, or signed with a test key).
import { createHash, pbkdf2Sync, randomBytes, sign, type KeyObject } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { AlterUserScramCredentialsRequestCodec } from '../../codecs/generated/AlterUserScramCredentialsRequest';
import { AlterUserScramCredentialsResponseCodec } from '../../codecs/generated/AlterUserScramCredentialsResponse';
import { Broker } from '../../src/broker/broker';
import { BrokerConfig } from '../../src/config/broker-config';
import { Logger, silentLogger } from '../../src/logger';
import { RawClient } from './raw-client';
import { makeTestCertificates, type TestCertificates } from './tls-certs';

export const PLAIN_USERS = { alice: 'alice-secret', bob: 'bob-secret' } as const;
export const FILE_USERS = { carol: 'carol-secret' } as const;

export function plainJaas(users: Readonly<Record<string, string>>): string {
  const entries = Object.entries(users).map(([name, password]) => `user_${name}="${password}"`);
  return `org.apache.kafka.common.security.plain.PlainLoginModule required ${entries.join(' ')};`;
}

export interface SecuredBroker {
  readonly broker: Broker;
  readonly certs: TestCertificates;
  readonly dataDir: string;
  /** Bound ports by listener name. */
  port(listener: string): number;
}

/** SASL_SSL, SASL_PLAINTEXT and SSL listeners with every mechanism enabled; `overrides` adds or replaces configs. */
export async function startSecuredBroker(
  dataDir: string,
  certs: TestCertificates,
  overrides: Record<string, string> = {},
  logger: Logger = silentLogger(),
): Promise<SecuredBroker> {
  const usersFile = path.join(certs.dir, 'users.properties');
  fs.writeFileSync(
    usersFile,
    Object.entries(FILE_USERS)
      .map(([u, p]) => `${u}=${p}\n`)
      .join(''),
  );
  const config = new BrokerConfig({
    listeners: 'SASL_SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0',
    'log.dirs': dataDir,
    'ssl.keystore.location': certs.serverKeyStore,
    'ssl.truststore.location': certs.caCert,
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
    'listener.name.sasl_ssl.plain.sasl.jaas.config': plainJaas(PLAIN_USERS),
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': plainJaas(PLAIN_USERS),
    'eddy.users.file': usersFile,
    ...overrides,
  });
  const broker = await Broker.start({ config, logger });
  return {
    broker,
    certs,
    dataDir,
    port: (listener) => {
      const bound = broker.boundListeners.find((l) => l.name === listener);
      if (bound === undefined) throw new Error(`no listener ${listener}`);
      return bound.port;
    },
  };
}

export function testCertificates(dir: string): TestCertificates {
  return makeTestCertificates(fs.mkdtempSync(path.join(dir, 'certs-')));
}

/** The salted password an admin client sends (Kafka's ScramFormatter.hi). */
export function saltedPassword(mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', password: string, salt: Buffer, iterations: number): Buffer {
  const sha = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  return pbkdf2Sync(password, salt, iterations, createHash(sha).digest().length, sha);
}

/** Creates SCRAM users over a connection that is already allowed to send requests (PLAINTEXT or authenticated). */
export async function upsertScramUsers(
  client: RawClient,
  users: ReadonlyArray<{ name: string; password: string; mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; iterations?: number }>,
): Promise<Array<{ user: string; errorCode: number; errorMessage: string | null }>> {
  const upsertions = users.map((u) => {
    const salt = randomBytes(16);
    const iterations = u.iterations ?? 4096;
    return {
      name: u.name,
      mechanism: u.mechanism === 'SCRAM-SHA-256' ? 1 : 2,
      iterations,
      salt,
      saltedPassword: saltedPassword(u.mechanism, u.password, salt, iterations),
    };
  });
  const response = await client.request(AlterUserScramCredentialsRequestCodec, AlterUserScramCredentialsResponseCodec, 0, { deletions: [], upsertions });
  return response.results;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsecured JWS (alg none, empty signature), what Kafka's default OAUTHBEARER validator accepts. */
export function unsecuredToken(sub: string, lifetimeSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  return `${base64url({ alg: 'none' })}.${base64url({ sub, iat: now, exp: now + lifetimeSeconds })}.`;
}

/** An RS256 JWT signed with `key`, for a broker validating against a JWKS that holds its public half. */
export function signedToken(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const signed = `${base64url({ alg: 'RS256', kid, typ: 'JWT' })}.${base64url(claims)}`;
  return `${signed}.${sign('sha256', Buffer.from(signed), key).toString('base64url')}`;
}
