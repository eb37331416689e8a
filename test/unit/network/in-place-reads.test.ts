// In-place reads on TLS sockets: every byte a client sends over many small TLS records arrives once and in order,
// bytes decrypted before the switch come first, pausing stops the reads and resuming restarts them, and the
// client's end still closes the socket.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tls from 'tls';
import { readInPlace } from '../../../src/network/in-place-reads';
import { makeTestCertificates, opensslAvailable, type TestCertificates } from '../../helpers/tls-certs';

jest.setTimeout(30000);

const describeIfOpenssl = opensslAvailable() ? describe : describe.skip;

/**
 * A TLS server whose one connection switches to in-place reads after `delayMs` (copying what it is given into
 * `received`); the client writes `pieces` and ends. Resolves when the server's socket has closed.
 */
async function exchange(
  certs: TestCertificates,
  pieces: Buffer[],
  received: Buffer[],
  delayMs: number,
  onServerSocket?: (s: tls.TLSSocket) => void,
): Promise<void> {
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const server = tls.createServer({ key: fs.readFileSync(certs.serverKey), cert: fs.readFileSync(certs.serverCert) }, (socket) => {
    socket.on('close', () => {
      server.close();
      resolveClosed();
    });
    setTimeout(() => {
      expect(readInPlace(socket, (bytes) => received.push(Buffer.from(bytes)))).toBe(true);
      onServerSocket?.(socket);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const client = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: fs.readFileSync(certs.caCert) });
  await new Promise<void>((resolve) => client.once('secureConnect', resolve));
  client.setNoDelay(true);
  // Each write waits for the previous one, so each leaves as its own TLS record.
  for (const piece of pieces) await new Promise<void>((resolve, reject) => client.write(piece, (err) => (err ? reject(err) : resolve())));
  client.end();
  await closed;
}

function pieces(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.alloc(i % 2 === 0 ? 14 : 1000, i % 251));
}

describeIfOpenssl('in-place reads of TLS sockets', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-inplace-'));
  const certs = makeTestCertificates(dir);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('many small records arrive whole and in order, and the client ending closes the socket', async () => {
    const sent = pieces(400);
    const received: Buffer[] = [];
    await exchange(certs, sent, received, 0);
    expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
  });

  test('records decrypted before the switch are delivered first', async () => {
    const sent = pieces(40);
    const received: Buffer[] = [];
    await exchange(certs, sent, received, 300);
    expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
  });

  test('a paused socket delivers nothing until resumed', async () => {
    const sent = pieces(200);
    const received: Buffer[] = [];
    const counts = { afterPause: -1, beforeResume: -1 };
    await exchange(certs, sent, received, 0, (socket) => {
      socket.pause();
      setImmediate(() => (counts.afterPause = received.length));
      setTimeout(() => {
        counts.beforeResume = received.length;
        socket.resume();
      }, 300);
    });
    expect(counts.beforeResume).toBe(counts.afterPause);
    expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
  });
});
