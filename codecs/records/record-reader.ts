// Reads single records of a RecordBatch v2 (the part after the 61-byte header, decompressed if needed). Malformed
// structure is INVALID_RECORD, as Kafka's record parser reports it; the data itself passed its CRC already.
import { readVarint, readVarlong, VarintError } from '../primitives/varint';
import { invalidRecord, RecordFormatError } from './record-errors';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordBody {
  attributes: number;
  timestampDelta: bigint;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** The fields validation needs, read without copying keys, values or headers. */
export interface RecordSkim {
  timestampDelta: bigint;
  offsetDelta: number;
  hasKey: boolean;
}

export interface Read<T> {
  value: T;
  next: number;
}

/** Bounds-checked cursor over one record: every read must stay inside [.., end). */
class RecordCursor {
  constructor(
    private readonly buf: Buffer,
    public at: number,
    private readonly end: number,
  ) {}

  varint(): number {
    const r = readVarint(this.buf, this.at);
    this.at = r.next;
    this.ensureInside();
    return r.value;
  }

  varlong(): bigint {
    const r = readVarlong(this.buf, this.at);
    this.at = r.next;
    this.ensureInside();
    return r.value;
  }

  int8(): number {
    if (this.at + 1 > this.end) throw invalidRecord('record attributes run past the record end');
    return this.buf.readInt8(this.at++);
  }

  /** Length-prefixed bytes (length -1 = null); `copy` false returns a view into the input. */
  bytes(what: string, copy: boolean): Buffer | null {
    const length = this.varint();
    if (length < 0) {
      if (length !== -1) throw invalidRecord(`negative ${what} length ${length}`);
      return null;
    }
    if (this.at + length > this.end) throw invalidRecord(`${what} of ${length} bytes runs past the record end`);
    const view = this.buf.subarray(this.at, this.at + length);
    this.at += length;
    return copy ? Buffer.from(view) : view;
  }

  skipBytes(what: string): boolean {
    return this.bytes(what, false) !== null;
  }

  private ensureInside(): void {
    if (this.at > this.end) throw invalidRecord('record field runs past the record end');
  }
}

function withRecordBounds<T>(buf: Buffer, at: number, read: (cursor: RecordCursor) => T): Read<T> {
  try {
    const size = readVarint(buf, at);
    if (size.value < 0) throw invalidRecord(`negative record size ${size.value}`);
    const end = size.next + size.value;
    if (end > buf.length) {
      throw invalidRecord(`record of ${size.value} bytes at position ${at} runs past the end of the records`);
    }
    const cursor = new RecordCursor(buf, size.next, end);
    const value = read(cursor);
    if (cursor.at !== end) {
      throw invalidRecord(`record size says ${size.value} bytes but its fields take ${cursor.at - size.next}`);
    }
    return { value, next: end };
  } catch (err) {
    if (err instanceof VarintError) throw invalidRecord(`malformed record varint: ${err.message}`);
    if (err instanceof RecordFormatError) throw err;
    throw err;
  }
}

function readHeaderCount(cursor: RecordCursor): number {
  const count = cursor.varint();
  if (count < 0) throw invalidRecord(`invalid number of record headers ${count}`);
  return count;
}

/** Decodes the record at `at`, copying key, value and headers out of `buf`. */
export function readRecord(buf: Buffer, at: number): Read<RecordBody> {
  return withRecordBounds(buf, at, (c) => {
    const attributes = c.int8();
    const timestampDelta = c.varlong();
    const offsetDelta = c.varint();
    const key = c.bytes('key', true);
    const value = c.bytes('value', true);
    const headerCount = readHeaderCount(c);
    const headers: RecordHeader[] = [];
    for (let i = 0; i < headerCount; i++) {
      const headerKey = c.bytes('header key', false);
      if (headerKey === null) throw invalidRecord('null header key');
      headers.push({ key: headerKey.toString('utf8'), value: c.bytes('header value', true) });
    }
    return { attributes, timestampDelta, offsetDelta, key, value, headers };
  });
}

/** Walks the record at `at` checking its structure, without allocating keys, values or headers. */
export function skimRecord(buf: Buffer, at: number): Read<RecordSkim> {
  return withRecordBounds(buf, at, (c) => {
    c.int8();
    const timestampDelta = c.varlong();
    const offsetDelta = c.varint();
    const hasKey = c.skipBytes('key');
    c.skipBytes('value');
    const headerCount = readHeaderCount(c);
    for (let i = 0; i < headerCount; i++) {
      if (!c.skipBytes('header key')) throw invalidRecord('null header key');
      c.skipBytes('header value');
    }
    return { timestampDelta, offsetDelta, hasKey };
  });
}
