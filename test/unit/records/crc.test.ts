import { randomBytes } from 'crypto';
import { crc32, crc32c, crcImplementation, pureJsCrc } from '../../../codecs/records/crc';

describe('crc', () => {
  const check = Buffer.from('123456789', 'ascii');

  it('crc32c matches the Castagnoli check value', () => {
    expect(crc32c(check)).toBe(0xe3069283);
  });

  it('crc32 matches the IEEE check value', () => {
    expect(crc32(check)).toBe(0xcbf43926);
  });

  it('returns unsigned values and 0 for empty input', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toBeGreaterThan(0);
  });

  it('uses the native implementation where its binary loads (CI installs it), and it agrees with crc-32', () => {
    // The native package ships a prebuilt binary for linux-x64; a platform without one falls back to 'js'.
    if (process.platform === 'linux' && process.arch === 'x64') expect(crcImplementation).toBe('native');
    const js = pureJsCrc();
    for (const size of [0, 1, 7, 61, 1000, 65_537, 1 << 20]) {
      const data = randomBytes(size);
      expect(crc32c(data)).toBe(js.crc32c(data));
      expect(crc32(data)).toBe(js.crc32(data));
      // Views into a larger buffer (batches inside a request frame) checksum only their own bytes.
      const framed = Buffer.concat([randomBytes(13), data, randomBytes(5)]).subarray(13, 13 + size);
      expect(crc32c(framed)).toBe(js.crc32c(data));
    }
  });
});
