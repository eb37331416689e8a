// Zstandard frames. Reading uses fzstd (pure JS) as a stream so that a small frame announcing a huge output is
// stopped at the caller's limit. Writing (a topic with compression.type=zstd fed other batches, down-conversion)
// uses the zstd library itself through a native package, at Kafka's default level 3 unless the topic names another.
import { zstdDecoder, zstdEncoder } from './optional-codecs';
import { corrupt } from './record-errors';

const FRAME_MAGIC = 0xfd2fb528;
/** Largest block a zstd block may hold (128 KiB). */
const MAX_BLOCK_SIZE = 128 * 1024;
const BLOCK_TYPE_RLE = 1;
const BLOCK_TYPE_RESERVED = 3;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const DICTIONARY_ID_BYTES = [0, 1, 2, 4] as const;
const CONTENT_SIZE_BYTES = [0, 2, 4, 8] as const;
const MIN_WINDOW_LOG = 10;
/** The window of zstd's level 19 for an input of unknown size (window log 23), the largest of its ordinary levels. */
const LARGEST_LEVEL_WINDOW = 8 * 1024 * 1024;

/** `level`: a topic's compression.zstd.level; zstd's default (Kafka's too) when absent. */
export function compressZstd(data: Buffer, level?: number): Buffer {
  return zstdEncoder(level).encodeSync(data);
}

export function decompressZstd(data: Buffer, maxOutputBytes: number): Buffer {
  checkFrameHeaders(data, maxOutputBytes);
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

interface FrameHeader {
  /** bytes the decoder must keep: the window, or the whole content for single-segment frames */
  windowSize: number;
  /** declared decompressed size, or null when the frame does not say */
  contentSize: number | null;
  hasChecksum: boolean;
  /** position of the first block header */
  blocksStart: number;
}

function readUIntLE(data: Buffer, at: number, bytes: number): number {
  let value = 0;
  for (let i = bytes - 1; i >= 0; i--) value = value * 256 + data[at + i];
  return value;
}

function readFrameHeader(data: Buffer, at: number): FrameHeader {
  if (at + 6 > data.length) throw corrupt('zstd frame header runs past the end of the data');
  const descriptor = data[at + 4];
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  if (descriptor & 0x08) throw corrupt('zstd frame header sets its reserved bit');
  let cursor = at + 5;
  let windowSize = 0;
  if (!singleSegment) {
    const windowDescriptor = data[cursor++];
    // Plain arithmetic, not shifts: exponents up to 31 give windows far beyond 2^31.
    const base = 2 ** (MIN_WINDOW_LOG + (windowDescriptor >> 3));
    windowSize = base + (base / 8) * (windowDescriptor & 0x07);
  }
  cursor += DICTIONARY_ID_BYTES[descriptor & 0x03];
  const sizeBytes = contentSizeFlag === 0 ? (singleSegment ? 1 : 0) : CONTENT_SIZE_BYTES[contentSizeFlag];
  if (cursor + sizeBytes > data.length) throw corrupt('zstd frame header runs past the end of the data');
  let contentSize: number | null = null;
  if (sizeBytes > 0) contentSize = readUIntLE(data, cursor, sizeBytes) + (sizeBytes === 2 ? 256 : 0);
  cursor += sizeBytes;
  if (singleSegment) windowSize = contentSize ?? 0;
  return { windowSize, contentSize, hasChecksum: (descriptor & 0x04) !== 0, blocksStart: cursor };
}

/** Walks the block headers of the frame whose blocks start at `at`; returns the position after the frame. */
function skipBlocks(data: Buffer, at: number, hasChecksum: boolean): number {
  for (;;) {
    if (at + 3 > data.length) throw corrupt('zstd block header runs past the end of the data');
    const header = data.readUIntLE(at, 3);
    const type = (header >> 1) & 0x03;
    const size = header >> 3;
    if (type === BLOCK_TYPE_RESERVED) throw corrupt('zstd block uses the reserved block type');
    if (size > MAX_BLOCK_SIZE) throw corrupt(`zstd block of ${size} bytes exceeds the ${MAX_BLOCK_SIZE}-byte maximum`);
    at += 3 + (type === BLOCK_TYPE_RLE ? 1 : size);
    if (header & 1) return at + (hasChecksum ? 4 : 0);
  }
}

/**
 * fzstd allocates each frame's whole window (up to 2 GiB) as soon as it reads the header, so a 20-byte frame could
 * claim gigabytes. Every frame header is checked first: a declared size beyond the output limit cannot belong to a
 * frame whose output fits that limit, so such data is refused before any allocation. A window can: a streaming
 * encoder that was not told the input size (zstd-jni in Kafka's producer, the library Eddy writes with) declares
 * its level's window, 2 MiB at level 3, for a frame of 5 bytes. So a window is refused only beyond both the limit
 * and the largest window the levels 1-19 use.
 */
function checkFrameHeaders(data: Buffer, maxOutputBytes: number): void {
  let at = 0;
  while (at < data.length) {
    if (at + 4 > data.length) throw corrupt('zstd data ends inside a frame magic number');
    const magic = data.readUInt32LE(at);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (at + 8 > data.length) throw corrupt('zstd skippable frame header runs past the end of the data');
      at += 8 + data.readUInt32LE(at + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) throw corrupt('zstd frame has a bad magic number');
    const header = readFrameHeader(data, at);
    if (header.contentSize !== null && header.contentSize > maxOutputBytes) {
      throw corrupt(`zstd frame declares ${header.contentSize} bytes, above the ${maxOutputBytes}-byte limit`);
    }
    const windowLimit = Math.max(maxOutputBytes, LARGEST_LEVEL_WINDOW);
    if (header.windowSize > windowLimit) {
      throw corrupt(`zstd frame window of ${header.windowSize} bytes exceeds the ${windowLimit}-byte limit`);
    }
    at = skipBlocks(data, header.blocksStart, header.hasChecksum);
  }
}
