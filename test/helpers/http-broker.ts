// An in-process broker with its HTTP server on a free port, for the suites of the console's routes: registered
// with beforeAll/afterAll, its parts filled in once started.
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { Broker } from '../../src/broker/broker';
import { buildHttpApp } from '../../src/http/http-app';
import { silentLogger } from '../../src/logger';
import { removeDir, startInProcess } from './broker';
import { kafkaClient } from './kafkajs';

export interface HttpSuiteBroker {
  broker: Broker;
  kafka: Kafka;
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
}

export function httpBrokerPerSuite(clientId: string): HttpSuiteBroker {
  const suite = {} as HttpSuiteBroker;
  let dataDir: string | undefined;
  beforeAll(async () => {
    const started = await startInProcess();
    dataDir = started.dataDir;
    suite.broker = started.broker;
    suite.kafka = kafkaClient(started.bootstrap, clientId);
    suite.app = await buildHttpApp(started.broker, silentLogger());
    suite.url = await suite.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await suite.app?.close();
    await suite.broker?.stop();
    if (dataDir !== undefined) removeDir(dataDir);
  });
  return suite;
}
