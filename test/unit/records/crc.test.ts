import { crc32, crc32c } from '../../../codecs/records/crc';

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
});
