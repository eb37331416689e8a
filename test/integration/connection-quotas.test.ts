// Connection limits and connection-creation-rate quotas (KIP-612), over real sockets, as Kafka 4.3.1 applies them:
// max.connections.per.ip closes the one connection too many at once (one log line, not one per refusal); an
// address over its connection_creation_rate (client-quota entity ip) is accepted, left unanswered and closed after
// the throttle time, after which a real client (kafkajs) is served; over max.connection.creation.rate every
// connection is served, later; at max.connections (here listener-prefixed) a new connection waits unanswered until
// one closes; lowering max.connections closes the least recently active connections; and on a TLS listener the
// limits apply before the handshake.
// Quota windows are shortened to 3 of 1 s, so a rate of 2 a second lets a burst of 4 through.
import * as fs from 'fs';
import * as tls from 'tls';
import { Writable } from 'stream';
import pino from 'pino';
import { ConfigResourceTypes } from 'kafkajs';
import { brokerPerSuite, removeDir, tempDataDir } from '../helpers/broker';
import { startSecuredBroker, testCertificates } from '../helpers/security';
import { opensslAvailable, type TestCertificates } from '../helpers/tls-certs';
import { RawClient } from '../helpers/raw-client';
import { kafkaClient, withAdmin } from '../helpers/kafkajs';
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { AlterClientQuotasRequestCodec } from '../../codecs/generated/AlterClientQuotasRequest';
import { AlterClientQuotasResponseCodec } from '../../codecs/generated/AlterClientQuotasResponse';
import { DescribeClientQuotasRequestCodec } from '../../codecs/generated/DescribeClientQuotasRequest';
import { DescribeClientQuotasResponseCodec } from '../../codecs/generated/DescribeClientQuotasResponse';
import { IncrementalAlterConfigsRequestCodec } from '../../codecs/generated/IncrementalAlterConfigsRequest';
import { IncrementalAlterConfigsResponseCodec } from '../../codecs/generated/IncrementalAlterConfigsResponse';

jest.setTimeout(60_000);

const WINDOWS = { 'quota.window.num': '3', 'quota.window.size.seconds': '1' };

/** Sends ApiVersions; the answer's error code, or null when the broker closed the connection without answering. */
async function apiVersions(client: RawClient, timeoutMs = 5000): Promise<number | null> {
  client.send(ApiVersionsRequestCodec, 3, { clientSoftwareName: 'quota-test', clientSoftwareVersion: '1' });
  const frame = await client.nextFrame(timeoutMs);
  return frame === null ? null : frame.readInt16BE(4);
}

/** Sends ApiVersions; the answer (its error code, null if closed) and whether it has come yet. */
function pendingApiVersions(client: RawClient): { readonly answer: Promise<number | null>; readonly settled: () => boolean } {
  let settled = false;
  const answer = apiVersions(client, 10_000).finally(() => (settled = true));
  return { answer, settled: () => settled };
}

function capturedLogger(lines: string[]): pino.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return pino({ level: 'info' }, sink);
}

async function setBrokerDefaults(port: number, configs: Record<string, string>): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    const res = await client.request(IncrementalAlterConfigsRequestCodec, IncrementalAlterConfigsResponseCodec, 1, {
      resources: [
        {
          resourceType: ConfigResourceTypes.BROKER,
          resourceName: '',
          configs: Object.entries(configs).map(([name, value]) => ({ name, configOperation: 0, value })),
        },
      ],
      validateOnly: false,
    });
    expect(res.responses.map((r) => [r.errorCode, r.errorMessage])).toEqual([[0, null]]);
  } finally {
    client.close();
  }
}

