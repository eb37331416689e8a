import { decodeRequestHeader, encodeRequestHeader, encodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from '../../../codecs/protocol/headers';
import { Reader } from '../../../codecs/primitives/reader';
import { Writer } from '../../../codecs/primitives/writer';

function hex(buf: Buffer): string {
  return buf.toString('hex');
}

/** [apiKey, apiVersion, request header version, response header version] */
type HeaderCase = readonly [number, number, number, number];

const HEADER_VERSION_CASES: ReadonlyArray<readonly [string, readonly HeaderCase[]]> = [
  [
    'flexible request versions use request header v2 and response header v1',
    [
      [0, 8, 1, 0],
      [0, 9, 2, 1],
      [3, 8, 1, 0],
      [3, 9, 2, 1],
      [3, 12, 2, 1],
    ],
  ],
  [
    'legacy versions widened from 3.9 keep their classic headers',
    [
      [0, 0, 1, 0],
      [1, 0, 1, 0],
      [1, 3, 1, 0],
    ],
  ],
  ['never-flexible APIs always use v1/v0 (SaslHandshake)', [[17, 1, 1, 0]]],
  [
    'ApiVersions: request header v2 from v3 on, even for unknown versions; response header always v0',
    [
      [18, 0, 1, 0],
      [18, 2, 1, 0],
      [18, 3, 2, 0],
      [18, 4, 2, 0],
      [18, 77, 2, 0],
    ],
  ],
  [
    'unknown API keys fall back to v1/v0 (4 is LeaderAndIsr, removed)',
    [
      [9999, 5, 1, 0],
      [4, 7, 1, 0],
    ],
  ],
];

describe('header version selection', () => {
  test.each(HEADER_VERSION_CASES)('%s', (_title, cases) => {
    for (const [apiKey, version, request, response] of cases) {
      const chosen = { apiKey, version, request: requestHeaderVersion(apiKey, version), response: responseHeaderVersion(apiKey, version) };
      expect(chosen).toEqual({ apiKey, version, request, response });
    }
  });
});

describe('decodeRequestHeader', () => {
  test('header v1 (Produce v3), bytes computed by hand', () => {
    const buf = Buffer.from('0000' + '0003' + '0000002a' + '0003' + '636c69' + 'ffff', 'hex');
    const r = new Reader(buf);
    expect(decodeRequestHeader(r)).toEqual({ apiKey: 0, apiVersion: 3, correlationId: 42, clientId: 'cli' });
    expect(r.offset).toBe(buf.length - 2);
  });
  test('header v2 keeps the INT16-length client id and skips unknown tagged fields', () => {
    const buf = Buffer.from('0012' + '0003' + '00000007' + '0002' + '6162' + '01' + '05' + '02' + 'abcd' + '99', 'hex');
    const r = new Reader(buf);
    expect(decodeRequestHeader(r)).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 7, clientId: 'ab' });
    expect(r.readInt8()).toBe(-0x67);
  });
  test('null client id', () => {
    const buf = Buffer.from('0003' + '0001' + '00000001' + 'ffff', 'hex');
    expect(decodeRequestHeader(new Reader(buf)).clientId).toBeNull();
  });
  test('unknown api key still yields the v1 fields', () => {
    const buf = Buffer.from('0fff' + '0009' + '00000005' + '0001' + '78', 'hex');
    expect(decodeRequestHeader(new Reader(buf))).toEqual({ apiKey: 0x0fff, apiVersion: 9, correlationId: 5, clientId: 'x' });
  });
  test('truncated header throws', () => {
    expect(() => decodeRequestHeader(new Reader(Buffer.from('0003', 'hex')))).toThrow();
    expect(() => decodeRequestHeader(new Reader(Buffer.from('00030001000000010005', 'hex')))).toThrow();
  });
  test('encodeRequestHeader is the inverse', () => {
    for (const [apiKey, apiVersion] of [
      [0, 3],
      [0, 9],
      [18, 3],
      [18, 0],
      [3, 12],
    ]) {
      const w = new Writer();
      encodeRequestHeader(w, { apiKey, apiVersion, correlationId: 99, clientId: 'c' });
      const r = new Reader(w.toBuffer());
      expect(decodeRequestHeader(r)).toEqual({ apiKey, apiVersion, correlationId: 99, clientId: 'c' });
      expect(r.remaining).toBe(0);
    }
  });
});

describe('encodeResponseHeader', () => {
  test('v0 is just the correlation id; v1 adds an empty tagged section', () => {
    const w0 = new Writer();
    encodeResponseHeader(w0, 0, 3, 0x01020304);
    expect(hex(w0.toBuffer())).toBe('01020304');
    const w1 = new Writer();
    encodeResponseHeader(w1, 0, 9, 1);
    expect(hex(w1.toBuffer())).toBe('0000000100');
    const wApi = new Writer();
    encodeResponseHeader(wApi, 18, 4, 1);
    expect(hex(wApi.toBuffer())).toBe('00000001');
  });
});
