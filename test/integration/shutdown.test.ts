// Graceful shutdown: a request in progress finishes and gets its response before the connection closes; a
// long-poll fetch answers at once instead of holding the shutdown for its max wait.
import { startInProcess, removeDir } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { longPollFetch } from '../helpers/fetch-requests';
import { CreateTopicsRequestCodec } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec } from '../../codecs/generated/CreateTopicsResponse';

jest.setTimeout(30000);

test('stop() answers a waiting long-poll fetch, then closes the connection', async () => {
  const { broker, dataDir } = await startInProcess();
  const client = await RawClient.connect(broker.port);
  try {
    const created = await client.request(CreateTopicsRequestCodec, CreateTopicsResponseCodec, 4, {
      topics: [{ name: 'idle', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 1000,
    });
    expect(created.topics[0].errorCode).toBe(0);
    const fetching = longPollFetch(client, 'idle', 20000);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await broker.stop();
    const res = await fetching;
    expect(res.responses[0].partitions[0].errorCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await client.waitClosed()).toBe(true);
  } finally {
    client.close();
    removeDir(dataDir);
  }
});
