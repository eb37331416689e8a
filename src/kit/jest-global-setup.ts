// jest's `globalSetup: 'eddy/jest/global-setup'`: one broker for the run with the kit's defaults (see
// global-broker.ts). jest wants the module itself to be the function. For other options, a setup file of your own:
// `module.exports = () => require('eddy/jest').startRunBroker({ partitions: 3 })`.
import { startRunBroker } from './global-broker';

export = async function eddyGlobalSetup(): Promise<void> {
  await startRunBroker();
};
