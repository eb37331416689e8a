// What fetch sessions buy a wide consumer (issue 21, item 3): a consumer of 1,000 partitions where three receive
// data sends and receives a few hundred bytes per fetch in a session, where full fetches cost tens of kilobytes
// each way. The consumer here speaks Fetch v16 over a raw socket as the Java client does: one full fetch with
// epoch 0, then incremental fetches naming only the partitions whose fetch offset moved.
import { brokerPerSuite } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import { FetchRequestCodec, type FetchRequestFetchTopicInit, type FetchRequestInit } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec, type FetchResponse } from '../../codecs/generated/FetchResponse';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import { responseHeaderVersion } from '../../codecs/protocol/headers';

jest.setTimeout(60000);

const VERSION = 16;
const PARTITIONS = 1000;
const HOT = [3, 500, 997];
const ROUNDS = 10;
const TOPIC = 'wide-consumer';
const suite = brokerPerSuite();

interface Exchange {
  readonly requestBytes: number;
  readonly responseBytes: number;
  readonly response: FetchResponse;
}

/** One Fetch, with the size of the request frame and of the response frame as they crossed the socket. */
async function exchange(client: RawClient, body: FetchRequestInit): Promise<Exchange> {
  const writer = new Writer();
  FetchRequestCodec.encode(body, writer, VERSION);
  const header = 2 + 2 + 4 + 2 + 'raw-test'.length + 1;
  client.send(FetchRequestCodec, VERSION, body);
  const frame = await client.nextFrame();
  if (frame === null) throw new Error('connection closed');
  const reader = new Reader(frame);
  reader.readInt32();
  if (responseHeaderVersion(FetchRequestCodec.apiKey, VERSION) >= 1) reader.readTaggedFields();
  return { requestBytes: 4 + header + writer.toBuffer().length, responseBytes: 4 + frame.length, response: FetchResponseCodec.decode(reader, VERSION) };
}

function fetchBody(sessionId: number, sessionEpoch: number, topics: FetchRequestFetchTopicInit[]): FetchRequestInit {
  return { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 50 << 20, isolationLevel: 0, sessionId, sessionEpoch, topics, forgottenTopicsData: [] };
}

/** Runs the consumer for ROUNDS rounds of appends to the hot partitions; the mean bytes per fetch after the first. */
async function consume(withSession: boolean): Promise<{ requestBytes: number; responseBytes: number; recordsSeen: number }> {
  const topicId = suite.broker.logs.topic(TOPIC)?.topicId ?? '';
  const offsets = Array.from({ length: PARTITIONS }, (_, p) => suite.broker.logs.partition(TOPIC, p)?.highWatermark ?? 0n);
  const topicOf = (partitions: readonly number[]): FetchRequestFetchTopicInit[] =>
    partitions.length === 0
      ? []
      : [{ topicId, partitions: partitions.map((partition) => ({ partition, fetchOffset: offsets[partition], partitionMaxBytes: 1 << 20 })) }];
  const everyPartition = Array.from({ length: PARTITIONS }, (_, p) => p);
  const client = await RawClient.connect(suite.broker.port);
  let sessionId = 0;
  let epoch = 0;
  let moved: number[] = [];
  let requestBytes = 0;
  let responseBytes = 0;
  let recordsSeen = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    if (round > 0)
      for (const hot of HOT)
        await suite.broker.logs.partition(TOPIC, hot)?.append(encodeRecordBatch({ records: [{ key: null, value: Buffer.from('x'.repeat(100)) }] }));
    const body = withSession && sessionId !== 0 ? fetchBody(sessionId, epoch, topicOf(moved)) : fetchBody(0, withSession ? 0 : -1, topicOf(everyPartition));
    const got = await exchange(client, body);
    expect(got.response.errorCode).toBe(0);
    if (withSession) {
      if (sessionId === 0) sessionId = got.response.sessionId;
      epoch++;
    }
    moved = [];
    for (const p of got.response.responses.flatMap((t) => t.partitions)) {
      if (p.highWatermark > offsets[p.partitionIndex]) {
        recordsSeen += Number(p.highWatermark - offsets[p.partitionIndex]);
        offsets[p.partitionIndex] = p.highWatermark;
        moved.push(p.partitionIndex);
      }
    }
    if (round > 0) {
      requestBytes += got.requestBytes;
      responseBytes += got.responseBytes;
    }
  }
  client.close();
  return { requestBytes: requestBytes / ROUNDS, responseBytes: responseBytes / ROUNDS, recordsSeen };
}

beforeAll(async () => {
  await suite.broker.logs.createTopic(TOPIC, PARTITIONS, {});
});

test('a consumer of 1,000 partitions, three of them busy, exchanges a few hundred bytes per fetch in a session', async () => {
  const full = await consume(false);
  const incremental = await consume(true);
  expect(full.recordsSeen).toBe(HOT.length * ROUNDS);
  expect(incremental.recordsSeen).toBe(HOT.length * ROUNDS);
  // Measured: about 150 B asked and 660 B answered per fetch in a session, against 33 kB and 38 kB for full fetches.
  expect(incremental.requestBytes).toBeLessThan(300);
  expect(incremental.responseBytes).toBeLessThan(1000);
  expect(full.requestBytes).toBeGreaterThan(20 * incremental.requestBytes);
  expect(full.responseBytes).toBeGreaterThan(20 * incremental.responseBytes);
});
