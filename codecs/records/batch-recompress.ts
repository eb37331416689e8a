// Moves a produced v2 batch from one codec to another, for topics whose compression.type names a codec other than
// the producer's. Kafka's LogValidator rebuilds such a batch (buildRecordsAndAssignOffsets); the records, the
// producer id, epoch and base sequence, the transactional flag and the leader epoch carry over, and the header's
// maxTimestamp becomes the largest record timestamp. The records section is moved as it is: a record's bytes are
// the same whether or not the section around them is compressed, so nothing but the section is re-encoded.
// Offsets and LogAppendTime are patched later by storage, as for every other batch.
import { ATTR_COMPRESSION_MASK, BATCH_HEADER, BATCH_LOG_OVERHEAD, Compression, batchCompression, updateBatchCrc } from './batch-header';
import { compress, decompress } from './compression';

/** The codec a topic stores its batches with, and the level its compression.<codec>.level asks for. */
export interface CompressionTarget {
  readonly codec: Compression;
  /** absent: the library's default */
  readonly level?: number;
}

/** Whether a batch of codec `source` must be rebuilt for `target` (null: compression.type=producer keeps any codec). */
export function needsRecompression(source: Compression, target: CompressionTarget | null): target is CompressionTarget {
  return target !== null && target.codec !== source;
}

/** A new batch with `batch`'s header, `codec` in its attributes and `section` as its records. */
function withRecordsSection(batch: Buffer, codec: Compression, section: Buffer, maxTimestamp: bigint): Buffer {
  const total = BATCH_HEADER.size + section.length;
  const out = Buffer.allocUnsafe(total);
  batch.copy(out, 0, 0, BATCH_HEADER.size);
  section.copy(out, BATCH_HEADER.size);
  out.writeInt32BE(total - BATCH_LOG_OVERHEAD, BATCH_HEADER.batchLength);
  const attributes = out.readInt16BE(BATCH_HEADER.attributes);
  out.writeInt16BE((attributes & ~ATTR_COMPRESSION_MASK) | codec, BATCH_HEADER.attributes);
  out.writeBigInt64BE(maxTimestamp, BATCH_HEADER.maxTimestamp);
  updateBatchCrc(out);
  return out;
}

/** `batch` (one v2 batch, any codec) with its records section decompressed; an uncompressed batch comes back as is. */
export function withPlainRecords(batch: Buffer): Buffer {
  const codec = batchCompression(batch);
  if (codec === Compression.None) return batch;
  const plain = decompress(codec, batch.subarray(BATCH_HEADER.size));
  return withRecordsSection(batch, Compression.None, plain, batch.readBigInt64BE(BATCH_HEADER.maxTimestamp));
}

/** `plain` (an uncompressed v2 batch) with its records compressed for `target` and the header's maxTimestamp set. */
export function withCodec(plain: Buffer, target: CompressionTarget, maxTimestamp: bigint): Buffer {
  const section = plain.subarray(BATCH_HEADER.size);
  return withRecordsSection(plain, target.codec, compress(target.codec, section, target.level), maxTimestamp);
}

/** The compression.<codec>.level configs of a topic. */
export interface CompressionLevels {
  readonly gzip: number;
  readonly lz4: number;
  readonly zstd: number;
}

/** compression.type as Produce applies it: null for 'producer' (batches keep their codec), else the codec to store. */
export function compressionTargetOf(compressionType: string | null, levels: CompressionLevels): CompressionTarget | null {
  switch (compressionType) {
    case 'uncompressed':
      return { codec: Compression.None };
    case 'gzip':
      return { codec: Compression.Gzip, level: levels.gzip };
    case 'snappy':
      return { codec: Compression.Snappy };
    case 'lz4':
      return { codec: Compression.Lz4, level: levels.lz4 };
    case 'zstd':
      return { codec: Compression.Zstd, level: levels.zstd };
    default:
      return null;
  }
}
