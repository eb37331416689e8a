// GET /api/live, the console's live charts: server-sent events once a second with each topic's bytes and records
// in and out during that second and each group's total lag; the sampler runs only while a client listens, and
// closing the server ends open streams.
import { buildHttpApp } from '../../src/http/http-app';
import { liveSamplerOf } from '../../src/http/routes/live';
import type { LiveStatsEvent } from '../../src/http/live-stats';
import { silentLogger } from '../../src/logger';
import { httpBrokerPerSuite } from '../helpers/http-broker';
import { createTopics, withAdmin } from '../helpers/kafkajs';
import { waitFor } from '../helpers/wait';

jest.setTimeout(30000);

const suite = httpBrokerPerSuite('http-live-test');

/** Reads an event stream's `data:` lines as they arrive. */
class EventReader {
  private buffered = '';
  private readonly decoder = new TextDecoder();
  readonly comments: string[] = [];

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** The next event's data, or null when the stream ended. */
  async next(): Promise<LiveStatsEvent | null> {
    for (;;) {
      const end = this.buffered.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data: '));
        if (data !== undefined) return JSON.parse(data.slice('data: '.length)) as LiveStatsEvent;
        this.comments.push(block);
        continue;
      }
      const chunk = await this.reader.read();
      if (chunk.done) return null;
      this.buffered += this.decoder.decode(chunk.value, { stream: true });
    }
  }
}

async function openStream(signal: AbortSignal): Promise<{ response: Response; events: EventReader }> {
  const response = await fetch(`${suite.url}/api/live`, { signal });
  const body = response.body as ReadableStream<Uint8Array>;
  return { response, events: new EventReader(body.getReader()) };
}

test('events carry the records and bytes of the last second per topic and the lag per group', async () => {
  const topic = 'live-topic';
  await createTopics(suite.kafka, [{ topic, numPartitions: 1 }]);
  await withAdmin(suite.kafka, (admin) => admin.setOffsets({ groupId: 'live-group', topic, partitions: [{ partition: 0, offset: '4' }] }));
  const aborter = new AbortController();
  const { response, events } = await openStream(aborter.signal);
  try {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const producer = suite.kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 10 }, (_, i) => ({ value: `value-${i}` }));
    await producer.send({ topic, messages });
    await producer.disconnect();
    // The records land in one or two intervals; every later interval reports nothing new.
    let recordsIn = 0;
    let bytesIn = 0;
    let event: LiveStatsEvent | null = null;
    for (let seen = 0; seen < 5 && recordsIn < 10; seen++) {
      event = await events.next();
      if (event === null) throw new Error('stream ended');
      const stats = event.topics.find((t) => t.topic === topic);
      recordsIn += stats?.recordsIn ?? 0;
      bytesIn += stats?.bytesIn ?? 0;
    }
    expect(recordsIn).toBe(10);
    expect(bytesIn).toBe(suite.broker.metrics.topics.get(topic)?.bytesIn);
    const quiet = (await events.next()) as LiveStatsEvent;
    expect(quiet.intervalMs).toBeGreaterThan(500);
    expect(quiet.topics.find((t) => t.topic === topic)).toEqual({ topic, bytesIn: 0, bytesOut: 0, recordsIn: 0, recordsOut: 0 });
    expect(quiet.groups).toContainEqual({ group: 'live-group', lag: 6 });
    expect(events.comments[0]).toContain('retry: ');
  } finally {
    aborter.abort();
  }
});

test('the sampler runs only while a client listens, and closing the server ends open streams', async () => {
  const sampler = liveSamplerOf(suite.app);
  if (sampler === undefined) throw new Error('no live stream sampler');
  await waitFor('the previous test’s stream to be gone', () => sampler.listenerCount === 0);
  expect(sampler.running).toBe(false);

  const first = new AbortController();
  const { events } = await openStream(first.signal);
  await waitFor('the sampler to start', () => sampler.running);
  expect(await events.next()).not.toBeNull();
  first.abort();
  await waitFor('the sampler to stop once the client left', () => !sampler.running);
  expect(sampler.listenerCount).toBe(0);

  // A second server whose close ends the stream it serves: the client sees the end, not an error.
  const other = await buildHttpApp(suite.broker, silentLogger());
  const otherUrl = await other.listen({ host: '127.0.0.1', port: 0 });
  const response = await fetch(`${otherUrl}/api/live`);
  const reader = new EventReader((response.body as ReadableStream<Uint8Array>).getReader());
  await waitFor('the stream to be served', () => liveSamplerOf(other)?.running === true);
  const closed = other.close();
  expect(await reader.next()).toBeNull();
  await closed;
  expect(liveSamplerOf(other)?.running).toBe(false);
});
