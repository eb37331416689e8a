// Fault injection against librdkafka (@confluentinc/kafka-javascript): an idempotent producer whose acknowledgement
// is lost (the append took effect, the connection dropped before the answer) retries the batch with the same
// producer id and sequence, and the broker's duplicate check keeps exactly one copy of every record.
import { compatPackageProblem, describeClient, requireCompat } from './support/compat-clients';
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker';
import { withRawClient } from '../helpers/raw-client';
import { fetchPartition, values } from '../helpers/txn-requests';

jest.setTimeout(120000);

const PACKAGE = '@confluentinc/kafka-javascript';

interface Producer {
  connect(): Promise<void>;
  send(record: { topic: string; messages: { value: string }[] }): Promise<{ errorCode: number }[]>;
  disconnect(): Promise<void>;
}

interface ConfluentKafkaJS {
  KafkaJS: {
    Kafka: new (config: { kafkaJS: Record<string, unknown> }) => { producer(config: { kafkaJS: Record<string, unknown> } & Record<string, unknown>): Producer };
  };
}

describeClient(`${PACKAGE} under fault injection`, [compatPackageProblem(PACKAGE)], () => {
  let broker: Broker;
  let dataDir: string;
  let bootstrap: string;

  beforeAll(async () => {
    ({ broker, dataDir, bootstrap } = await startInProcess());
  });

  afterAll(async () => {
    await broker?.stop();
    if (dataDir !== undefined) removeDir(dataDir);
  });

  test('an idempotent producer survives a lost acknowledgement with no duplicate', async () => {
    const topic = 'faults-ack-lost';
    await broker.logs.createTopic(topic, 1);
    const { KafkaJS } = requireCompat(PACKAGE) as ConfluentKafkaJS;
    const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [bootstrap], clientId: 'ack-lost', logLevel: 0 } });
    const producer = kafka.producer({ kafkaJS: { idempotent: true, allowAutoTopicCreation: false }, 'linger.ms': 0 });
    await producer.connect();
    broker.faults.startTracking();
    broker.faults.add({ id: 'ack-lost', match: { api: 'Produce', topic }, action: { type: 'drop', when: 'after' }, times: 2 });
    try {
      for (let i = 0; i < 10; i++) {
        const sent = await producer.send({ topic, messages: [{ value: `m-${i}` }] });
        for (const meta of sent) expect(meta.errorCode).toBe(0);
      }
    } finally {
      await producer.disconnect();
    }
    const stored = values((await withRawClient(broker.port, (c) => fetchPartition(c, topic, 0, 0))).batches);
    expect(stored).toEqual(Array.from({ length: 10 }, (_, i) => `m-${i}`));
    expect(broker.faults.list()).toEqual([expect.objectContaining({ id: 'ack-lost', fired: 2 })]);
    // The first Produce took effect and its answer was lost, and so did the answer to its retry (the rule fired twice);
    // the third try was answered as a duplicate of what was already stored. Twelve Produce requests, ten records.
    const produces = broker.faults.requests({ clientId: 'ack-lost', api: 'Produce' }).map((r) => r.fault?.action ?? 'ok');
    expect(produces).toEqual(['drop', 'drop', ...Array.from({ length: 10 }, () => 'ok')]);
  });
});
