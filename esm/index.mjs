// The package's ESM entry (`import { startBroker } from 'eddy'`): the compiled CommonJS entry, re-exported by
// name, so both module systems get the same objects (one Broker class, not two copies).
import eddy from '../dist/src/index.js';

export const { startBroker, Broker, BrokerConfig, createLogger, silentLogger } = eddy;
export default eddy;
