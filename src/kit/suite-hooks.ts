// One broker per test file or per test, for any runner with jest's hook names (jest, vitest, mocha's bdd UI as
// beforeAll = before): `useBroker()` registers the hooks that start and stop it and hands back a getter, called
// inside tests, since the broker exists only once the hooks have run. The runner-specific entries ('eddy/jest',
// 'eddy/vitest') pass their runner's hooks in; this module depends on no runner.
import { startBroker, type RunningBroker, type StartBrokerOptions } from './start-broker';

type Hook = (fn: () => Promise<void>, timeoutMs?: number) => unknown;

/** The hook functions of a runner; only the pair the chosen scope uses is called. */
export interface SuiteHooks {
  readonly beforeAll: Hook;
  readonly afterAll: Hook;
  readonly beforeEach: Hook;
  readonly afterEach: Hook;
}

export interface UseBrokerOptions extends StartBrokerOptions {
  /** 'file' (default): one broker for the tests of the file or describe block; 'test': a fresh broker for each test. */
  readonly scope?: 'file' | 'test';
  /** Timeout given to the start and stop hooks (default 30 s: a first start on a busy CI machine loads the code). */
  readonly hookTimeoutMs?: number;
}

const DEFAULT_HOOK_TIMEOUT_MS = 30_000;

/** Registers the start and stop hooks; the getter throws when called where the broker is not running. */
export function useBrokerWith(hooks: SuiteHooks, options: UseBrokerOptions = {}): () => RunningBroker {
  const { scope = 'file', hookTimeoutMs = DEFAULT_HOOK_TIMEOUT_MS, ...startOptions } = options;
  let running: RunningBroker | undefined;
  const [before, after] = scope === 'test' ? [hooks.beforeEach, hooks.afterEach] : [hooks.beforeAll, hooks.afterAll];
  before(async () => {
    running = await startBroker(startOptions);
  }, hookTimeoutMs);
  after(async () => {
    const stopping = running;
    running = undefined;
    await stopping?.stop();
  }, hookTimeoutMs);
  return () => {
    if (running === undefined) {
      throw new Error(`the broker of useBroker() runs only inside the tests of its ${scope === 'test' ? 'test' : 'file or describe block'}`);
    }
    return running;
  };
}
