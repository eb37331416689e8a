// kafkajs over SASL_SSL with each mechanism it has (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER), producing
// and consuming through a group; SCRAM users created through AlterUserScramCredentials surviving a restart;
// OAUTHBEARER tokens verified against a JWKS; sessions re-authenticated before connections.max.reauth.ms ends;
// SSL with required client certificates. Certificates are made by the test with openssl.
import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { removeDir, tempDataDir } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import {
  FILE_USERS,
  PLAIN_USERS,
  signedToken,
  startSecuredBroker,
  testCertificates,
  unsecuredToken,
  upsertScramUsers,
  type SecuredBroker,
} from '../helpers/security';
import { plainLogin } from '../helpers/sasl-raw';
import { opensslAvailable } from '../helpers/tls-certs';
import { waitFor } from '../helpers/wait';

jest.setTimeout(60000);

const describeIfOpenssl = opensslAvailable() ? describe : describe.skip;

function client(secured: SecuredBroker, sasl: SASLOptions | undefined, listener = 'SASL_SSL', extra: Partial<{ cert: Buffer; key: Buffer }> = {}): Kafka {
  const tls = listener.endsWith('SSL') ? { ssl: { ca: [fs.readFileSync(secured.certs.caCert)], ...extra } } : {};
  return new Kafka({
    clientId: 'security-test',
    brokers: [`localhost:${secured.port(listener)}`],
    ...tls,
    sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
}

/**
 * A refused OAUTHBEARER token is answered, as by Kafka, with an error challenge the client is to acknowledge; kafkajs
 * does not read it, so its connect succeeds and its first request is what the broker refuses (closing the connection).
 */
async function listTopics(kafka: Kafka): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

/** Creates a topic, produces `count` records and consumes them back through a group; returns the values read. */
async function roundTrip(kafka: Kafka, topic: string, count = 20): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
  await waitFor(`${count} records`, () => seen.length >= count);
  await consumer.disconnect();
  return seen.sort();
}

describeIfOpenssl('kafkajs over SASL_SSL', () => {
  const dataDir = tempDataDir('eddy-sasl-');
  let secured: SecuredBroker;

  beforeAll(async () => {
    secured = await startSecuredBroker(dataDir, testCertificates(dataDir));
  });
  afterAll(async () => {
    await secured.broker.stop();
    removeDir(dataDir);
  });

  test('PLAIN with a JAAS user, and with a users-file user', async () => {
    const values = await roundTrip(client(secured, { mechanism: 'plain', username: 'alice', password: PLAIN_USERS.alice }), 'plain-topic');
    expect(values).toHaveLength(20);
    const admin = client(secured, { mechanism: 'plain', username: 'carol', password: FILE_USERS.carol }).admin();
    await admin.connect();
    expect(await admin.listTopics()).toContain('plain-topic');
    await admin.disconnect();
  });

  test('a wrong PLAIN password fails with Kafka message', async () => {
    const admin = client(secured, { mechanism: 'plain', username: 'alice', password: 'not-it' }).admin();
    await expect(admin.connect()).rejects.toThrow('Authentication failed: Invalid username or password');
  });

  test.each(['scram-sha-256', 'scram-sha-512'] as const)(
    '%s with a users-file user and a user created through AlterUserScramCredentials',
    async (mechanism) => {
      const values = await roundTrip(client(secured, { mechanism, username: 'carol', password: FILE_USERS.carol }), `${mechanism}-topic`);
      expect(values).toHaveLength(20);
      const name = `dave-${mechanism}`;
      await createScramUser(secured, name, 'dave-secret', mechanism.toUpperCase() as 'SCRAM-SHA-256' | 'SCRAM-SHA-512');
      const admin = client(secured, { mechanism, username: name, password: 'dave-secret' }).admin();
      await admin.connect();
      expect(await admin.listTopics()).toContain(`${mechanism}-topic`);
      await admin.disconnect();
      const wrong = client(secured, { mechanism, username: name, password: 'nope' }).admin();
      await expect(wrong.connect()).rejects.toThrow(
        `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism.toUpperCase()}`,
      );
    },
  );

  test('OAUTHBEARER with an unsecured token', async () => {
    const sasl: SASLOptions = { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: unsecuredToken('token-user') }) };
    expect(await roundTrip(client(secured, sasl), 'oauth-topic')).toHaveLength(20);
    const expired: SASLOptions = { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: unsecuredToken('token-user', -60) }) };
    await expect(listTopics(client(secured, expired))).rejects.toThrow();
  });
});

