// 'eddy/jest': Eddy in jest tests. `useBroker()` in a test file (one broker per file, or per test), and for one
// broker per run the config's `globalSetup: 'eddy/jest/global-setup'` and `globalTeardown:
// 'eddy/jest/global-teardown'`, read in tests with `runBootstrap()`. jest's hooks are read from the globals it
// injects at the time of the call; with `injectGlobals: false`, pass them from '@jest/globals' instead.
// jest gives each test file a module registry of its own, so a broker's ~150 modules would load again for every
// file (over 100 ms each). The kit loads them once per worker process instead, with Node's own require, where the
// runtime offers it (process.getBuiltinModule, Node 20.16+): a later file's broker is then ready in milliseconds.
// The broker's code thus runs outside jest's module system: jest's fake timers never stop it, and its errors are
// that copy's classes (match them by `code`, not `instanceof`).
import type * as GlobalBrokerModule from './global-broker';
import type { RunningBroker } from './start-broker';
import type * as SuiteHooksModule from './suite-hooks';
import type { SuiteHooks, UseBrokerOptions } from './suite-hooks';

export type { RunningBroker, StartBrokerOptions, CreatedTopic } from './start-broker';
export type { SuiteHooks, UseBrokerOptions } from './suite-hooks';

type BuiltinModuleLookup = (id: string) => unknown;

/** Node's require from this file, bypassing the registry of whoever loaded it; that loader's require without it. */
function workerRequire(): NodeJS.Require {
  const lookup = (process as { getBuiltinModule?: BuiltinModuleLookup }).getBuiltinModule;
  const nodeModule = lookup?.call(process, 'module') as typeof import('module') | undefined;
  return nodeModule?.createRequire(__filename) ?? require;
}

const load = workerRequire();
const suiteHooks = load('./suite-hooks') as typeof SuiteHooksModule;
const globalBroker = load('./global-broker') as typeof GlobalBrokerModule;

export const { startRunBroker, stopRunBroker, BOOTSTRAP_ENV } = globalBroker;

/** In a test file: the run's broker address, from the environment jest gives the file (the worker's, inherited from the global setup). */
export function runBootstrap(env: NodeJS.ProcessEnv = process.env): string {
  return globalBroker.runBootstrap(env);
}

function injectedHooks(): SuiteHooks {
  const scope = globalThis as Partial<SuiteHooks>;
  const { beforeAll, afterAll, beforeEach, afterEach } = scope;
  if (beforeAll === undefined || afterAll === undefined || beforeEach === undefined || afterEach === undefined) {
    throw new Error("useBroker() needs jest's hooks: call it in a test file, or pass them: useBroker(options, { beforeAll, afterAll, ... })");
  }
  return { beforeAll, afterAll, beforeEach, afterEach };
}

/** A broker for this file's tests (or each test's, with scope 'test'); call the getter inside tests. */
export function useBroker(options: UseBrokerOptions = {}, hooks: SuiteHooks = injectedHooks()): () => RunningBroker {
  return suiteHooks.useBrokerWith(hooks, options);
}
