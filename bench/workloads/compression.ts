// Compression figures for the codec section: what the broker pays and gains when it compresses record batches
// itself (a topic with compression.type set fed other batches, down-conversion for old clients), per codec. Rows
// give MB/s of uncompressed batch bytes for writing and for reading one batch of 1 MB, and the written size as a
// percentage of the uncompressed batch. The records look like an application's: JSON events whose ids, numbers and
// words vary, not a repeated byte.
import { record, Section } from '../lib/results';
import { COMPRESSION_NAMES, codecUnavailableReason, compress, decompress } from '../../codecs/records/compression';
import { encodeRecordBatch, RecordInput } from '../../codecs/records/record-batch';
import { BATCH_HEADER, Compression } from '../../codecs/records/batch-header';
import type { BenchContext } from '../lib/context';
import { throughput } from './codec';

const CODECS = [Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd] as const;
const BATCH_BYTES = 1024 * 1024;
const WORDS = ['created', 'updated', 'shipped', 'paid', 'refunded', 'cancelled', 'delivered', 'returned'];
const CITIES = ['Lyon', 'Oslo', 'Porto', 'Kyoto', 'Quito', 'Dakar', 'Perth', 'Tartu'];

/** A deterministic pseudo-random sequence, so every run compresses the same bytes. */
function generator(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

/** About `totalBytes` of JSON order events, one per record, keyed by customer. */
export function applicationRecords(totalBytes: number): RecordInput[] {
  const next = generator(42);
  const records: RecordInput[] = [];
  let size = 0;
  for (let i = 0; size < totalBytes; i++) {
    const event = {
      id: `ord-${100000 + next(900000)}`,
      customer: `c${next(5000)}`,
      status: WORDS[next(WORDS.length)],
      city: CITIES[next(CITIES.length)],
      amount: next(100000) / 100,
      items: Array.from({ length: 1 + next(4) }, () => ({ sku: `sku-${next(2000)}`, qty: 1 + next(5) })),
      at: 1_700_000_000_000 + i * 37 + next(30),
    };
    const value = Buffer.from(JSON.stringify(event));
    records.push({ key: Buffer.from(event.customer), value, timestamp: BigInt(event.at) });
    size += value.length + event.customer.length;
  }
  return records;
}

export function runCompression(ctx: BenchContext, out: Section): void {
  const minMs = ctx.quick ? 150 : 1000;
  const runs = ctx.quick ? 1 : Math.max(ctx.runs, 3);
  const records = applicationRecords(BATCH_BYTES);
  const plainBatch = encodeRecordBatch({ records });
  const plainBytes = plainBatch.length;
  // What the codec sees: the records section, after the batch header.
  const section = plainBatch.subarray(BATCH_HEADER.size);
  const usable = CODECS.filter((codec) => {
    const problem = codecUnavailableReason(codec);
    if (problem !== null) out.notes.push(`${COMPRESSION_NAMES[codec]} left out: ${problem}`);
    return problem === null;
  });
  for (let r = 0; r < runs; r++) {
    ctx.progress(`compression run ${r + 1}/${runs}`);
    for (const codec of usable) {
      const name = COMPRESSION_NAMES[codec];
      const packed = compress(codec, section);
      const label = `${name}, 1 MB batch of JSON events`;
      record(out, `${label}: written size`, '% of plain', 'eddy', (100 * (BATCH_HEADER.size + packed.length)) / plainBytes);
      const rate = (what: string, bytes: number, op: () => unknown): void => record(out, `${label}: ${what}`, 'MB/s', 'eddy', throughput(bytes, op, minMs));
      rate('compress the records', section.length, () => compress(codec, section));
      rate('decompress the records', section.length, () => decompress(codec, packed));
      rate('encode the whole batch', plainBytes, () => encodeRecordBatch({ records, compression: codec }));
    }
  }
  out.notes.push('Compression rows: MB/s of uncompressed bytes; "encode the whole batch" includes encoding the records.');
}
