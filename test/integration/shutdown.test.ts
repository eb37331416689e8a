// Graceful shutdown: a request in progress finishes and gets its response before the connection closes; a
// long-poll fetch answers at once instead of holding the shutdown for its max wait.
import { startInProcess, removeDir } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { sessionlessFetch } from '../helpers/fetch-requests';
import { CreateTopicsRequestCodec } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec } from '../../codecs/generated/CreateTopicsResponse';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';

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
    const fetching = client.request(
      FetchRequestCodec,
      FetchResponseCodec,
      11,
      sessionlessFetch([{ topic: 'idle', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }], { maxWaitMs: 20000, minBytes: 1 }),
    );
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
