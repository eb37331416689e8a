// Bounds-checked cursor over a Kafka wire buffer. Every read either returns a well-formed value or throws
// ProtocolDecodeError, so a truncated or hostile frame can never yield garbage values further up.

import { ProtocolDecodeError } from './decode-error';
import { readUnsignedVarint, readVarlong, zigZagDecode32 } from './varint';
import { readInt64BE } from './int64';

export { ProtocolDecodeError } from './decode-error';

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const MAX_INT16 = 0x7fff;

/** Handler for one tagged field: return false when the tag is unknown so the reader skips its bytes. */
export type TaggedFieldHandler = (tag: number, size: number, reader: Reader) => boolean;

export class Reader {
  public offset: number;

  constructor(
    public readonly buffer: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  /** Throws unless `n` more bytes are available. */
  ensure(n: number): void {
    if (n < 0 || this.offset + n > this.buffer.length) {
      throw new ProtocolDecodeError(`need ${n} bytes at offset ${this.offset}, only ${this.buffer.length - this.offset} remain`);
    }
  }

  private take(n: number): number {
    this.ensure(n);
    const at = this.offset;
    this.offset += n;
    return at;
  }

  readInt8(): number {
    return this.buffer.readInt8(this.take(1));
  }
  readInt16(): number {
    return this.buffer.readInt16BE(this.take(2));
  }
  readInt32(): number {
    return this.buffer.readInt32BE(this.take(4));
  }
  readInt64(): bigint {
    return readInt64BE(this.buffer, this.take(8));
  }
  readUInt16(): number {
    return this.buffer.readUInt16BE(this.take(2));
  }
  readUInt32(): number {
    return this.buffer.readUInt32BE(this.take(4));
  }
  readFloat64(): number {
    return this.buffer.readDoubleBE(this.take(8));
  }
  readBool(): boolean {
    return this.buffer[this.take(1)] !== 0;
  }

  readUuid(): string {
    const at = this.take(16);
    const b = this.buffer;
    let s = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
      s += HEX[b[at + i]];
    }
    return s;
  }

  // The varint decoder throws VarintError, itself a ProtocolDecodeError, so no translation is needed here.
  readUnsignedVarint(): number {
    const r = readUnsignedVarint(this.buffer, this.offset);
    this.offset = r.next;
    return r.value;
  }
  readVarint(): number {
    return zigZagDecode32(this.readUnsignedVarint());
  }
  readVarlong(): bigint {
    const r = readVarlong(this.buffer, this.offset);
    this.offset = r.next;
    return r.value;
  }

  private readUtf8(length: number): string {
    const at = this.take(length);
    return this.buffer.toString('utf8', at, at + length);
  }
  /** Zero-copy: the result shares memory with the input buffer. */
  private readSlice(length: number): Buffer {
    const at = this.take(length);
    return this.buffer.subarray(at, at + length);
  }

  /** Compact lengths are stored as length+1 with 0 meaning null; returns -1 for null. */
  private readCompactLength(what: string): number {
    const raw = this.readUnsignedVarint();
    const length = raw - 1;
    if (length > this.remaining) throw new ProtocolDecodeError(`${what} length ${length} exceeds remaining bytes`);
    return length;
  }

  readNullableString(): string | null {
    const length = this.readInt16();
    if (length === -1) return null;
    if (length < 0) throw new ProtocolDecodeError(`negative string length ${length}`);
    return this.readUtf8(length);
  }
  readString(): string {
    return required(this.readNullableString(), 'null string where a non-null string is required');
  }
  readCompactNullableString(): string | null {
    const length = this.readCompactLength('string');
    if (length < 0) return null;
    if (length > MAX_INT16) throw new ProtocolDecodeError(`string length ${length} exceeds 32767`);
    return this.readUtf8(length);
  }
  readCompactString(): string {
    return required(this.readCompactNullableString(), 'null compact string where a non-null string is required');
  }

  /** Zero-copy: the result shares memory with the input buffer. */
  readNullableBytes(): Buffer | null {
    const length = this.readInt32();
    if (length === -1) return null;
    if (length < 0) throw new ProtocolDecodeError(`negative bytes length ${length}`);
    return this.readSlice(length);
  }
  readBytes(): Buffer {
    return required(this.readNullableBytes(), 'null bytes where non-null bytes are required');
  }
  readCompactNullableBytes(): Buffer | null {
    const length = this.readCompactLength('bytes');
    if (length < 0) return null;
    return this.readSlice(length);
  }
  readCompactBytes(): Buffer {
    return required(this.readCompactNullableBytes(), 'null compact bytes where non-null bytes are required');
  }

  /** Classic INT32 element count; -1 means a null array. */
  readArrayLength(): number {
    const count = this.readInt32();
    return this.checkArrayCount(count);
  }
  /** Compact varint count+1; returns -1 for a null array. */
  readCompactArrayLength(): number {
    const count = this.readUnsignedVarint() - 1;
    return this.checkArrayCount(count);
  }
  private checkArrayCount(count: number): number {
    if (count < -1) throw new ProtocolDecodeError(`negative array length ${count}`);
    // Every element takes at least one byte, so a larger count is certainly bogus and must not drive allocation.
    if (count > this.remaining) {
      throw new ProtocolDecodeError(`array length ${count} exceeds the ${this.remaining} remaining bytes`);
    }
    return count;
  }

  /** Reads a tagged-field section; unknown tags (handler returns false, or no handler) are skipped. */
  readTaggedFields(handler?: TaggedFieldHandler): void {
    const count = this.readUnsignedVarint();
    for (let i = 0; i < count; i++) {
      const tag = this.readUnsignedVarint();
      const size = this.readUnsignedVarint();
      this.ensure(size);
      const end = this.offset + size;
      if (handler !== undefined && handler(tag, size, this)) {
        this.endTaggedField(end);
      } else {
        this.offset = end;
      }
    }
  }

  /** Validates that a known tagged field's value stayed within its declared size, then moves past it. */
  endTaggedField(end: number): void {
    if (this.offset > end) throw new ProtocolDecodeError(`tagged field overran its declared size`);
    this.offset = end;
  }
}

function required<T>(value: T | null, failure: string): T {
  if (value === null) throw new ProtocolDecodeError(failure);
  return value;
}
