// Reads single records of a RecordBatch v2 (the part after the 61-byte header, decompressed if needed). Malformed
// structure is INVALID_RECORD, as Kafka's record parser reports it; the data itself passed its CRC already.
import { readVarint, readVarlong, VarintError } from '../primitives/varint';
import { invalidRecord } from './record-errors';

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

/** Called once per record by walkRecords: position in the batch, timestamp delta, and whether a key is present. */
export type RecordVisitor = (index: number, timestampDelta: number, hasKey: boolean) => void;

/**
 * Allocation-free walk over `count` records starting at `start`, for the produce hot path: checks each record's
 * structure and reports its timestamp delta as a number (exact up to 2^53 ms, far beyond any real delta).
 * Returns the position after the last record.
 */
export function walkRecords(buf: Buffer, start: number, count: number, visit: RecordVisitor): number {
  const s = new RecordScanner(buf, start);
  for (let i = 0; i < count; i++) {
    scanRecord(s, buf, i, count);
    visit(i, s.timestampDelta, s.hasKey);
  }
  return s.pos;
}

/** What the produce path needs of an uncompressed batch's records, gathered in one pass (see summarizeRecords). */
export interface RecordsSummary {
  /** position after the last record */
  end: number;
  /** smallest and largest record timestamp other than -1 (no timestamp); +Infinity / -1 when there is none */
  minTimestamp: number;
  maxTimestamp: number;
  /** records with a null key */
  keyless: number;
}

/**
 * walkRecords' structure checks without a call per record: the produce path needs per-record detail only when
 * something is wrong, and the smallest and largest timestamps tell whether any record is out of range.
 */
export function summarizeRecords(buf: Buffer, start: number, count: number, baseTimestamp: number): RecordsSummary {
  const s = new RecordScanner(buf, start);
  let min = Infinity;
  let max = -1;
  let keyless = 0;
  for (let i = 0; i < count; i++) {
    scanRecord(s, buf, i, count);
    const ts = baseTimestamp + s.timestampDelta;
    if (ts !== -1) {
      if (ts < min) min = ts;
      if (ts > max) max = ts;
    }
    if (!s.hasKey) keyless++;
  }
  return { end: s.pos, minTimestamp: min, maxTimestamp: max, keyless };
}

/** Checks the structure of record `i` at the scanner's position and leaves its timestamp delta and key presence there. */
function scanRecord(s: RecordScanner, buf: Buffer, i: number, count: number): void {
  if (s.pos >= buf.length) throw invalidRecord(`batch declares ${count} records but holds ${i}`);
  const size = s.varint();
  const end = s.pos + size;
  if (size < 0 || end > buf.length) throw invalidRecord(`record ${i} of ${size} bytes runs past the batch end`);
  s.limit = end;
  s.skip(1); // attributes
  s.timestampDelta = s.varlongNumber();
  s.varint(); // offset delta
  s.hasKey = s.skipSized('key');
  s.skipSized('value');
  const headers = s.varint();
  if (headers < 0) throw invalidRecord(`invalid number of record headers ${headers}`);
  for (let h = 0; h < headers; h++) {
    if (!s.skipSized('header key')) throw invalidRecord('null header key');
    s.skipSized('header value');
  }
  if (s.pos !== end) throw invalidRecord(`record ${i} size says ${size} bytes but its fields take ${s.pos - end + size}`);
  s.limit = buf.length;
}

/** Varint reads bounded by `limit` (the current record's end), advancing `pos` without allocating results. */
class RecordScanner {
  limit: number;
  /** Of the record scanRecord read last. */
  timestampDelta = 0;
  hasKey = false;
  constructor(
    private readonly buf: Buffer,
    public pos: number,
  ) {
    this.limit = buf.length;
  }

  private byte(): number {
    if (this.pos >= this.limit) throw invalidRecord('record field runs past the record end');
    return this.buf[this.pos++];
  }

  varint(): number {
    let raw = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
    }
    throw invalidRecord('varint longer than 5 bytes');
  }

  varlongNumber(): number {
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      raw += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      scale *= 128;
    }
    throw invalidRecord('varlong longer than 10 bytes');
  }

  skip(n: number): void {
    if (this.pos + n > this.limit) throw invalidRecord('record field runs past the record end');
    this.pos += n;
  }

  /** Skips length-prefixed bytes; false when the length is -1 (null). */
  skipSized(what: string): boolean {
    const length = this.varint();
    if (length === -1) return false;
    if (length < 0) throw invalidRecord(`negative ${what} length ${length}`);
    this.skip(length);
    return true;
  }
}
