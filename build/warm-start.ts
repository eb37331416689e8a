// What the build's warm-up processes have in common (build/code-cache.ts, build/start-modules.ts): a broker started
// as `eddy start` does, on a loopback port in a scratch directory, asked for ApiVersions as clients ask first.
import * as net from 'net';

export const WARM_UP_TIMEOUT_MS = 30_000;

/** A Kafka request frame: size, then the header and body already encoded. */
function frame(headerAndBody: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(headerAndBody.length, 0);
  return Buffer.concat([size, headerAndBody]);
}

/** ApiVersions v0 (what probes send) and v3 (what current clients send first: flexible header and body). */
export function apiVersionsRequests(): Buffer[] {
  const clientId = Buffer.from('eddy-code-cache', 'latin1');
  const header = (version: number, correlationId: number): Buffer => {
    const h = Buffer.alloc(10);
    h.writeInt16BE(18, 0);
    h.writeInt16BE(version, 2);
    h.writeInt32BE(correlationId, 4);
    h.writeInt16BE(clientId.length, 8);
    return Buffer.concat([h, clientId]);
  };
  const compactString = (s: string): Buffer => Buffer.concat([Buffer.from([s.length + 1]), Buffer.from(s, 'latin1')]);
  const noTags = Buffer.from([0]);
  return [frame(header(0, 1)), frame(Buffer.concat([header(3, 2), noTags, compactString('eddy-code-cache'), compactString('1'), noTags]))];
}

/** Sends each request on one connection and resolves once every answer has arrived. */
export function exchange(port: number, requests: readonly Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let answers = 0;
    const timer = setTimeout(() => finish(new Error('no ApiVersions answer')), WARM_UP_TIMEOUT_MS);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.once('error', finish);
    socket.once('connect', () => socket.write(Buffer.concat(requests)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        received = received.subarray(4 + received.readInt32BE(0));
        answers++;
      }
      if (answers === requests.length) finish();
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `eddy start`'s arguments for a warm-up broker. */
export function warmStartArgs(port: number, dataDir: string): string[] {
  return ['start', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir];
}

/**
 * The environment of a warm-up child: the build's own, without its EDDY_* variables (the Docker image sets some),
 * so that the warm-up broker listens where the script asks it to.
 */
export function warmUpEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('EDDY_')));
}
