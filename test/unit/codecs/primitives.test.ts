import { ProtocolDecodeError, Reader } from '../../../codecs/primitives/reader';
import { ProtocolEncodeError, Writer, ZERO_COPY_THRESHOLD } from '../../../codecs/primitives/writer';

function roundTrip(write: (w: Writer) => void): Reader {
  const w = new Writer();
  write(w);
  return new Reader(w.toBuffer());
}

function bytes(...values: number[]): Buffer {
  return Buffer.from(values);
}

describe('Reader/Writer fixed-width integers', () => {
  test.each([
    ['Int8', [-128, -1, 0, 1, 127], 1],
    ['Int16', [-32768, -1, 0, 1, 32767], 2],
    ['Int32', [-2147483648, -1, 0, 1, 2147483647], 4],
    ['UInt16', [0, 1, 65535], 2],
    ['UInt32', [0, 1, 4294967295], 4],
    ['Float64', [0, -0.5, 1.5, Number.MAX_VALUE, -Infinity], 8],
  ] as const)('%s boundaries round-trip with width %d', (kind, values, width) => {
    for (const value of values) {
      const w = new Writer();
      if (kind === 'Int8') w.writeInt8(value);
      if (kind === 'Int16') w.writeInt16(value);
      if (kind === 'Int32') w.writeInt32(value);
      if (kind === 'UInt16') w.writeUInt16(value);
      if (kind === 'UInt32') w.writeUInt32(value);
      if (kind === 'Float64') w.writeFloat64(value);
      const buf = w.toBuffer();
      expect(buf.length).toBe(width);
      const r = new Reader(buf);
      const read =
        kind === 'Int8'
          ? r.readInt8()
          : kind === 'Int16'
            ? r.readInt16()
            : kind === 'Int32'
              ? r.readInt32()
              : kind === 'UInt16'
                ? r.readUInt16()
                : kind === 'UInt32'
                  ? r.readUInt32()
                  : r.readFloat64();
      expect(read).toBe(value);
      expect(r.offset).toBe(width);
    }
  });

  test('big-endian layout', () => {
    const buf = new Writer().writeInt16(0x0102).writeInt32(0x03040506).writeInt64(0x0708090a0b0c0d0en).toBuffer();
    expect([...buf]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  test('Int64 boundaries', () => {
    const values = [-(2n ** 63n), -1n, 0n, 1n, 2n ** 63n - 1n];
    const r = roundTrip((w) => values.forEach((v) => w.writeInt64(v)));
    for (const v of values) expect(r.readInt64()).toBe(v);
  });

  test('bool reads any non-zero byte as true', () => {
    const r = new Reader(bytes(0, 1, 2, 255));
    expect([r.readBool(), r.readBool(), r.readBool(), r.readBool()]).toEqual([false, true, true, true]);
    expect([...new Writer().writeBool(true).writeBool(false).toBuffer()]).toEqual([1, 0]);
  });

  test('truncated fixed-width reads throw ProtocolDecodeError and do not advance', () => {
    const r = new Reader(bytes(1, 2, 3));
    expect(() => r.readInt32()).toThrow(ProtocolDecodeError);
    expect(r.offset).toBe(0);
    expect(() => new Reader(bytes(1)).readInt16()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes()).readInt8()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.alloc(7)).readInt64()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.alloc(7)).readFloat64()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes()).readBool()).toThrow(ProtocolDecodeError);
  });
});

describe('UUID', () => {
  test('canonical lowercase form, most significant bits first', () => {
    const buf = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    expect(new Reader(buf).readUuid()).toBe('01234567-89ab-cdef-fedc-ba9876543210');
    expect(new Writer().writeUuid('01234567-89AB-CDEF-FEDC-BA9876543210').toBuffer()).toEqual(buf);
  });
  test('all-zero UUID', () => {
    expect(new Reader(Buffer.alloc(16)).readUuid()).toBe('00000000-0000-0000-0000-000000000000');
  });
  test('truncated and malformed', () => {
    expect(() => new Reader(Buffer.alloc(15)).readUuid()).toThrow(ProtocolDecodeError);
    expect(() => new Writer().writeUuid('not-a-uuid')).toThrow(ProtocolEncodeError);
  });
});

