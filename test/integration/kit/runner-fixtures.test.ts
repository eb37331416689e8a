// The jest and vitest helpers used as a user's project uses them: test/kit-fixtures/ copied to a temp dir whose
// node_modules links `eddy` (this checkout, as `npm link` would), kafkajs and vitest, then each project's own runner
// run there. The fixtures' tests produce and consume with kafkajs against useBroker()'s broker and the run-wide one.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { removeDir, tempDataDir } from '../../helpers/broker';

jest.setTimeout(180000);

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const FIXTURES = path.join(REPO_ROOT, 'test', 'kit-fixtures');

let workspace = '';

beforeAll(() => {
  workspace = tempDataDir('eddy-kit-fixtures-');
  fs.cpSync(FIXTURES, workspace, { recursive: true });
  const modules = path.join(workspace, 'node_modules');
  fs.mkdirSync(modules);
  fs.symlinkSync(REPO_ROOT, path.join(modules, 'eddy'), 'dir');
  for (const dependency of ['kafkajs', 'vitest']) {
    fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, 'node_modules', dependency)), path.join(modules, dependency), 'dir');
  }
});

afterAll(() => removeDir(workspace));

interface RunnerOutcome {
  readonly code: number;
  readonly output: string;
}

/** Runs a runner's CLI in a fixture project; its outcome whether it passed or not, so a failure shows its output. */
async function runIn(project: string, runnerBin: string, args: readonly string[]): Promise<RunnerOutcome> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' };
  // Not inherited from this run: the fixture's global setup is what has to provide it, and its runner is not a worker.
  delete env.EDDY_BOOTSTRAP_SERVER;
  delete env.JEST_WORKER_ID;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [runnerBin, ...args], {
      cwd: path.join(workspace, project),
      env,
      timeout: 150000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

test("a jest project: useBroker() from 'eddy/jest' and the run-wide broker of its global setup", async () => {
  const jestBin = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const outcome = await runIn('jest-project', jestBin, ['--ci']);
  expect(outcome).toEqual({ code: 0, output: expect.stringMatching(/Tests:\s+2 passed, 2 total/) });
});

test("a vitest project: useBroker() from 'eddy/vitest', per file and per test, and its global setup", async () => {
  const vitestBin = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const outcome = await runIn('vitest-project', vitestBin, ['run']);
  expect(outcome).toEqual({ code: 0, output: expect.stringMatching(/Tests\s+4 passed \(4\)/) });
});
