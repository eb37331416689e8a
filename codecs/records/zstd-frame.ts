// Zstandard frames. Reading uses fzstd (pure JS) as a stream so that a small frame announcing a huge output is
// stopped at the caller's limit. Writing emits a valid frame made of raw (stored) blocks: every zstd decoder reads
// it and no native or WebAssembly encoder is needed. The broker only writes zstd when it re-encodes data, which is
// rare, so size reduction is not worth a native build.
import { zstdDecoder } from './optional-codecs';
import { corrupt } from './record-errors';

const FRAME_MAGIC = 0xfd2fb528;
/** Frame header descriptor: 4-byte content size (FCS flag 2), single segment, no checksum, no dictionary. */
const DESCRIPTOR_SINGLE_SEGMENT_FCS4 = 0xa0;
/** Largest block a zstd block may hold (128 KiB). */
const MAX_BLOCK_SIZE = 128 * 1024;
const BLOCK_TYPE_RAW = 0;

export function compressZstdStored(data: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUInt32LE(FRAME_MAGIC, 0);
  header[4] = DESCRIPTOR_SINGLE_SEGMENT_FCS4;
  header.writeUInt32LE(data.length, 5);
  const parts: Buffer[] = [header];
  let at = 0;
  do {
    const size = Math.min(MAX_BLOCK_SIZE, data.length - at);
    const last = at + size >= data.length ? 1 : 0;
    const blockHeader = Buffer.alloc(3);
    blockHeader.writeUIntLE((size << 3) | (BLOCK_TYPE_RAW << 1) | last, 0, 3);
    parts.push(blockHeader, data.subarray(at, at + size));
    at += size;
  } while (at < data.length);
  return Buffer.concat(parts);
}

export function decompressZstd(data: Buffer, maxOutputBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = new (zstdDecoder().Decompress)((chunk) => {
    total += chunk.length;
    if (total > maxOutputBytes) throw corrupt(`zstd output exceeds the ${maxOutputBytes}-byte limit`);
    // fzstd may reuse its window buffer, so each chunk is copied out.
    chunks.push(Buffer.from(chunk));
  });
  stream.push(data, true);
  return Buffer.concat(chunks, total);
}
