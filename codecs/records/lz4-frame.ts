// LZ4 as Kafka uses it since message format v1: the standard LZ4 frame format. We write what Kafka's Java producer
// writes (independent 64 KiB blocks, no checksums beyond the header checksum), each block compressed by lz4-napi
// (lz4_flex, which keeps the block format's end-of-block rules), and read any frame other clients write: linked or
// independent blocks, optional content size, block and content checksums (skipped, the batch CRC already covers the
// data). The header checksum is not verified because Kafka clients before 0.10 computed it wrong.
import { lz4BlockEncoder, lz4Primitives } from './optional-codecs';
import { corrupt } from './record-errors';

const FRAME_MAGIC = 0x184d2204;
/** Frame descriptor FLG: version 01, blocks independent, no checksums, no content size. */
const FLG_VERSION_1_INDEPENDENT = 0x60;
/** Frame descriptor BD: maximum block size 64 KiB (code 4), Kafka's default. */
const BD_64KB = 0x40;
const BLOCK_SIZE = 64 * 1024;
const UNCOMPRESSED_BLOCK_FLAG = 0x80000000;
/** lz4-napi's compressSync puts the input length (4 bytes, little-endian) before the block. */
const LENGTH_PREFIX = 4;

const FLG_VERSION_SHIFT = 6;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICTIONARY_ID = 0x01;
const MAX_BLOCK_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };
/** An LZ4 sequence cannot expand its input more than about 255 times; used to size the output safely. */
const MAX_EXPANSION = 255;

export function compressLz4Frame(data: Buffer): Buffer {
  const header = Buffer.alloc(7);
  header.writeUInt32LE(FRAME_MAGIC, 0);
  header[4] = FLG_VERSION_1_INDEPENDENT;
  header[5] = BD_64KB;
  header[6] = (lz4Primitives().xxh32(0, header, 4, 2) >>> 8) & 0xff;

  const encoder = lz4BlockEncoder();
  const parts: Buffer[] = [header];
  // One call per block: each is compressed on its own, as independent blocks promise.
  for (let at = 0; at < data.length; at += BLOCK_SIZE) {
    const block = data.subarray(at, Math.min(at + BLOCK_SIZE, data.length));
    const compressed = encoder.compressSync(block).subarray(LENGTH_PREFIX);
    const sizeField = Buffer.alloc(4);
    if (compressed.length < block.length) {
      sizeField.writeUInt32LE(compressed.length, 0);
      parts.push(sizeField, compressed);
    } else {
      sizeField.writeUInt32LE((UNCOMPRESSED_BLOCK_FLAG | block.length) >>> 0, 0);
      parts.push(sizeField, block);
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}

interface FrameBlock {
  start: number;
  size: number;
  compressed: boolean;
}

interface FrameLayout {
  blocks: FrameBlock[];
  /** upper bound of the decompressed size */
  outputBound: number;
}

function need(data: Buffer, at: number, bytes: number): void {
  if (at + bytes > data.length) throw corrupt('lz4 frame ends early');
}

function readFrameLayout(data: Buffer): FrameLayout {
  need(data, 0, 7);
  if (data.readUInt32LE(0) !== FRAME_MAGIC) throw corrupt('lz4 frame has a bad magic number');
  const flg = data[4];
  if (flg >> FLG_VERSION_SHIFT !== 1) throw corrupt(`lz4 frame version ${flg >> FLG_VERSION_SHIFT} is not 1`);
  if (flg & FLG_DICTIONARY_ID) throw corrupt('lz4 frames with a dictionary are not supported');
  const maxBlockSize = MAX_BLOCK_SIZES[(data[5] >> 4) & 0x07];
  if (maxBlockSize === undefined) throw corrupt(`lz4 frame has an invalid block size code ${(data[5] >> 4) & 0x07}`);
  let at = 6 + (flg & FLG_CONTENT_SIZE ? 8 : 0) + 1;
  const blocks: FrameBlock[] = [];
  let outputBound = 0;
  for (;;) {
    need(data, at, 4);
    const word = data.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const compressed = (word & UNCOMPRESSED_BLOCK_FLAG) === 0;
    const size = word & ~UNCOMPRESSED_BLOCK_FLAG;
    if (size > maxBlockSize) throw corrupt(`lz4 block of ${size} bytes exceeds the frame's ${maxBlockSize}`);
    need(data, at, size);
    blocks.push({ start: at, size, compressed });
    outputBound += compressed ? Math.min(maxBlockSize, size * MAX_EXPANSION + 64) : size;
    at += size + (flg & FLG_BLOCK_CHECKSUM ? 4 : 0);
  }
  if (flg & FLG_CONTENT_CHECKSUM) at += 4;
  if (at > data.length) throw corrupt('lz4 frame ends early');
  return { blocks, outputBound };
}

export function decompressLz4Frame(data: Buffer, maxOutputBytes: number): Buffer {
  const lz4 = lz4Primitives();
  const { blocks, outputBound } = readFrameLayout(data);
  const out = Buffer.alloc(Math.min(outputBound, maxOutputBytes));
  let written = 0;
  for (const block of blocks) {
    if (block.compressed) {
      written = lz4.decompressBlock(data, out, block.start, block.size, written);
    } else {
      if (written + block.size <= out.length) data.copy(out, written, block.start, block.start + block.size);
      written += block.size;
    }
    // Writes past `out` are dropped by the typed array but still counted, so an overrun shows here.
    if (written > out.length) throw corrupt(`lz4 output exceeds ${out.length} bytes (limit ${maxOutputBytes})`);
  }
  return out.subarray(0, written);
}
