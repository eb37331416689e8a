// The connection-level fault actions as a client meets them on the wire: broker down refuses connects (the client
// sees ECONNREFUSED, as from a stopped broker) and closes the connections it had, then listens again on the same
// port; throttle mutes the connection for its time, as a quota does.
import * as net from 'net';
import { Kafka, logLevel } from 'kafkajs';
import { brokerPerSuite } from '../helpers/broker';
import type { Broker } from '../../src/broker';
import { RawClient, withRawClient } from '../helpers/raw-client';
import { fetchPartition, values } from '../helpers/txn-requests';
import { waitFor } from '../helpers/wait';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';

jest.setTimeout(60000);

const eddy = brokerPerSuite();
let broker: Broker;

beforeAll(() => {
  broker = eddy.broker;
});

afterEach(() => broker.faults.clear());

/** How a plain TCP connect to the broker's port ends: 'connected' or the error code. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const metadata = (c: RawClient) =>
  c.request(MetadataRequestCodec, MetadataResponseCodec, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });

test('broker down refuses connects with ECONNREFUSED and closes open connections; the same port answers after the window', async () => {
  const port = broker.port;
  const open = await RawClient.connect(port);
  await metadata(open);
  broker.faults.add({ id: 'down', action: { type: 'broker-down', ms: 1500 } });
  expect(await open.nextFrame()).toBeNull();
  open.close();
  expect(await connectOutcome(port)).toBe('ECONNREFUSED');
  await waitFor('the listener back', async () => (await connectOutcome(port)) === 'connected', 10000);
  expect(broker.port).toBe(port);
  await withRawClient(port, async (c) => expect((await metadata(c)).brokers).toHaveLength(1));
  expect(broker.faults.list()).toEqual([expect.objectContaining({ id: 'down' })]);
});

test('clearing a broker-down rule listens again at once; a window that starts later refuses only from then', async () => {
  const port = broker.port;
  broker.faults.add({ id: 'long', action: { type: 'broker-down', ms: 60000 } });
  expect(await connectOutcome(port)).toBe('ECONNREFUSED');
  broker.faults.clear('long');
  await waitFor('the listener back', async () => (await connectOutcome(port)) === 'connected', 5000);
  broker.faults.add({ id: 'later', action: { type: 'broker-down', ms: 60000 }, window: { afterMs: 300 } });
  expect(await connectOutcome(port)).toBe('connected');
  await waitFor('the broker down', async () => (await connectOutcome(port)) === 'ECONNREFUSED', 5000);
  broker.faults.clear();
  await waitFor('the listener back', async () => (await connectOutcome(port)) === 'connected', 5000);
});

test('kafkajs reconnects once the broker-down window is over and delivers what it was sending', async () => {
  const kafka = new Kafka({ clientId: 'down', brokers: [eddy.bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100, retries: 10 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'faults-down', numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'faults-down', messages: [{ value: 'before' }] });
  broker.faults.add({ action: { type: 'broker-down', ms: 1000 } });
  await producer.send({ topic: 'faults-down', messages: [{ value: 'during' }] });
  await producer.disconnect();
  const stored = await withRawClient(broker.port, (c) => fetchPartition(c, 'faults-down', 0, 0));
  expect(values(stored.batches)).toEqual(['before', 'during']);
});

test('throttle puts its time in the answer and mutes the connection for it, as a quota does', async () => {
  broker.faults.add({ match: { api: 'Metadata' }, action: { type: 'throttle', ms: 600 }, times: 'once' });
  await withRawClient(broker.port, async (c) => {
    expect((await metadata(c)).throttleTimeMs).toBe(600);
    const sent = Date.now();
    expect((await metadata(c)).throttleTimeMs).toBe(0);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(550);
  });
});
