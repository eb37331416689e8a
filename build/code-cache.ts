// Writes dist/start-bundle.v8cache, the V8 code cache build/start-loader.ts compiles the start bundle with. V8 puts
// in a cache only the functions compiled so far, and the start path compiles most of its functions lazily, as they
// first run; so the cache is taken from a process that has just done what `eddy start` does up to its first
// answer: a broker started on a loopback port in a scratch directory, asked for ApiVersions as clients ask first.
// Run after build/start-bundle.ts: `node dist/build/code-cache.js` (part of `npm run build` and of the Dockerfile).
// Without a cache (a failed warm-up removes the old one) Eddy starts as before, only slower.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { cacheFileFor, cacheKeyFor, encodeCacheFile, loadStartBundle } from './start-loader';

const WARM_CHILD_FLAG = '--warm-child';
const WARM_UP_TIMEOUT_MS = 30_000;

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
function exchange(port: number, requests: readonly Buffer[]): Promise<void> {
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Cli {
  main(argv: string[]): Promise<void>;
}

/** In the child: runs the start path from the bundle, then writes the cache of everything it compiled. */
async function warmUpAndWrite(bundleFile: string): Promise<void> {
  const loaded = loadStartBundle(bundleFile, module, { ignoreCache: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-code-cache-'));
  try {
    const port = await freePort();
    await (loaded.exports as Cli).main(['start', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir]);
    if (process.exitCode) throw new Error('the broker did not start');
    await exchange(port, apiVersionsRequests());
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const cachedData = loaded.script.createCachedData();
  const key = cacheKeyFor(bundleFile, fs.readFileSync(bundleFile, 'latin1'), fs.statSync(bundleFile, { bigint: true }));
  fs.writeFileSync(cacheFileFor(bundleFile), encodeCacheFile(key, cachedData));
  process.stderr.write(`${path.relative(process.cwd(), cacheFileFor(bundleFile))}: ${cachedData.length} bytes\n`);
}

function main(): void {
  const bundleFile = path.resolve(__dirname, '..', 'start-bundle.js');
  if (process.argv.includes(WARM_CHILD_FLAG)) {
    // The broker keeps running once started; the child ends here whether the cache was written or not.
    warmUpAndWrite(bundleFile).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`code cache: warm-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
    return;
  }
  // An old cache would be ignored anyway (its key names another bundle); removing it keeps dist/ truthful.
  fs.rmSync(cacheFileFor(bundleFile), { force: true });
  // A fresh process, so that what gets compiled (and cached) is the bundle, not modules this script loaded; its
  // stdout (the broker's log lines) is dropped. EDDY_* variables of the build's environment (the Docker image sets
  // some) stay out of it: the warm-up broker listens where this script asks it to.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('EDDY_')));
  const child = spawnSync(process.execPath, [__filename, WARM_CHILD_FLAG], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 2 * WARM_UP_TIMEOUT_MS,
  });
  if (child.status !== 0) {
    fs.rmSync(cacheFileFor(bundleFile), { force: true });
    process.stderr.write('code cache: not written; Eddy starts without it (compiling the start bundle each time)\n');
  }
}

if (require.main === module) main();
