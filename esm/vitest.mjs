// 'eddy/vitest': Eddy in vitest tests. vitest can only be imported, never required, so this entry is ESM and passes
// vitest's hooks to the kit's runner-neutral code (dist/src/kit/suite-hooks.js).
// - `useBroker(options)` in a test file: one broker for the file (or for each test, with `scope: 'test'`).
// - One broker for the run: `globalSetup: ['eddy/vitest/global-setup']` in the config, `runBootstrap()` in tests.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import suiteHooks from '../dist/src/kit/suite-hooks.js';
import globalBroker from '../dist/src/kit/global-broker.js';

export function useBroker(options = {}) {
  return suiteHooks.useBrokerWith({ beforeAll, afterAll, beforeEach, afterEach }, options);
}

export const { runBootstrap, startRunBroker, stopRunBroker, BOOTSTRAP_ENV } = globalBroker;
