// LZ4 as Kafka uses it since message format v1: the standard LZ4 frame format with independent 64 KiB blocks and
// no checksums beyond the header checksum (what Kafka's Java producer writes). Reading delegates to lz4js's frame
// decoder, which also accepts linked blocks, content sizes and block checksums written by other clients.
import { lz4Primitives } from './optional-codecs';

const FRAME_MAGIC = 0x184d2204;
/** Frame descriptor FLG: version 01, blocks independent, no checksums, no content size. */
const FLG_VERSION_1_INDEPENDENT = 0x60;
/** Frame descriptor BD: maximum block size 64 KiB (code 4), Kafka's default. */
const BD_64KB = 0x40;
const BLOCK_SIZE = 64 * 1024;
const UNCOMPRESSED_BLOCK_FLAG = 0x80000000;
const HASH_TABLE_SIZE = 1 << 16;

export function compressLz4Frame(data: Buffer): Buffer {
  const lz4 = lz4Primitives();
  const header = Buffer.alloc(7);
  header.writeUInt32LE(FRAME_MAGIC, 0);
  header[4] = FLG_VERSION_1_INDEPENDENT;
  header[5] = BD_64KB;
  header[6] = (lz4.xxh32(0, header, 4, 2) >>> 8) & 0xff;

  const parts: Buffer[] = [header];
  const scratch = Buffer.alloc(lz4.compressBound(BLOCK_SIZE));
  // A fresh table per block keeps matches inside the block, which is what "independent blocks" promises readers.
  const hashTable = new Uint32Array(HASH_TABLE_SIZE);
  for (let at = 0; at < data.length; at += BLOCK_SIZE) {
    const block = data.subarray(at, Math.min(at + BLOCK_SIZE, data.length));
    hashTable.fill(0);
    const compressedSize = lz4.compressBlock(block, scratch, 0, block.length, hashTable);
    const sizeField = Buffer.alloc(4);
    if (compressedSize > 0 && compressedSize < block.length) {
      sizeField.writeUInt32LE(compressedSize, 0);
      parts.push(sizeField, Buffer.from(scratch.subarray(0, compressedSize)));
    } else {
      sizeField.writeUInt32LE((UNCOMPRESSED_BLOCK_FLAG | block.length) >>> 0, 0);
      parts.push(sizeField, block);
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}

export function decompressLz4Frame(data: Buffer): Buffer {
  const out = lz4Primitives().decompress(data);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
