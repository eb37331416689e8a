// 'eddy/jest': Eddy in jest tests. `useBroker()` in a test file (one broker per file, or per test), and for one
// broker per run the config's `globalSetup: 'eddy/jest/global-setup'` and `globalTeardown:
// 'eddy/jest/global-teardown'`, read in tests with `runBootstrap()`. jest's hooks are read from the globals it
// injects at the time of the call; with `injectGlobals: false`, pass them from '@jest/globals' instead.
import { useBrokerWith, type SuiteHooks, type UseBrokerOptions } from './suite-hooks';
import type { RunningBroker } from './start-broker';

export { runBootstrap, startRunBroker, stopRunBroker, BOOTSTRAP_ENV } from './global-broker';
export type { RunningBroker, StartBrokerOptions, CreatedTopic } from './start-broker';
export type { SuiteHooks, UseBrokerOptions } from './suite-hooks';

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
  return useBrokerWith(hooks, options);
}
