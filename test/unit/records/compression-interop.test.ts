// Our codecs against other implementations: frames written by the reference lz4/zstd tools (fixtures), snappy
// data built by hand from the format description, and, when the tools are installed, the tools reading our output.
import { execFileSync } from 'child_process';
import { codecUnavailableReason, compress, decompress } from '../../../codecs/records/compression';
import { Compression } from '../../../codecs/records/batch-header';
import { interopSample, LZ4_CLI_INDEPENDENT_BLOCKS_B64, LZ4_CLI_LINKED_BLOCKS_B64, ZSTD_CLI_LEVEL19_B64 } from './fixtures/compressed-frames';

function whenAvailable(codec: Compression): jest.It {
  return codecUnavailableReason(codec) === null ? it : it.skip;
}

function toolPresent(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function whenToolAndCodec(tool: string, codec: Compression): jest.It {
  return toolPresent(tool) && codecUnavailableReason(codec) === null ? it : it.skip;
}

const sample = interopSample();

describe('compression interop', () => {
  whenAvailable(Compression.Lz4)('reads lz4 frames with linked and with independent blocks', () => {
    expect(decompress(Compression.Lz4, Buffer.from(LZ4_CLI_LINKED_BLOCKS_B64, 'base64')).equals(sample)).toBe(true);
    expect(decompress(Compression.Lz4, Buffer.from(LZ4_CLI_INDEPENDENT_BLOCKS_B64, 'base64')).equals(sample)).toBe(true);
  });

  whenAvailable(Compression.Zstd)('reads a zstd frame compressed at level 19', () => {
    expect(decompress(Compression.Zstd, Buffer.from(ZSTD_CLI_LEVEL19_B64, 'base64')).equals(sample)).toBe(true);
  });

  whenAvailable(Compression.Snappy)('reads hand-built raw and xerial-framed snappy', () => {
    // uncompressed length 12 (varint), literal "abc" (tag (3-1)<<2), then a 1-byte-offset copy: tag 0x15 = length 9,
    // offset 3
    const raw = Buffer.from([0x0c, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03]);
    expect(decompress(Compression.Snappy, raw).toString()).toBe('abcabcabcabc');
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
    const chunk = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const framed = Buffer.concat([header, chunk(raw), chunk(raw)]);
    expect(decompress(Compression.Snappy, framed).toString()).toBe('abcabcabcabc'.repeat(2));
  });

  whenToolAndCodec('lz4', Compression.Lz4)('the lz4 tool reads our frames', () => {
    const ours = compress(Compression.Lz4, sample);
    expect(execFileSync('lz4', ['-d', '-c'], { input: ours }).equals(sample)).toBe(true);
  });

  whenToolAndCodec('zstd', Compression.Zstd)('the zstd tool reads our frames, empty ones included', () => {
    expect(execFileSync('zstd', ['-d', '-c'], { input: compress(Compression.Zstd, sample) }).equals(sample)).toBe(true);
    expect(execFileSync('zstd', ['-d', '-c'], { input: compress(Compression.Zstd, Buffer.alloc(0)) }).length).toBe(0);
  });
});
