// Growable output for Kafka wire encoding. Small writes go into a scratch buffer; large payloads (record batches,
// big byte fields) are appended by reference as their own chunk so the socket layer can writev them uncopied.

import { unsignedVarintSize, writeUnsignedVarint, writeVarlong, zigZagEncode32 } from './varint';
import { writeInt64BE } from './int64';

export class ProtocolEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolEncodeError';
  }
}

/** Buffers at least this large are referenced, not copied. */
export const ZERO_COPY_THRESHOLD = 1024;
const INITIAL_SCRATCH = 256;
const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const MAX_INT16 = 0x7fff;
const MAX_VARLONG_BYTES = 10;

export type RecordsValue = Buffer | readonly Buffer[] | null;

export class Writer {
  private readonly chunks: Buffer[] = [];
  private scratch: Buffer;
  /** Start of the not-yet-chunked region of `scratch`. */
  private chunkStart = 0;
  private pos = 0;
  private total = 0;
  /**
   * When true, non-default values of non-ignorable fields that the target version lacks are dropped instead of
   * refused. A broker builds one response shape and answers each client at its own version, as Kafka's handlers
   * do field by field; requests (the client side) keep the strict check.
   */
  dropsAbsentFields = false;

  constructor(initialSize = INITIAL_SCRATCH) {
    this.scratch = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  get length(): number {
    return this.total;
  }

  private flushPending(): void {
    if (this.pos > this.chunkStart) {
      this.chunks.push(this.scratch.subarray(this.chunkStart, this.pos));
      this.chunkStart = this.pos;
    }
  }

  /** Makes room for `n` bytes; returns the position to write at. */
  private reserve(n: number): number {
    if (this.pos + n > this.scratch.length) {
      this.flushPending();
      // Filled bytes stay in place as a chunk; a fresh scratch avoids ever copying what was written.
      this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, n));
      this.chunkStart = 0;
      this.pos = 0;
    }
    const at = this.pos;
    this.pos += n;
    this.total += n;
    return at;
  }

  writeInt8(v: number): this {
    const at = this.reserve(1);
    this.scratch.writeInt8(v, at);
    return this;
  }
  writeInt16(v: number): this {
    const at = this.reserve(2);
    this.scratch.writeInt16BE(v, at);
    return this;
  }
  writeInt32(v: number): this {
    const at = this.reserve(4);
    this.scratch.writeInt32BE(v, at);
    return this;
  }
  writeInt64(v: bigint): this {
    const at = this.reserve(8);
    writeInt64BE(this.scratch, v, at);
    return this;
  }
  writeUInt16(v: number): this {
    const at = this.reserve(2);
    this.scratch.writeUInt16BE(v, at);
    return this;
  }
  writeUInt32(v: number): this {
    const at = this.reserve(4);
    this.scratch.writeUInt32BE(v, at);
    return this;
  }
  writeFloat64(v: number): this {
    const at = this.reserve(8);
    this.scratch.writeDoubleBE(v, at);
    return this;
  }
  writeBool(v: boolean): this {
    const at = this.reserve(1);
    this.scratch[at] = v ? 1 : 0;
    return this;
  }

  writeUuid(v: string): this {
    if (!UUID_PATTERN.test(v)) throw new ProtocolEncodeError(`not a UUID: ${JSON.stringify(v)}`);
    const hex = v.replace(/-/g, '');
    const at = this.reserve(16);
    this.scratch.write(hex, at, 16, 'hex');
    return this;
  }

  writeUnsignedVarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new ProtocolEncodeError(`bad unsigned varint ${v}`);
    const at = this.reserve(unsignedVarintSize(v));
    writeUnsignedVarint(this.scratch, at, v);
    return this;
  }
  writeVarint(v: number): this {
    return this.writeUnsignedVarint(zigZagEncode32(v));
  }
  writeVarlong(v: bigint): this {
    const start = this.reserve(MAX_VARLONG_BYTES);
    const end = writeVarlong(this.scratch, start, v);
    // Give back what the worst case reserved but the value did not use.
    this.pos -= start + MAX_VARLONG_BYTES - end;
    this.total -= start + MAX_VARLONG_BYTES - end;
    return this;
  }

  /** Appends bytes: copied when small, referenced as a separate chunk when ≥ ZERO_COPY_THRESHOLD. */
  writeRawBuffer(buf: Buffer): this {
    if (buf.length >= ZERO_COPY_THRESHOLD) {
      this.flushPending();
      this.chunks.push(buf);
      this.total += buf.length;
    } else if (buf.length > 0) {
      const at = this.reserve(buf.length);
      buf.copy(this.scratch, at);
    }
    return this;
  }

  /** Appends everything another writer produced, keeping its referenced chunks uncopied. */
  writeWriter(other: Writer): this {
    for (const chunk of other.toChunks()) this.writeRawBuffer(chunk);
    return this;
  }

  private writeUtf8(s: string, byteLength: number): void {
    if (byteLength === 0) return;
    const at = this.reserve(byteLength);
    this.scratch.write(s, at, byteLength, 'utf8');
  }

  writeString(s: string): this {
    const n = stringByteLength(s);
    this.writeInt16(n);
    this.writeUtf8(s, n);
    return this;
  }
  writeNullableString(s: string | null): this {
    return s === null ? this.writeInt16(-1) : this.writeString(s);
  }
  writeCompactString(s: string): this {
    const n = stringByteLength(s);
    this.writeUnsignedVarint(n + 1);
    this.writeUtf8(s, n);
    return this;
  }
  writeCompactNullableString(s: string | null): this {
    return s === null ? this.writeUnsignedVarint(0) : this.writeCompactString(s);
  }

  writeBytes(b: Buffer): this {
    return this.writeInt32(b.length).writeRawBuffer(b);
  }
  writeNullableBytes(b: Buffer | null): this {
    return b === null ? this.writeInt32(-1) : this.writeBytes(b);
  }
  writeCompactBytes(b: Buffer): this {
    return this.writeUnsignedVarint(b.length + 1).writeRawBuffer(b);
  }
  writeCompactNullableBytes(b: Buffer | null): this {
    return b === null ? this.writeUnsignedVarint(0) : this.writeCompactBytes(b);
  }

  /** Classic INT32 count; -1 writes a null array. */
  writeArrayLength(count: number): this {
    return this.writeInt32(count);
  }
  /** Compact count+1; -1 writes a null array. */
  writeCompactArrayLength(count: number): this {
    return this.writeUnsignedVarint(count + 1);
  }

  /** A `records` field: nullable bytes whose payload may be several batches written back to back. */
  writeRecords(value: RecordsValue, compact: boolean): this {
    if (value === null) return compact ? this.writeUnsignedVarint(0) : this.writeInt32(-1);
    const parts: readonly Buffer[] = Buffer.isBuffer(value) ? [value] : value;
    let size = 0;
    for (const p of parts) size += p.length;
    if (compact) this.writeUnsignedVarint(size + 1);
    else this.writeInt32(size);
    for (const p of parts) this.writeRawBuffer(p);
    return this;
  }

  writeEmptyTaggedFields(): this {
    const at = this.reserve(1);
    this.scratch[at] = 0;
    return this;
  }

  /** The ordered output chunks, suitable for a vectored socket write. */
  toChunks(): Buffer[] {
    const out = this.chunks.slice();
    if (this.pos > this.chunkStart) out.push(this.scratch.subarray(this.chunkStart, this.pos));
    return out;
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.total);
  }
}

/** Kafka strings carry an INT16 length even in compact form (the spec caps them at 32767 bytes). */
function stringByteLength(s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  if (n > MAX_INT16) throw new ProtocolEncodeError(`string of ${n} bytes exceeds 32767`);
  return n;
}
