// vitest's `globalSetup: ['eddy/vitest/global-setup']`: one broker for the run, started before the test files load
// and stopped after them; tests read its address with `runBootstrap()` (EDDY_BOOTSTRAP_SERVER). It also provides
// it as `inject('eddyBootstrap')`, vitest's own channel from a global setup to tests.
import globalBroker from '../dist/src/kit/global-broker.js';

export async function setup(project) {
  const running = await globalBroker.startRunBroker();
  project?.provide?.('eddyBootstrap', running.bootstrap);
}

export async function teardown() {
  await globalBroker.stopRunBroker();
}
