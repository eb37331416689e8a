// jest's `globalTeardown: 'eddy/jest/global-teardown'`: stops the run's broker that the global setup started.
import { stopRunBroker } from './global-broker';

export = async function eddyGlobalTeardown(): Promise<void> {
  await stopRunBroker();
};