/** A SCRAM user made through AlterUserScramCredentials (kafkajs has no call for it) on a connection logged in with PLAIN. */
async function createScramUser(secured: SecuredBroker, name: string, password: string, mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'): Promise<void> {
  const raw = await RawClient.connect(secured.port('SASL_PLAINTEXT'));
  try {
    await plainLogin(raw, 'alice', PLAIN_USERS.alice);
    const results = await upsertScramUsers(raw, [{ name, password, mechanism }]);
    expect(results).toEqual([{ user: name, errorCode: 0, errorMessage: null }]);
  } finally {
    raw.close();
  }
}

describeIfOpenssl('SCRAM users, signed tokens, re-authentication and client certificates', () => {
  const dataDir = tempDataDir('eddy-sasl-');
  const certs = testCertificates(dataDir);

  test('SCRAM users created through the API survive a restart', async () => {
    const brokerDir = fs.mkdtempSync(path.join(dataDir, 'restart-'));
    let secured = await startSecuredBroker(brokerDir, certs);
    try {
      await createScramUser(secured, 'erin', 'erin-secret', 'SCRAM-SHA-512');
    } finally {
      await secured.broker.stop();
    }
    secured = await startSecuredBroker(brokerDir, certs);
    try {
      const admin = client(secured, { mechanism: 'scram-sha-512', username: 'erin', password: 'erin-secret' }).admin();
      await admin.connect();
      await admin.listTopics();
      await admin.disconnect();
      expect(fs.readFileSync(path.join(brokerDir, 'scram-credentials.json'), 'utf8')).not.toContain('erin-secret');
    } finally {
      await secured.broker.stop();
    }
  });

  test('OAUTHBEARER tokens verified against a local JWKS file', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwks = path.join(certs.dir, 'jwks.json');
    fs.writeFileSync(jwks, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }));
    const secured = await startSecuredBroker(fs.mkdtempSync(path.join(dataDir, 'jwks-')), certs, {
      'sasl.oauthbearer.jwks.endpoint.url': `file://${jwks}`,
      'sasl.oauthbearer.expected.audience': 'eddy',
    });
    try {
      const now = Math.floor(Date.now() / 1000);
      const token = (claims: Record<string, unknown>): SASLOptions => ({
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => ({ value: signedToken(privateKey, 'k1', { sub: 'svc', aud: 'eddy', iat: now, exp: now + 600, ...claims }) }),
      });
      const admin = client(secured, token({})).admin();
      await admin.connect();
      await admin.listTopics();
      await admin.disconnect();
      await expect(listTopics(client(secured, token({ aud: 'other' })))).rejects.toThrow();
      const unsigned: SASLOptions = { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: unsecuredToken('svc') }) };
      await expect(listTopics(client(secured, unsigned))).rejects.toThrow();
    } finally {
      await secured.broker.stop();
    }
  });

  test('a client re-authenticates within connections.max.reauth.ms and keeps working', async () => {
    const secured = await startSecuredBroker(fs.mkdtempSync(path.join(dataDir, 'reauth-')), certs, { 'connections.max.reauth.ms': '2000' });
    try {
      const kafka = new Kafka({
        brokers: [`localhost:${secured.port('SASL_SSL')}`],
        ssl: { ca: [fs.readFileSync(certs.caCert)] },
        sasl: { mechanism: 'scram-sha-256', username: 'carol', password: FILE_USERS.carol },
        reauthenticationThreshold: 1000,
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      });
      const producer = kafka.producer();
      await producer.connect();
      for (let i = 0; i < 5; i++) {
        await producer.send({ topic: 'reauth-topic', messages: [{ value: `r${i}` }] });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      await producer.disconnect();
    } finally {
      await secured.broker.stop();
    }
  });

  test('SSL with ssl.client.auth=required: a trusted client certificate gets in, none or an untrusted one does not', async () => {
    const secured = await startSecuredBroker(fs.mkdtempSync(path.join(dataDir, 'mtls-')), certs, { 'listener.name.ssl.ssl.client.auth': 'required' });
    try {
      const withCert = client(secured, undefined, 'SSL', { cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) }).admin();
      await withCert.connect();
      await withCert.listTopics();
      await withCert.disconnect();
      await expect(client(secured, undefined, 'SSL').admin().connect()).rejects.toThrow();
      const stranger = client(secured, undefined, 'SSL', { cert: fs.readFileSync(certs.strangerCert), key: fs.readFileSync(certs.strangerKey) });
      await expect(stranger.admin().connect()).rejects.toThrow();
    } finally {
      await secured.broker.stop();
    }
  });

  afterAll(() => removeDir(dataDir));
});
