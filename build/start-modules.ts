// The modules `eddy start` runs up to its first answer, as build/start-bundle.ts needs them: those stay in the start
// bundle, Eddy's other modules load from their own files when first required (build/out-of-bundle.ts). They are
// found by doing it: a child process runs the compiled CLI (dist/src/cli.js, the bundle's entry) as
// build/code-cache.ts's warm-up runs the bundle, and lists Node's module cache once ApiVersions has been answered.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { apiVersionsRequests, exchange, freePort, WARM_UP_TIMEOUT_MS, warmStartArgs, warmUpEnv } from './warm-start';

const LIST_FLAG = '--list-start-modules';

interface Cli {
  main(argv: string[]): Promise<void>;
}

/** In the child: starts a broker from the compiled files, asks it for ApiVersions, writes the modules loaded to `out`. */
async function listStartModules(root: string, out: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-start-modules-'));
  try {
    const port = await freePort();
    const cli = require(path.join(root, 'dist', 'src', 'cli.js')) as Cli;
    await cli.main(warmStartArgs(port, dataDir));
    if (process.exitCode) throw new Error('the broker did not start');
    await exchange(port, apiVersionsRequests());
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  fs.writeFileSync(out, JSON.stringify(Object.keys(require.cache)));
}

/**
 * The files (absolute, as Node resolved them) a start from the compiled files loads up to its first ApiVersions
 * answer, or undefined when the warm-up failed.
 */
export function startModules(root: string): ReadonlySet<string> | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-start-modules-list-'));
  const out = path.join(dir, 'modules.json');
  try {
    // Its stdout (the broker's log lines) is dropped.
    const child = spawnSync(process.execPath, [__filename, LIST_FLAG, root, out], {
      env: warmUpEnv(),
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 2 * WARM_UP_TIMEOUT_MS,
    });
    if (child.status !== 0 || !fs.existsSync(out)) return undefined;
    return new Set(JSON.parse(fs.readFileSync(out, 'utf8')) as string[]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module && process.argv[2] === LIST_FLAG) {
  // The broker keeps running once started; the child ends here whether the list was written or not.
  listStartModules(process.argv[3], process.argv[4]).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`start modules: warm-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