describe('max.connections.per.ip', () => {
  const logLines: string[] = [];
  const suite = brokerPerSuite({ overrides: { 'max.connections.per.ip': '2' }, logger: capturedLogger(logLines) });

  test('the third connection from an address is closed at once with a log line; a closed one frees its place', async () => {
    const first = await RawClient.connect(suite.broker.port);
    const second = await RawClient.connect(suite.broker.port);
    try {
      expect(await apiVersions(first)).toBe(0);
      expect(await apiVersions(second)).toBe(0);
      const refused: RawClient[] = [];
      for (let i = 0; i < 10; i++) refused.push(await RawClient.connect(suite.broker.port));
      for (const client of refused) expect(await client.waitClosed(3000)).toBe(true);
      const lines = logLines.filter((l) => l.includes('max.connections.per.ip'));
      // Ten refusals within a second: one line, the next one (if any) counts the ones left out.
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(2);
      expect(JSON.parse(lines[0])).toMatchObject({ level: 30, maxConnectionsPerIp: 2, listener: 'PLAINTEXT' });
      first.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const third = await RawClient.connect(suite.broker.port);
      try {
        expect(await apiVersions(third)).toBe(0);
        expect(await apiVersions(second)).toBe(0);
      } finally {
        third.close();
      }
    } finally {
      first.close();
      second.close();
    }
  });
});

describe('connection_creation_rate (client-quota entity ip)', () => {
  const logLines: string[] = [];
  const suite = brokerPerSuite({ overrides: WINDOWS, logger: capturedLogger(logLines) });

  test('a connection over the rate is accepted, left unanswered and closed after the throttle time; kafkajs then gets through', async () => {
    const admin = await RawClient.connect(suite.broker.port);
    try {
      const altered = await admin.request(AlterClientQuotasRequestCodec, AlterClientQuotasResponseCodec, 1, {
        entries: [{ entity: [{ entityType: 'ip', entityName: '127.0.0.1' }], ops: [{ key: 'connection_creation_rate', value: 2, remove: false }] }],
        validateOnly: false,
      });
      expect(altered.entries.map((e) => e.errorCode)).toEqual([0]);
      const described = await admin.request(DescribeClientQuotasRequestCodec, DescribeClientQuotasResponseCodec, 1, {
        components: [{ entityType: 'ip', matchType: 0, match: '127.0.0.1' }],
        strict: false,
      });
      expect(described.entries?.map((e) => e.values.map((v) => [v.key, v.value]))).toEqual([[['connection_creation_rate', 2]]]);
    } finally {
      admin.close();
    }
    // 2 a second measured over at least 2 s: 4 at once are within the quota (the admin connection came before it).
    const clients: RawClient[] = [];
    try {
      for (let i = 0; i < 4; i++) clients.push(await RawClient.connect(suite.broker.port));
      for (const c of clients) expect(await apiVersions(c)).toBe(0);
      const started = Date.now();
      const throttled = await RawClient.connect(suite.broker.port);
      clients.push(throttled);
      // The fifth is 2.5 a second: held (2.5 − 2) / 2 × 2 s = 500 ms, never answered, then closed.
      expect(await apiVersions(throttled, 5000)).toBeNull();
      const heldMs = Date.now() - started;
      expect(heldMs).toBeGreaterThanOrEqual(400);
      expect(heldMs).toBeLessThan(3000);
      const logged = logLines.filter((l) => l.includes('connection_creation_rate')).map((l) => JSON.parse(l) as { throttleMs: number; quota: number });
      expect(logged).toHaveLength(1);
      // 500 ms less the few milliseconds the four connections took.
      expect(logged[0].throttleMs).toBeGreaterThan(400);
      expect(logged[0].throttleMs).toBeLessThanOrEqual(500);
      expect(logged[0].quota).toBe(2);
      // The closed connection was taken back out of the rate: kafkajs, connecting next, is served.
      const topics = await withAdmin(kafkaClient(`127.0.0.1:${suite.broker.port}`, 'quota-kafkajs'), (a) => a.listTopics());
      expect(Array.isArray(topics)).toBe(true);
      // The connections already open were never touched.
      expect(await apiVersions(clients[0])).toBe(0);
    } finally {
      for (const c of clients) c.close();
    }
  });
});