describe('varints', () => {
  test('unsigned varint boundaries', () => {
    const cases: Array<[number, number[]]> = [
      [0, [0]],
      [127, [0x7f]],
      [128, [0x80, 0x01]],
      [300, [0xac, 0x02]],
      [0xffffffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [value, encoded] of cases) {
      expect([...new Writer().writeUnsignedVarint(value).toBuffer()]).toEqual(encoded);
      expect(new Reader(Buffer.from(encoded)).readUnsignedVarint()).toBe(value);
    }
  });
  test('zig-zag varint and varlong', () => {
    const ints = [0, -1, 1, -64, 64, 2147483647, -2147483648];
    const r = roundTrip((w) => ints.forEach((v) => w.writeVarint(v)));
    for (const v of ints) expect(r.readVarint()).toBe(v);
    expect([...new Writer().writeVarint(-1).toBuffer()]).toEqual([1]);
    const longs = [0n, -1n, 1n, 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n];
    const r2 = roundTrip((w) => longs.forEach((v) => w.writeVarlong(v)));
    for (const v of longs) expect(r2.readVarlong()).toBe(v);
  });
  test('malformed varints', () => {
    expect(() => new Reader(bytes(0x80)).readUnsignedVarint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01)).readUnsignedVarint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0xff)).readVarint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.alloc(11, 0x80)).readVarlong()).toThrow(ProtocolDecodeError);
    expect(() => new Writer().writeUnsignedVarint(-1)).toThrow(ProtocolEncodeError);
  });
});

describe('strings', () => {
  test('classic and compact, including multi-byte UTF-8', () => {
    const s = 'héllo ☃';
    const n = Buffer.byteLength(s);
    const classic = new Writer().writeString(s).toBuffer();
    expect(classic.readInt16BE(0)).toBe(n);
    expect(new Reader(classic).readString()).toBe(s);
    const compact = new Writer().writeCompactString(s).toBuffer();
    expect(compact[0]).toBe(n + 1);
    expect(new Reader(compact).readCompactString()).toBe(s);
    expect(new Reader(new Writer().writeString('').toBuffer()).readString()).toBe('');
  });
  test('null markers', () => {
    expect([...new Writer().writeNullableString(null).toBuffer()]).toEqual([0xff, 0xff]);
    expect([...new Writer().writeCompactNullableString(null).toBuffer()]).toEqual([0]);
    expect(new Reader(bytes(0xff, 0xff)).readNullableString()).toBeNull();
    expect(new Reader(bytes(0)).readCompactNullableString()).toBeNull();
    expect(() => new Reader(bytes(0xff, 0xff)).readString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0)).readCompactString()).toThrow(ProtocolDecodeError);
  });
  test('negative lengths other than -1 and truncation are errors', () => {
    expect(() => new Reader(bytes(0xff, 0xfe)).readNullableString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0, 5, 65, 66)).readString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(6, 65, 66)).readCompactString()).toThrow(ProtocolDecodeError);
  });
  test('too-long strings are rejected when writing', () => {
    expect(() => new Writer().writeString('x'.repeat(32768))).toThrow(ProtocolEncodeError);
    expect(() => new Writer().writeCompactString('x'.repeat(32768))).toThrow(ProtocolEncodeError);
  });
});

describe('bytes', () => {
  test('zero-copy reads share memory with the input', () => {
    const buf = bytes(0, 0, 0, 3, 7, 8, 9, 0xaa);
    const r = new Reader(buf);
    const b = r.readBytes();
    expect([...b]).toEqual([7, 8, 9]);
    expect(b.buffer).toBe(buf.buffer);
    b[0] = 42;
    expect(buf[4]).toBe(42);
    expect(r.offset).toBe(7);
  });
  test('classic, compact and null forms', () => {
    const data = bytes(1, 2);
    expect([...new Writer().writeBytes(data).toBuffer()]).toEqual([0, 0, 0, 2, 1, 2]);
    expect([...new Writer().writeCompactBytes(data).toBuffer()]).toEqual([3, 1, 2]);
    expect([...new Writer().writeNullableBytes(null).toBuffer()]).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect([...new Writer().writeCompactNullableBytes(null).toBuffer()]).toEqual([0]);
    expect(new Reader(bytes(0xff, 0xff, 0xff, 0xff)).readNullableBytes()).toBeNull();
    expect(new Reader(bytes(0)).readCompactNullableBytes()).toBeNull();
    expect([...new Reader(bytes(3, 1, 2)).readCompactBytes()]).toEqual([1, 2]);
  });
  test('malformed lengths', () => {
    expect(() => new Reader(bytes(0xff, 0xff, 0xff, 0xfe)).readNullableBytes()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0xff, 0xff, 0xff, 0xff)).readBytes()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0, 0, 0, 9, 1)).readBytes()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(5, 1)).readCompactBytes()).toThrow(ProtocolDecodeError);
  });
});

