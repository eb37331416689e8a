// Raw-socket helpers: a free port, and "does this address answer ApiVersions yet?" for startup timing.
import * as net from 'net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** ApiVersions v0 request frame: size, api key 18, version 0, correlation id, client id "bench". */
function apiVersionsV0Frame(correlationId: number): Buffer {
  const clientId = Buffer.from('bench');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** One attempt: connects, asks ApiVersions v0, resolves true on a well-formed answer with error code 0. */
export function apiVersionsOnce(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(apiVersionsV0Frame(7)));
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      // size(4) correlation id(4) error code(2)
      done(buf.length >= 10 && buf.readInt32BE(4) === 7 && buf.readInt16BE(8) === 0);
    });
  });
}

/** Polls until ApiVersions succeeds; resolves with the time it happened (process.hrtime.bigint()). */
export async function waitForApiVersions(port: number, deadlineMs: number): Promise<bigint> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (await apiVersionsOnce(port)) return process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`no ApiVersions answer on port ${port} within ${deadlineMs} ms`);
}

/** The API keys a server advertises in its ApiVersions v0 answer (empty when it cannot be asked). */
export function advertisedApiKeys(port: number, timeoutMs = 2000): Promise<Set<number>> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    const done = (keys: Set<number>): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(keys);
    };
    const timer = setTimeout(() => done(new Set()), timeoutMs);
    socket.once('error', () => done(new Set()));
    socket.once('connect', () => socket.write(apiVersionsV0Frame(9)));
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      // size(4) correlation id(4) error code(2) count(4), then (key, min, max) as INT16 each
      const keys = new Set<number>();
      const count = buf.length >= 14 ? buf.readInt32BE(10) : 0;
      for (let i = 0; i < count && 14 + i * 6 + 2 <= buf.length; i++) keys.add(buf.readInt16BE(14 + i * 6));
      done(keys);
    });
  });
}