describe('max.connection.creation.rate and max.connections', () => {
  const suite = brokerPerSuite({ overrides: { ...WINDOWS, 'listener.name.plaintext.max.connections': '3' } });

  test('over the broker-wide creation rate (set dynamically) every connection is served, the later ones after a delay', async () => {
    await setBrokerDefaults(suite.broker.port, { 'max.connection.creation.rate': '2' });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const started = Date.now();
    const answeredAfter: number[] = [];
    const sockets = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const c = await RawClient.connect(suite.broker.port);
        expect(await apiVersions(c, 10_000)).toBe(0);
        answeredAfter.push(Date.now() - started);
        c.close();
        return c;
      }),
    );
    expect(sockets).toHaveLength(3);
    // Sequentially, so the listener's 3 connections are not the limit here: 5 more connections at once.
    const more: Array<Promise<number>> = [];
    for (let i = 0; i < 5; i++) {
      more.push(
        RawClient.connect(suite.broker.port).then(async (c) => {
          const code = await apiVersions(c, 10_000);
          c.close();
          answeredAfter.push(Date.now() - started);
          return code ?? -1;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await Promise.all(more)).toEqual([0, 0, 0, 0, 0]);
    // 8 connections at 2 a second over windows of 1 s: the last waits at least 1.5 s (see connection-quotas.test).
    expect(Math.max(...answeredAfter)).toBeGreaterThanOrEqual(1500);
    await setBrokerDefaults(suite.broker.port, { 'max.connection.creation.rate': '2147483647' });
  });

  test('at the listener-prefixed max.connections a new connection waits unanswered until one closes', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const open = [await RawClient.connect(suite.broker.port), await RawClient.connect(suite.broker.port), await RawClient.connect(suite.broker.port)];
    try {
      for (const c of open) expect(await apiVersions(c)).toBe(0);
      const waiting = await RawClient.connect(suite.broker.port);
      open.push(waiting);
      const pending = pendingApiVersions(waiting);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(pending.settled()).toBe(false);
      open[0].close();
      // The request sent while waiting is answered once a slot is free.
      expect(await pending.answer).toBe(0);
    } finally {
      for (const c of open) c.close();
    }
  });

  test('lowering max.connections below the connections open closes the least recently active ones', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const a = await RawClient.connect(suite.broker.port);
    const b = await RawClient.connect(suite.broker.port);
    try {
      expect(await apiVersions(a)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await apiVersions(b)).toBe(0);
      // The altering connection is the third and most recent: max.connections 2 closes a, the least recently active.
      await setBrokerDefaults(suite.broker.port, { 'max.connections': '2' });
      expect(await a.waitClosed(3000)).toBe(true);
      expect(await apiVersions(b)).toBe(0);
    } finally {
      a.close();
      b.close();
      await setBrokerDefaults(suite.broker.port, { 'max.connections': '2147483647' });
    }
  });
});

/** A TLS handshake with the SSL listener: the socket once it is secure, null when the broker closed it before. */
function tlsHandshake(port: number, certs: TestCertificates): Promise<tls.TLSSocket | null> {
  return new Promise((resolve) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: fs.readFileSync(certs.caCert) });
    socket.once('secureConnect', () => resolve(socket));
    socket.on('error', () => resolve(null));
    socket.once('close', () => resolve(null));
  });
}

(opensslAvailable() ? describe : describe.skip)('connection limits on a TLS listener', () => {
  test('the connection one over max.connections.per.ip is closed before its TLS handshake; a freed place handshakes again', async () => {
    const dataDir = tempDataDir('eddy-conn-tls-');
    const secured = await startSecuredBroker(dataDir, testCertificates(dataDir), { 'max.connections.per.ip': '1' });
    const port = secured.port('SSL');
    try {
      const first = await tlsHandshake(port, secured.certs);
      expect(first).not.toBeNull();
      expect(await tlsHandshake(port, secured.certs)).toBeNull();
      first?.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await tlsHandshake(port, secured.certs);
      expect(again).not.toBeNull();
      again?.destroy();
    } finally {
      await secured.broker.stop();
      removeDir(dataDir);
    }
  });
});
