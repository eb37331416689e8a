// Snappy as Kafka's Java client writes it: snappy-java's stream format ("xerial" framing), a 16-byte header then
// chunks of INT32 length + raw snappy block. Some clients (older librdkafka, kafka-python options) send a plain raw
// snappy block instead, so the reader accepts both.
import { snappyBlocks } from './optional-codecs';
import { corrupt } from './record-errors';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
const XERIAL_MIN_COMPATIBLE_VERSION = 1;
/** snappy-java's default chunk size, so our output chunks the way the Java producer's does. */
const XERIAL_CHUNK_SIZE = 32 * 1024;
/** A snappy copy element of 3 bytes yields at most 64 bytes, so no block expands more than ~21.4 times. */
const MAX_EXPANSION = 22;

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function hasXerialHeader(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

export function compressSnappyXerial(data: Buffer): Buffer {
  const snappy = snappyBlocks();
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_MIN_COMPATIBLE_VERSION, 12);
  const parts: Buffer[] = [header];
  for (let at = 0; at < data.length; at += XERIAL_CHUNK_SIZE) {
    const block = toBuffer(snappy.compress(data.subarray(at, Math.min(at + XERIAL_CHUNK_SIZE, data.length))));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** Decodes one raw block, refusing to allocate more than the block could produce or the caller allows. */
function uncompressBlock(block: Buffer, budget: number): Buffer {
  const limit = Math.min(budget, block.length * MAX_EXPANSION + 32);
  return toBuffer(snappyBlocks().uncompress(block, limit));
}

export function decompressSnappy(data: Buffer, maxOutputBytes: number): Buffer {
  if (!hasXerialHeader(data)) return uncompressBlock(data, maxOutputBytes);
  const parts: Buffer[] = [];
  let total = 0;
  let at = XERIAL_HEADER_SIZE;
  while (at < data.length) {
    if (at + 4 > data.length) throw corrupt('snappy: chunk length runs past the end of the data');
    const length = data.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > data.length) throw corrupt(`snappy: chunk of ${length} bytes runs past the end`);
    const part = uncompressBlock(data.subarray(at, at + length), maxOutputBytes - total);
    total += part.length;
    parts.push(part);
    at += length;
  }
  return Buffer.concat(parts);
}
