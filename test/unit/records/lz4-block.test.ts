// LZ4 blocks Eddy writes must obey the format's end-of-block rules (the last match starts 12 or more bytes before
// the end, the last 5 bytes are literals), which the format lets any decoder rely on. lz4js alone broke the first
// rule in about a fifth of blocks of word-like data; the blocks now come from lz4-napi, and this checks them.
import { compressLz4Frame, decompressLz4Frame } from '../../../codecs/records/lz4-frame';

const FRAME_HEADER = 7;
const UNCOMPRESSED_BLOCK_FLAG = 0x80000000;
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
function lastSequenceStart(compressed: Uint8Array, size: number, blockLength: number): number {
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

/** Values shaped like the bench's and most applications': words and numbers, compressible within a block. */
function wordyData(seed: number, length: number): Buffer {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  let text = '';
  while (text.length < length) text += `${words[next(words.length)]}${next(10000)} `;
  return Buffer.from(text.slice(0, length));
}

/** Each compressed block of a frame Eddy wrote, with its decoded length (every block but the last is 64 KiB). */
function compressedBlocks(frame: Buffer, dataLength: number): Array<{ bytes: Buffer; decodedLength: number }> {
  const blocks: Array<{ bytes: Buffer; decodedLength: number }> = [];
  let at = FRAME_HEADER;
  let remaining = dataLength;
  for (;;) {
    const field = frame.readUInt32LE(at);
    at += 4;
    if (field === 0) return blocks;
    const size = (field & ~UNCOMPRESSED_BLOCK_FLAG) >>> 0;
    const decodedLength = Math.min(remaining, 64 * 1024);
    if ((field & UNCOMPRESSED_BLOCK_FLAG) === 0) blocks.push({ bytes: frame.subarray(at, at + size), decodedLength });
    remaining -= decodedLength;
    at += size;
  }
}

describe('LZ4 blocks Eddy compresses', () => {
  test('obey the end-of-block rules and decode to the input, over many block lengths', () => {
    let checked = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const data = wordyData(seed, 13 + ((seed * 7919) % 150_000));
      const frame = compressLz4Frame(data);
      // Buffer.equals, not toEqual: jest compares buffers byte by byte through its generic equality, slowly.
      expect(decompressLz4Frame(frame, data.length).equals(data)).toBe(true);
      for (const block of compressedBlocks(frame, data.length)) {
        expect(lastSequenceStart(block.bytes, block.bytes.length, block.decodedLength)).toBeGreaterThanOrEqual(0);
        checked++;
      }
    }
    // The data compresses: blocks are stored compressed, so the rule above was really exercised.
    expect(checked).toBeGreaterThan(300);
  });

  test('short, incompressible and repetitive blocks round-trip', () => {
    const inputs = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(17, 7), Buffer.alloc(18, 7), Buffer.alloc(70_000, 1), wordyData(5, 64 * 1024)];
    let state = 9;
    inputs.push(Buffer.from(Array.from({ length: 5000 }, () => (state = (state * 1103515245 + 12345) & 0xff))));
    for (const data of inputs) expect(decompressLz4Frame(compressLz4Frame(data), data.length).equals(data)).toBe(true);
  });

  test('the rule check refuses a match that starts in the last 12 bytes', () => {
    // 'abcdabcdabcd' + 'x': literals "abcd", then a match of 8 at offset 4 starting at byte 4, then 1 literal.
    // Decoded length 13: the match starts at 4 > 13 - 12, so the block breaks the rule.
    const block = Buffer.from([0x44, ...Buffer.from('abcd'), 0x04, 0x00, 0x10, 0x78]);
    expect(lastSequenceStart(block, block.length, 13)).toBe(-1);
  });
});