describe('array lengths', () => {
  test('classic and compact, null marker', () => {
    expect(new Reader(bytes(0, 0, 0, 2, 0, 0)).readArrayLength()).toBe(2);
    expect(new Reader(bytes(0xff, 0xff, 0xff, 0xff)).readArrayLength()).toBe(-1);
    expect(new Reader(bytes(0)).readCompactArrayLength()).toBe(-1);
    expect(new Reader(bytes(3, 0, 0)).readCompactArrayLength()).toBe(2);
    expect([...new Writer().writeCompactArrayLength(-1).writeCompactArrayLength(2).toBuffer()]).toEqual([0, 3]);
    expect([...new Writer().writeArrayLength(-1).toBuffer()]).toEqual([0xff, 0xff, 0xff, 0xff]);
  });
  test('negative counts and counts beyond the remaining bytes are rejected', () => {
    expect(() => new Reader(bytes(0xff, 0xff, 0xff, 0xfe)).readArrayLength()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0x7f, 0xff, 0xff, 0xff)).readArrayLength()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0, 0, 0, 3, 1, 2)).readArrayLength()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(0xff, 0xff, 0xff, 0xff, 0x0f)).readCompactArrayLength()).toThrow(ProtocolDecodeError);
  });
});

describe('tagged fields', () => {
  test('unknown tags are skipped, known ones handed to the handler', () => {
    const w = new Writer();
    w.writeUnsignedVarint(2);
    w.writeUnsignedVarint(5)
      .writeUnsignedVarint(3)
      .writeRawBuffer(bytes(9, 9, 9));
    w.writeUnsignedVarint(7).writeUnsignedVarint(4).writeInt32(1234);
    w.writeInt8(99);
    const r = new Reader(w.toBuffer());
    const seen: number[] = [];
    r.readTaggedFields((tag, size, reader) => {
      seen.push(tag);
      if (tag !== 7) return false;
      expect(size).toBe(4);
      expect(reader.readInt32()).toBe(1234);
      return true;
    });
    expect(seen).toEqual([5, 7]);
    expect(r.readInt8()).toBe(99);
  });
  test('no handler skips everything; truncated sections throw', () => {
    const r = new Reader(bytes(1, 3, 2, 0, 0, 42));
    r.readTaggedFields();
    expect(r.readInt8()).toBe(42);
    expect(() => new Reader(bytes(1, 3, 5, 0)).readTaggedFields()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(bytes(2, 3, 0)).readTaggedFields()).toThrow(ProtocolDecodeError);
  });
  test('a known field overrunning its size is an error', () => {
    const r = new Reader(bytes(1, 0, 1, 0, 0, 0, 0));
    expect(() => r.readTaggedFields((_tag, _size, reader) => (reader.readInt32(), true))).toThrow(ProtocolDecodeError);
  });
});

describe('Writer chunks', () => {
  test('large buffers are referenced, small ones copied', () => {
    const big = Buffer.alloc(ZERO_COPY_THRESHOLD, 7);
    const small = Buffer.alloc(10, 1);
    const w = new Writer();
    w.writeInt32(1).writeRawBuffer(big).writeRawBuffer(small).writeInt8(2);
    const chunks = w.toChunks();
    expect(chunks.some((c) => c === big)).toBe(true);
    expect(chunks.some((c) => c === small)).toBe(false);
    expect(w.length).toBe(4 + big.length + 10 + 1);
    const all = w.toBuffer();
    expect(all.length).toBe(w.length);
    expect(all.readInt32BE(0)).toBe(1);
    expect(all.subarray(4, 4 + big.length).equals(big)).toBe(true);
    expect(all[all.length - 1]).toBe(2);
  });
  test('growth keeps earlier bytes intact', () => {
    const w = new Writer(16);
    for (let i = 0; i < 1000; i++) w.writeInt32(i);
    const r = new Reader(w.toBuffer());
    for (let i = 0; i < 1000; i++) expect(r.readInt32()).toBe(i);
    expect(w.length).toBe(4000);
  });
  test('records accept several chunks with one total length prefix', () => {
    const a = Buffer.alloc(2000, 1);
    const b = Buffer.alloc(5, 2);
    const w = new Writer().writeRecords([a, b], false);
    expect(w.toChunks()).toContain(a);
    const r = new Reader(w.toBuffer());
    expect(r.readBytes().equals(Buffer.concat([a, b]))).toBe(true);
    const compact = new Reader(new Writer().writeRecords([a, b], true).toBuffer());
    expect(compact.readCompactBytes().length).toBe(2005);
    expect([...new Writer().writeRecords(null, true).toBuffer()]).toEqual([0]);
  });
  test('writeWriter keeps referenced chunks', () => {
    const big = Buffer.alloc(4096, 3);
    const inner = new Writer().writeInt8(1).writeRawBuffer(big);
    const outer = new Writer().writeInt8(0).writeWriter(inner);
    expect(outer.toChunks()).toContain(big);
    expect(outer.length).toBe(2 + big.length);
  });
});
