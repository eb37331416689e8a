// Writes dist/start-bundle.v8cache, the V8 code cache build/start-loader.ts compiles the start bundle with. V8 puts
// in a cache only the functions compiled so far, and the start path compiles most of its functions lazily, as they
// first run; so the cache is taken from a process that has just done what `eddy start` does up to its first
// answer: a broker started on a loopback port in a scratch directory, asked for ApiVersions as clients ask first.
// Run after build/start-bundle.ts: `node dist/build/code-cache.js` (part of `npm run build` and of the Dockerfile).
// Without a cache (a failed warm-up removes the old one) Eddy starts as before, only slower.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheFileFor, cacheKeyFor, encodeCacheFile, loadStartBundle } from './start-loader';
import { apiVersionsRequests, exchange, freePort, WARM_UP_TIMEOUT_MS, warmStartArgs, warmUpEnv } from './warm-start';

const WARM_CHILD_FLAG = '--warm-child';

interface Cli {
  main(argv: string[]): Promise<void>;
}

/** In the child: runs the start path from the bundle, then writes the cache of everything it compiled. */
async function warmUpAndWrite(bundleFile: string): Promise<void> {
  const loaded = loadStartBundle(bundleFile, module, { ignoreCache: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-code-cache-'));
  try {
    const port = await freePort();
    await (loaded.exports as Cli).main(warmStartArgs(port, dataDir));
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
  // stdout (the broker's log lines) is dropped.
  const child = spawnSync(process.execPath, [__filename, WARM_CHILD_FLAG], {
    env: warmUpEnv(),
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 2 * WARM_UP_TIMEOUT_MS,
  });
  if (child.status !== 0) {
    fs.rmSync(cacheFileFor(bundleFile), { force: true });
    process.stderr.write('code cache: not written; Eddy starts without it (compiling the start bundle each time)\n');
  }
}

if (require.main === module) main();
