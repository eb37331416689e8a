// Record batches for the data-path differential scenarios: well-formed ones with fixed timestamps (so both brokers
// store the same bytes) and deliberately damaged ones (CRC, magic, lengths, counts, truncation), each damage alone
// so a broker's answer shows which check it tripped. Offsets and the leader epoch are the broker's to assign.
import { ATTR_CONTROL, BATCH_HEADER, BATCH_LOG_OVERHEAD, Compression, updateBatchCrc } from '../../codecs/records/batch-header';
import { encodeRecordBatch, type RecordInput } from '../../codecs/records/record-batch';

/** A fixed CreateTime in the past (November 2023): well inside Kafka's timestamp bounds, and the same on both brokers. */
export const BASE_TIMESTAMP = 1_700_000_000_000n;

export interface BatchOptions {
  readonly compression?: Compression;
  /** Each record's timestamp, in order; absent records take BASE_TIMESTAMP. */
  readonly timestamps?: readonly bigint[];
  readonly keys?: boolean;
}

/** One batch of `count` small records `<prefix>-0`, `<prefix>-1`..., as a non-idempotent producer sends it. */
export function batchOf(count: number, prefix = 'v', options: BatchOptions = {}): Buffer {
  const records: RecordInput[] = Array.from({ length: count }, (_, i) => ({
    key: options.keys === true ? Buffer.from(`k${i}`) : null,
    value: Buffer.from(`${prefix}-${i}`),
    timestamp: options.timestamps?.[i] ?? BASE_TIMESTAMP,
  }));
  return encodeRecordBatch({
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    baseTimestamp: options.timestamps?.[0] ?? BASE_TIMESTAMP,
    records,
    compression: options.compression,
  });
}

/**
 * A compressed batch of `count` word-and-number values (about 300 bytes each): data that spans many 64 KiB LZ4
 * blocks, so every way an LZ4 block can end is likely to occur in it.
 */
export function wordyBatch(count: number, compression: Compression): Buffer {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  let state = 1;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const records: RecordInput[] = Array.from({ length: count }, () => {
    let text = '';
    while (text.length < 300) text += `${words[next(words.length)]}${next(10000)} `;
    return { value: Buffer.from(text), timestamp: BASE_TIMESTAMP };
  });
  return encodeRecordBatch({ producerId: -1n, producerEpoch: -1, baseSequence: -1, baseTimestamp: BASE_TIMESTAMP, records, compression });
}

/** A batch with one record whose value is `valueBytes` long: for the message size limits. */
export function batchOfSize(valueBytes: number): Buffer {
  return encodeRecordBatch({ baseTimestamp: BASE_TIMESTAMP, records: [{ value: Buffer.alloc(valueBytes, 0x61) }] });
}

/** A one-record batch of exactly `total` bytes, prefix included: the record's value is sized to fit. */
export function batchOfTotalSize(total: number): Buffer {
  for (let value = total - BATCH_HEADER.size; value >= 0; value--) {
    const batch = batchOfSize(value);
    if (batch.length === total) return batch;
  }
  throw new Error(`no one-record batch is exactly ${total} bytes`);
}

function copyWith(batch: Buffer, change: (copy: Buffer) => void, recomputeCrc: boolean): Buffer {
  const copy = Buffer.from(batch);
  change(copy);
  if (recomputeCrc) updateBatchCrc(copy);
  return copy;
}

/** The stored CRC no longer matches the bytes it covers. */
export function withBadCrc(batch: Buffer): Buffer {
  return copyWith(batch, (b) => b.writeUInt32BE((b.readUInt32BE(BATCH_HEADER.crc) ^ 0xffffffff) >>> 0, BATCH_HEADER.crc), false);
}

/** A magic byte other than 2 under a v2 layout (the CRC does not cover the magic byte). */
export function withMagic(batch: Buffer, magic: number): Buffer {
  return copyWith(batch, (b) => b.writeInt8(magic, BATCH_HEADER.magic), false);
}

/** The batch length field says `delta` bytes more (or fewer) than the batch holds. */
export function withLengthOff(batch: Buffer, delta: number): Buffer {
  return copyWith(batch, (b) => b.writeInt32BE(b.length - BATCH_LOG_OVERHEAD + delta, BATCH_HEADER.batchLength), false);
}

/** A record count that disagrees with the records present, with a CRC that matches the lie. */
export function withRecordCount(batch: Buffer, count: number): Buffer {
  return copyWith(batch, (b) => b.writeInt32BE(count, BATCH_HEADER.recordsCount), true);
}

/** A lastOffsetDelta that disagrees with the records present, with a CRC that matches. */
export function withLastOffsetDelta(batch: Buffer, delta: number): Buffer {
  return copyWith(batch, (b) => b.writeInt32BE(delta, BATCH_HEADER.lastOffsetDelta), true);
}

/** Attributes rewritten (e.g. an unknown codec or the control flag), with a matching CRC. */
export function withAttributes(batch: Buffer, attributes: number): Buffer {
  return copyWith(batch, (b) => b.writeInt16BE(attributes, BATCH_HEADER.attributes), true);
}

/** The control flag set on a client's data batch: only the broker may write control records. */
export function asControlBatch(batch: Buffer): Buffer {
  return withAttributes(batch, batch.readInt16BE(BATCH_HEADER.attributes) | ATTR_CONTROL);
}

/** A base offset the client has no business choosing: the broker assigns offsets itself. */
export function withBaseOffset(batch: Buffer, baseOffset: bigint): Buffer {
  return copyWith(batch, (b) => b.writeBigInt64BE(baseOffset, BATCH_HEADER.baseOffset), false);
}

/** The batch cut `bytes` short at the end, its length field still claiming the whole. */
export function truncated(batch: Buffer, bytes: number): Buffer {
  return batch.subarray(0, batch.length - bytes);
}
