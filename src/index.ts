// The package entry point for starting Eddy in-process (from a test, say): `require('eddy')`, or `import` through
// the ESM wrapper esm/index.mjs. `startBroker` (src/kit) is the short way; `Broker.start` the full one.
export { startBroker, StartBrokerOptions, RunningBroker, CreatedTopic, ConfigValue, BrokerFaults } from './kit/start-broker';
export { ReadyInfo, ReadyListener } from './kit/ready-info';
export { Broker, BrokerStartOptions } from './broker/broker';
export { BrokerConfig } from './config/broker-config';
export { createLogger, silentLogger, Logger, LogLevel } from './logger';
