// Where the compatibility suites find their clients. The heavy clients (librdkafka built from source, codec
// plugins, @platformatic/kafka) live in test/compat/node_modules, installed by .ci/run from test/compat's own
// package.json so that a user's `npm install` at the root never compiles librdkafka. The compiled suites run from
// dist/test/compat, so paths are resolved from the repository root, not through Node's normal lookup.
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const COMPAT_DIR = path.join(REPO_ROOT, 'test', 'compat');
export const COMPAT_MODULES = path.join(COMPAT_DIR, 'node_modules');
export const PYTHON_SCRIPTS = path.join(COMPAT_DIR, 'python');

export const INSTALL_HINT =
  'run .ci/run, or just the npm clients with `bash .ci/install-compat-clients` (needs build-essential zlib1g-dev ' +
  'libssl-dev libzstd-dev liblz4-dev libsasl2-dev to build librdkafka) and the apt clients with `apt-get install ' +
  'kcat python3-confluent-kafka python3-kafka python3-snappy python3-lz4 python3-zstandard`; ' +
  'set EDDY_SKIP_COMPAT=1 to skip the compatibility suites in a quick local run';

export function skipCompat(): boolean {
  return process.env.EDDY_SKIP_COMPAT === '1';
}

/**
 * Why a compat npm package cannot be used, or null when it can. `load: false` only checks that it is installed, for
 * packages that run in a child process rather than inside jest.
 */
export function compatPackageProblem(name: string, options: { load?: boolean } = {}): string | null {
  if (!fs.existsSync(path.join(COMPAT_MODULES, name, 'package.json'))) {
    return `npm package ${name} is not installed in ${COMPAT_MODULES}`;
  }
  if (options.load === false) return null;
  try {
    requireCompat(name);
    return null;
  } catch (err) {
    return `npm package ${name} is installed but fails to load: ${(err as Error).message}`;
  }
}

/** Loads a package from test/compat/node_modules; callers narrow the result to the surface they use. */
export function requireCompat(name: string): unknown {
  return require(path.join(COMPAT_MODULES, name));
}

/**
 * Declares a client's suite. A missing client is a failure with instructions, never a silent skip, so CI cannot
 * go green without exercising it; EDDY_SKIP_COMPAT=1 skips the compat suites on purpose, with a message.
 */
export function describeClient(title: string, problems: readonly (string | null)[], body: () => void): void {
  const missing = problems.filter((p): p is string => p !== null);
  if (skipCompat()) {
    console.warn(`EDDY_SKIP_COMPAT=1: skipping the ${title} compatibility suite`);
    describe.skip(title, body);
    return;
  }
  if (missing.length > 0 && process.env.CI !== 'true') {
    // Outside CI a fresh clone has no compat clients yet (they take minutes to build): say so loudly and skip,
    // so `npm test` stays usable. CI installs them, and there a missing client fails.
    console.warn(`${title} not installed, compatibility suite skipped: ${missing.join('; ')}. To run it, ${INSTALL_HINT}.`);
    describe.skip(title, body);
    return;
  }
  if (missing.length > 0) {
    describe(title, () => {
      test('client is installed', () => {
        throw new Error(`${title} cannot run: ${missing.join('; ')}. To install it, ${INSTALL_HINT}.`);
      });
    });
    return;
  }
  describe(title, body);
}

/** Why an executable is unusable, or null when it exists. */
export function executableProblem(file: string, installWith: string): string | null {
  return fs.existsSync(file) ? null : `${file} is missing (${installWith})`;
}
