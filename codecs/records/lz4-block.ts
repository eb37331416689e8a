// One LZ4 block compressed so that it obeys the block format's end-of-block rules: the last match starts at least
// 12 bytes before the end of the block and the last 5 bytes are literals. lz4js's compressBlock breaks the first
// rule in about one block in five of word-like data. The decoders we know tolerate that (the lz4 C library and
// Kafka's Lz4BlockInputStream both read such frames: checked on 200 of them), but the format lets a decoder rely on
// the rules, so Eddy writes only blocks that keep them: it compresses all but the last 12 bytes, appends those as
// literals, checks the result and falls back to a stored block should it still break a rule.
import type { Lz4Primitives } from './optional-codecs';

/** LZ4's MFLIMIT: no match may start in the last 12 bytes of a block. */
const MATCH_FREE_TAIL = 12;
/** LZ4's LASTLITERALS: the last 5 bytes of a block are always literals. */
const LITERAL_TAIL = 5;
const MIN_MATCH = 4;
const RUN_MASK = 15;

/** Reads an LZ4 length: the token's nibble, then bytes of 255 continuing it. Returns [length, next index]. */
function readLength(buf: Uint8Array, nibble: number, at: number): [number, number] {
  let length = nibble;
  if (nibble !== RUN_MASK) return [length, at];
  let b: number;
  do {
    b = buf[at++];
    length += b;
  } while (b === 255);
  return [length, at];
}

/** Where the block's last sequence (literals only) starts, or -1 when the block breaks the end-of-block rules. */
export function lastSequenceStart(compressed: Uint8Array, size: number, blockLength: number): number {
  let ip = 0;
  let op = 0;
  while (ip < size) {
    const sequenceStart = ip;
    const token = compressed[ip++];
    let literals: number;
    [literals, ip] = readLength(compressed, token >>> 4, ip);
    ip += literals;
    op += literals;
    if (ip >= size) return ip === size && op === blockLength ? sequenceStart : -1;
    ip += 2; // match offset
    let matchLength: number;
    [matchLength, ip] = readLength(compressed, token & RUN_MASK, ip);
    matchLength += MIN_MATCH;
    if (op > blockLength - MATCH_FREE_TAIL || op + matchLength > blockLength - LITERAL_TAIL) return -1;
    op += matchLength;
  }
  return -1;
}

function writeLiteralRun(out: Buffer, at: number, literals: Uint8Array): number {
  let length = literals.length;
  out[at++] = (Math.min(length, RUN_MASK) << 4) & 0xff;
  if (length >= RUN_MASK) {
    length -= RUN_MASK;
    while (length >= 255) {
      out[at++] = 255;
      length -= 255;
    }
    out[at++] = length;
  }
  out.set(literals, at);
  return at + literals.length;
}

/**
 * Compresses `block` into `scratch` (at least compressBound(block.length) bytes) and returns the size; 0 when the
 * block should be stored uncompressed instead (too small, incompressible, or not safely compressible).
 */
export function compressLz4Block(lz4: Lz4Primitives, block: Buffer, scratch: Buffer, hashTable: Uint32Array): number {
  if (block.length <= MATCH_FREE_TAIL + LITERAL_TAIL) return 0;
  hashTable.fill(0);
  const headLength = block.length - MATCH_FREE_TAIL;
  const headSize = lz4.compressBlock(block, scratch, 0, headLength, hashTable);
  if (headSize <= 0 || headSize >= headLength) return 0;
  const lastStart = lastSequenceStart(scratch, headSize, headLength);
  if (lastStart < 0) return 0;
  // The head's final literal run, widened by the tail, ends the block: rewritten in place after the last match.
  const token = scratch[lastStart];
  const [literals, literalsAt] = readLength(scratch, token >>> 4, lastStart + 1);
  const merged = Buffer.concat([scratch.subarray(literalsAt, literalsAt + literals), block.subarray(headLength)]);
  const size = writeLiteralRun(scratch, lastStart, merged);
  if (size >= block.length || lastSequenceStart(scratch, size, block.length) < 0) return 0;
  return size;
}
