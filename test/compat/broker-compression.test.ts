// Batches the broker compresses itself, read by a real client: here the ones its log cleaner rewrites (a compacted
// topic's zstd or lz4 batches that lose superseded records are re-encoded with their codec), which librdkafka (kcat)
// must read back; batches recompressed on produce for a topic's compression.type are covered by
// test/integration/produce-recompression.test.ts. They must also be
// really compressed: Eddy once wrote zstd frames made of stored blocks.
import { randomBytes } from 'crypto';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { ATTR_COMPRESSION_MASK, batchAttributes, batchLastOffsetDelta, batchRecordsCount } from '../../codecs/records/batch-header';
import { scanFetchedRecords } from '../../codecs/records/batch-iterator';
import { decodeRecordBatch, encodeRecordBatch } from '../../codecs/records/record-batch';
import { kafkaClient, createTopics } from '../helpers/kafkajs';
import { sessionlessFetch } from '../helpers/fetch-requests';
import { RawClient } from '../helpers/raw-client';
import { KCAT, run } from '../helpers/tools';
import { waitFor } from '../helpers/wait';
import { describeClient, executableProblem } from './support/compat-clients';
import { startEddy, RunningEddy } from './support/eddy';
import { CODEC_IDS } from './support/stored-batches';

jest.setTimeout(120000);

const KEYS = 8;
const ROUNDS = 12;
const STATUSES = ['created', 'paid', 'shipped', 'delivered', 'returned'];

/** A value shaped like an application's event: compressible, not a repeated byte. */
function eventValue(round: number, key: number): string {
  const items = Array.from({ length: 6 }, (_, i) => ({ sku: `sku-${(round * 31 + key * 7 + i) % 500}`, status: STATUSES[(round + i) % STATUSES.length] }));
  return JSON.stringify({ key, round, items });
}

interface StoredBatch {
  codec: number;
  records: number;
  /** offsets the batch spans: more than `records` once the cleaner removed some */
  span: number;
  bytes: number;
  /** size of the same records in an uncompressed batch */
  plainBytes: number;
}

async function storedBatches(port: number, topic: string): Promise<StoredBatch[]> {
  const client = await RawClient.connect(port);
  try {
    const res = await client.request(
      FetchRequestCodec,
      FetchResponseCodec,
      11,
      sessionlessFetch([{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 22 }] }], { maxBytes: 1 << 22 }),
    );
    const records = res.responses[0].partitions[0].records ?? Buffer.alloc(0);
    return scanFetchedRecords(records).batches.map((slice) => {
      const decoded = decodeRecordBatch(records.subarray(slice.offset, slice.offset + slice.size));
      return {
        codec: batchAttributes(records, slice.offset) & ATTR_COMPRESSION_MASK,
        records: batchRecordsCount(records, slice.offset),
        span: batchLastOffsetDelta(records, slice.offset) + 1,
        bytes: slice.size,
        plainBytes: encodeRecordBatch({ records: decoded.records }).length,
      };
    });
  } finally {
    client.close();
  }
}

describeClient('batches the broker compresses, read by kcat', [executableProblem(KCAT, 'apt-get install kcat')], () => {
  let eddy: RunningEddy;

  beforeAll(async () => {
    eddy = await startEddy({ 'log.cleaner.backoff.ms': '100' });
  });

  afterAll(async () => {
    await eddy?.stop();
  });

  test.each(['zstd', 'lz4'])('%s batches the cleaner rewrote are compressed and read back', async (codec) => {
    const topic = `cleaned-${codec}`;
    await createTopics(kafkaClient(eddy.bootstrap, 'broker-compression'), [
      {
        topic,
        numPartitions: 1,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'segment.bytes', value: '2048' },
          { name: 'min.cleanable.dirty.ratio', value: '0.01' },
        ],
      },
    ]);
    const send = async (lines: string[]): Promise<void> => {
      // A linger long enough that each call's lines leave as one batch even on a loaded machine.
      const res = await run(
        KCAT,
        ['-b', eddy.bootstrap, '-P', '-t', topic, '-p', '0', '-K', '|', '-z', codec, '-X', 'linger.ms=200'],
        lines.join('\n') + '\n',
        60000,
      );
      expect(res.code).toBe(0);
    };
    for (let round = 0; round < ROUNDS; round++) {
      const lines = Array.from({ length: KEYS }, (_, key) => `key-${key}|${eventValue(round, key)}`);
      // One batch of every key, then one of half of them: the cleaner keeps half of the last full batch and rewrites it.
      await send(lines);
      await send(lines.slice(0, KEYS / 2));
    }
    // Two records of over half a segment each (random, so they stay that large compressed), under other keys: the
    // second at the latest rolls the segment wherever its last boundary fell, so that batch leaves the active
    // segment, which is never cleaned.
    for (let filler = 0; filler < 2; filler++) await send([`filler-${filler}|${randomBytes(1200).toString('base64')}`]);
    let rewritten: StoredBatch[] = [];
    await waitFor('the cleaner to rewrite some batches', async () => {
      rewritten = (await storedBatches(eddy.port, topic)).filter((b) => b.records > 0 && b.records < b.span);
      return rewritten.length > 0;
    });
    for (const batch of rewritten) {
      expect(batch.codec).toBe(CODEC_IDS[codec]);
      expect(batch.bytes).toBeLessThan(batch.plainBytes * 0.8);
    }

    const consumed = await run(KCAT, ['-b', eddy.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-f', '%k|%s\\n'], '', 60000);
    expect(consumed.code).toBe(0);
    const latest = new Map<string, string>();
    for (const line of consumed.stdout.split('\n').filter((l) => l.length > 0)) {
      const bar = line.indexOf('|');
      latest.set(line.slice(0, bar), line.slice(bar + 1));
    }
    for (let key = 0; key < KEYS; key++) expect(latest.get(`key-${key}`)).toBe(eventValue(ROUNDS - 1, key));
  });
});
