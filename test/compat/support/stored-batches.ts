// What the broker stored, read back with raw Fetch requests: lets a suite check that a client really sent the
// codec it was asked for (a client silently falling back to uncompressed batches would otherwise pass).
import { FetchRequestCodec } from '../../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../../codecs/generated/FetchResponse';
import { ATTR_COMPRESSION_MASK, batchAttributes } from '../../../codecs/records/batch-header';
import { scanFetchedRecords } from '../../../codecs/records/batch-iterator';
import { RawClient } from '../../helpers/raw-client';
import { sessionlessFetch } from '../../helpers/fetch-requests';

export const CODEC_IDS: Readonly<Record<string, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/** The compression codec ids of the first batches of each partition (one fetch per partition). */
export async function storedCodecs(port: number, topic: string, partitions: readonly number[]): Promise<Set<number>> {
  const client = await RawClient.connect(port);
  const codecs = new Set<number>();
  try {
    const res = await client.request(
      FetchRequestCodec,
      FetchResponseCodec,
      11,
      sessionlessFetch([{ topic, partitions: partitions.map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 16 })) }]),
    );
    for (const p of res.responses[0]?.partitions ?? []) {
      if (p.errorCode !== 0) throw new Error(`fetch ${topic}/${p.partitionIndex} failed with error ${p.errorCode}`);
      const records = p.records ?? Buffer.alloc(0);
      for (const slice of scanFetchedRecords(records).batches) {
        codecs.add(batchAttributes(records, slice.offset) & ATTR_COMPRESSION_MASK);
      }
    }
  } finally {
    client.close();
  }
  return codecs;
}

/**
 * Asserts the topic holds batches compressed with `codec`. Uncompressed batches may sit beside them: librdkafka and
 * kafka-python send a batch uncompressed when compressing would not make it smaller (small or unlucky batches).
 */
export async function expectStoredCodec(port: number, topic: string, codec: string): Promise<void> {
  const found = await storedCodecs(port, topic, [0, 1, 2]);
  const want = CODEC_IDS[codec];
  expect(found.has(want)).toBe(true);
  expect([...found].filter((c) => c !== want && c !== CODEC_IDS.none)).toEqual([]);
}
