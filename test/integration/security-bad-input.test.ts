// What a SASL or TLS listener does with clients that get it wrong, each checked against Kafka's behaviour: a
// request before authentication closes the connection (after SaslHandshake v1, answered first with its error
// response); an unknown mechanism is answered with the enabled list and
// closed; a wrong password or a malformed token is answered SASL_AUTHENTICATION_FAILED and closed; an oversized
// frame before authentication, plaintext on a TLS port and an aborted TLS handshake close that one connection. The
// broker and its other connections carry on, and no password reaches the log.
import * as net from 'net';
import * as tls from 'tls';
import { Writable } from 'stream';
import pino from 'pino';
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec } from '../../codecs/generated/ApiVersionsResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { removeDir, tempDataDir } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { authenticate, handshake, plainLogin, plainToken } from '../helpers/sasl-raw';
import { PLAIN_USERS, startSecuredBroker, testCertificates, type SecuredBroker } from '../helpers/security';
import { opensslAvailable } from '../helpers/tls-certs';

jest.setTimeout(30000);

const describeIfOpenssl = opensslAvailable() ? describe : describe.skip;
const ENABLED = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

describeIfOpenssl('bad input on SASL and TLS listeners', () => {
  const dataDir = tempDataDir('eddy-sasl-bad-');
  const logLines: string[] = [];
  let secured: SecuredBroker;
  const sasl = (): Promise<RawClient> => RawClient.connect(secured.port('SASL_PLAINTEXT'));

  /** The broker still serves a well-behaved client. */
  async function stillServes(): Promise<void> {
    const client = await sasl();
    try {
      await plainLogin(client, 'bob', PLAIN_USERS.bob);
      const metadata = await client.request(MetadataRequestCodec, MetadataResponseCodec, 12, { topics: null });
      expect(metadata.brokers).toHaveLength(1);
    } finally {
      client.close();
    }
  }

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    secured = await startSecuredBroker(dataDir, testCertificates(dataDir), { 'connections.max.reauth.ms': '600' }, pino({ level: 'debug' }, sink));
  });
  afterAll(async () => {
    await secured.broker.stop();
    removeDir(dataDir);
  });

  test('a request other than ApiVersions or SaslHandshake before authentication closes the connection with a log line', async () => {
    const client = await sasl();
    client.send(MetadataRequestCodec, 12, { topics: null });
    expect(await client.nextFrame()).toBeNull();
    const afterVersions = await sasl();
    await afterVersions.request(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    afterVersions.send(MetadataRequestCodec, 12, { topics: null });
    expect(await afterVersions.nextFrame()).toBeNull();
    expect(logLines.some((l) => l.includes('during SASL handshake'))).toBe(true);
    await stillServes();
  });

  test('a request other than SaslAuthenticate after SaslHandshake v1 gets its error response with ILLEGAL_SASL_STATE, then the connection closes', async () => {
    // Kafka's SaslServerAuthenticator answers the request with its error response and fails the authentication.
    const client = await sasl();
    expect((await handshake(client, 'PLAIN')).errorCode).toBe(ErrorCode.NONE);
    const answer = await client.request(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    expect(answer).toMatchObject({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, apiKeys: [] });
    expect(await client.waitClosed()).toBe(true);
    const metadataClient = await sasl();
    await handshake(metadataClient, 'SCRAM-SHA-256');
    const topics = [{ name: 'orders', topicId: '00000000-0000-0000-0000-000000000000' }];
    const metadata = await metadataClient.request(MetadataRequestCodec, MetadataResponseCodec, 12, { topics });
    expect(metadata).toMatchObject({ brokers: [], topics: [{ name: 'orders', errorCode: ErrorCode.ILLEGAL_SASL_STATE, partitions: [] }] });
    expect(await metadataClient.waitClosed()).toBe(true);
    expect(logLines.some((l) => l.includes('Unexpected Kafka request of type METADATA during SASL authentication.'))).toBe(true);
    await stillServes();
  });

  test('a mechanism that is not enabled gets UNSUPPORTED_SASL_MECHANISM with the enabled list, then the connection closes', async () => {
    const client = await sasl();
    const answer = await handshake(client, 'GSSAPI');
    expect(answer).toEqual({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ENABLED });
    expect(await client.waitClosed()).toBe(true);
  });

  test('a wrong password is SASL_AUTHENTICATION_FAILED, then the connection closes; the password is not logged', async () => {
    const client = await sasl();
    expect((await handshake(client, 'PLAIN')).errorCode).toBe(ErrorCode.NONE);
    const answer = await authenticate(client, plainToken('alice', 'wrong-password-xyz'));
    expect(answer).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Authentication failed: Invalid username or password' });
    expect(await client.waitClosed()).toBe(true);
    await stillServes();
    expect(logLines.join('')).not.toMatch(/wrong-password-xyz|alice-secret|bob-secret/);
  });

  test('malformed tokens fail authentication and close only that connection', async () => {
    const scram = await sasl();
    await handshake(scram, 'SCRAM-SHA-256');
    const answer = await authenticate(scram, Buffer.from([0xff, 0x00, 0x2c, 0x6e]));
    expect(answer).toMatchObject({
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
    });
    expect(await scram.waitClosed()).toBe(true);
    const plain = await sasl();
    await handshake(plain, 'PLAIN');
    expect(await authenticate(plain, 'no-separators')).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED });
    const garbage = await sasl();
    garbage.sendRaw(Buffer.from([0x00, 0x11]));
    expect(await garbage.waitClosed()).toBe(true);
    await stillServes();
  });

  test('SaslHandshake v0 takes raw tokens: PLAIN succeeds with an empty token back, a wrong password closes without an answer', async () => {
    const client = await sasl();
    expect(await handshake(client, 'PLAIN', 0)).toEqual({ errorCode: ErrorCode.NONE, mechanisms: ENABLED });
    client.sendRaw(plainToken('alice', PLAIN_USERS.alice));
    expect((await client.nextFrame())?.length).toBe(0);
    const metadata = await client.request(MetadataRequestCodec, MetadataResponseCodec, 1, { topics: null });
    expect(metadata.brokers).toHaveLength(1);
    client.close();
    const wrong = await sasl();
    await handshake(wrong, 'PLAIN', 0);
    wrong.sendRaw(plainToken('alice', 'nope'));
    expect(await wrong.nextFrame()).toBeNull();
  });

  test('a frame larger than sasl.server.max.receive.size before authentication closes the connection', async () => {
    const client = await sasl();
    client.sendRaw(Buffer.alloc(600 * 1024));
    expect(await client.waitClosed()).toBe(true);
    await stillServes();
  });

  test('after authentication SaslAuthenticate is ILLEGAL_SASL_STATE, and an expired session closes on its next request', async () => {
    const client = await sasl();
    const login = await plainLogin(client, 'alice', PLAIN_USERS.alice);
    expect(login.sessionLifetimeMs).toBe(600n);
    expect(await authenticate(client, 'again')).toMatchObject({
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      errorMessage: 'SaslAuthenticate request received after successful authentication',
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    client.send(MetadataRequestCodec, 12, { topics: null });
    expect(await client.nextFrame()).toBeNull();
  });

  test('re-authentication keeps the principal: another user on the same connection fails', async () => {
    const client = await sasl();
    await plainLogin(client, 'alice', PLAIN_USERS.alice);
    expect((await handshake(client, 'PLAIN')).errorCode).toBe(ErrorCode.NONE);
    expect((await authenticate(client, plainToken('alice', PLAIN_USERS.alice))).errorCode).toBe(ErrorCode.NONE);
    await handshake(client, 'PLAIN');
    const other = await authenticate(client, plainToken('bob', PLAIN_USERS.bob));
    expect(other).toMatchObject({
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: 'Cannot change principals during re-authentication from User.alice: User.bob',
    });
    expect(await client.waitClosed()).toBe(true);
  });

  test('plaintext on a TLS port and an aborted TLS handshake close that connection with a log line', async () => {
    const plaintext = await RawClient.connect(secured.port('SASL_SSL'));
    plaintext.send(ApiVersionsRequestCodec, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    expect(await plaintext.nextFrame()).toBeNull();
    const aborted = tls.connect({ port: secured.port('SSL'), host: '127.0.0.1', rejectUnauthorized: false });
    aborted.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 5));
    aborted.destroy();
    const halfHello = net.connect({ port: secured.port('SSL'), host: '127.0.0.1' });
    halfHello.on('error', () => undefined);
    halfHello.end(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    await new Promise((resolve) => halfHello.once('close', resolve));
    expect(logLines.some((l) => l.includes('TLS handshake failed'))).toBe(true);
    await stillServes();
  });
});
