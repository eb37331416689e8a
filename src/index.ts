// The package entry point for starting Eddy in-process (from a test, say): `require('eddy')`.
export { Broker, BrokerStartOptions } from './broker/broker';
export { BrokerConfig } from './config/broker-config';
export { createLogger, silentLogger, Logger, LogLevel } from './logger';
