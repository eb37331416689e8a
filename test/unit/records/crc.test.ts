import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as path from 'path';
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
    if (process.platform === 'linux' && process.arch === 'x64') expect(crcImplementation()).toBe('native');
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

describe('loading', () => {
  const dist = path.resolve(__dirname, '..', '..', '..');
  const inFreshProcess = (script: string): unknown => JSON.parse(execFileSync(process.execPath, ['-e', script]).toString());

  it('loads the native binary on the first checksum, not with the module', () => {
    const crcModule = JSON.stringify(path.join(dist, 'codecs', 'records', 'crc.js'));
    const script =
      `const c = require(${crcModule}); const native = () => Object.keys(require.cache).some((k) => k.includes('@node-rs'));` +
      `const before = [c.crcLoaded(), native()]; const value = c.crc32c(Buffer.from('123456789'));` +
      `process.stdout.write(JSON.stringify({ before, after: [c.crcLoaded(), native()], value }));`;
    expect(inFreshProcess(script)).toEqual({ before: [false, false], after: [true, true], value: 0xe3069283 });
  });

  it("is not part of the CLI's start path", () => {
    const script =
      `require(${JSON.stringify(path.join(dist, 'src', 'cli.js'))});` +
      `process.stdout.write(JSON.stringify(Object.keys(require.cache).some((k) => k.includes('@node-rs'))));`;
    expect(inFreshProcess(script)).toBe(false);
  });
});
