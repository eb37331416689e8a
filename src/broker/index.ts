// The broker's public face for in-process users and tests: `import { Broker } from '.../src/broker'`.
export { Broker, BrokerStartOptions, topicDefaultsFromBroker } from './broker';
