// CRC functions for the two record formats: CRC-32C (Castagnoli) for RecordBatch v2, CRC-32 (IEEE) for the
// legacy v0/v1 message sets. The `crc-32` package returns signed 32-bit ints; we expose unsigned values so they
// compare directly with the UINT32 read from a batch header.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const crc32cImpl: { buf(data: Uint8Array, seed?: number): number } = require('crc-32/crc32c');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const crc32Impl: { buf(data: Uint8Array, seed?: number): number } = require('crc-32');

export function crc32c(data: Uint8Array): number {
  return crc32cImpl.buf(data) >>> 0;
}

export function crc32(data: Uint8Array): number {
  return crc32Impl.buf(data) >>> 0;
}
