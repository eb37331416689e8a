// The broker's public face for in-process users and tests: `import { Broker } from '.../src/broker'`.
export { Broker, BrokerStartOptions } from './broker';
export { topicDefaultsFromBroker } from '../config/topic-configs';
