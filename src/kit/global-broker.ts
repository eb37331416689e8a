// One broker for a whole test run: a runner's global setup starts it in the runner's own process before any test
// file loads and puts its address in EDDY_BOOTSTRAP_SERVER, which the worker processes inherit (and which the
// `eddy` tools read as their default broker); the global teardown stops it. Shared by 'eddy/jest' (whose
// globalSetup and globalTeardown are separate modules, 'eddy/jest/global-setup' and '.../global-teardown') and
// 'eddy/vitest' (setup and teardown of one globalSetup module).
import { startBroker, type RunningBroker, type StartBrokerOptions } from './start-broker';

/** Where the run's broker address is published to test files. */
export const BOOTSTRAP_ENV = 'EDDY_BOOTSTRAP_SERVER';

/** Kept on globalThis: jest loads the setup and teardown modules separately, but in one process and context. */
const RUN_BROKER = Symbol.for('eddy.kit.runBroker');

type RunBrokerHolder = { [RUN_BROKER]?: RunningBroker };

/** Starts the run's broker (once; a second call returns the first broker) and publishes its address. */
export async function startRunBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const holder = globalThis as RunBrokerHolder;
  const running = holder[RUN_BROKER] ?? (await startBroker(options));
  holder[RUN_BROKER] = running;
  process.env[BOOTSTRAP_ENV] = running.bootstrap;
  return running;
}

/** Stops the run's broker, if one was started. */
export async function stopRunBroker(): Promise<void> {
  const holder = globalThis as RunBrokerHolder;
  const running = holder[RUN_BROKER];
  delete holder[RUN_BROKER];
  await running?.stop();
}

/** In a test file: the run's broker address, published by the global setup. */
export function runBootstrap(env: NodeJS.ProcessEnv = process.env): string {
  const bootstrap = env[BOOTSTRAP_ENV];
  if (bootstrap === undefined || bootstrap === '') {
    throw new Error(`${BOOTSTRAP_ENV} is not set: add Eddy's global setup to the test runner's config (see the README)`);
  }
  return bootstrap;
}
