// Variable-length integers as Kafka encodes them: unsigned varints (7 bits a byte, low group first) and
// zig-zag signed varints/varlongs as in Protocol Buffers' sint32/sint64.

import { ProtocolDecodeError } from './decode-error';

export function unsignedVarintSize(value: number): number {
  let v = value >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Writes `value` (0..2^32-1) at `at`; returns the offset after it. */
export function writeUnsignedVarint(buf: Buffer, at: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    buf[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[at++] = v;
  return at;
}

export interface VarintRead<T> {
  value: T;
  /** offset just after the varint */
  next: number;
}

/** A decode error, so a Reader passes it on as is; record parsing catches it to name the bad record. */
export class VarintError extends ProtocolDecodeError {}

export function readUnsignedVarint(buf: Buffer, at: number): VarintRead<number> {
  let value = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (at >= buf.length) throw new VarintError('varint runs past the end of the buffer');
    const b = buf[at++];
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value: value >>> 0, next: at };
    shift += 7;
  }
  throw new VarintError('varint longer than 5 bytes');
}

export function zigZagEncode32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}
export function zigZagDecode32(n: number): number {
  return (n >>> 1) ^ -(n & 1);
}

export function varintSize(value: number): number {
  return unsignedVarintSize(zigZagEncode32(value));
}
export function writeVarint(buf: Buffer, at: number, value: number): number {
  return writeUnsignedVarint(buf, at, zigZagEncode32(value));
}
export function readVarint(buf: Buffer, at: number): VarintRead<number> {
  const r = readUnsignedVarint(buf, at);
  return { value: zigZagDecode32(r.value), next: r.next };
}

const MASK64 = (1n << 64n) - 1n;

function zigZagEncode64(n: bigint): bigint {
  return ((n << 1n) ^ (n >> 63n)) & MASK64;
}

export function varlongSize(value: bigint): number {
  let v = zigZagEncode64(value);
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

export function writeVarlong(buf: Buffer, at: number, value: bigint): number {
  // Values that fit 32-bit zig-zag take the fast number path; only large timestamps deltas need bigint math.
  if (value >= -0x40000000n && value < 0x40000000n) return writeVarint(buf, at, Number(value));
  let v = zigZagEncode64(value);
  while (v >= 0x80n) {
    buf[at++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[at++] = Number(v);
  return at;
}

export function readVarlong(buf: Buffer, at: number): VarintRead<bigint> {
  let value = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (at >= buf.length) throw new VarintError('varlong runs past the end of the buffer');
    const b = buf[at++];
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      const decoded = (value >> 1n) ^ -(value & 1n);
      return { value: BigInt.asIntN(64, decoded), next: at };
    }
    shift += 7n;
  }
  throw new VarintError('varlong longer than 10 bytes');
}
