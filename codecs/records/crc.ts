// CRC functions for the two record formats: CRC-32C (Castagnoli) for RecordBatch v2, CRC-32 (IEEE) for the
// legacy v0/v1 message sets, as unsigned values that compare directly with the UINT32 in a batch header.
//
// Every produced batch and every batch recovery reads is checksummed, so the CRC is on the hot path. The native
// @node-rs/crc32 (hardware CRC-32C, prebuilt per platform) runs 3.4x faster than the pure-JS crc-32 on 1 MB and
// 1.9x on 1 KB (bench codec section and the commit that added it). Where its binary does not load, or fails the
// known-answer check below, crc-32 does the same job.

type CrcFunction = (data: Uint8Array) => number;

interface NativeCrc {
  crc32c(input: Uint8Array, initialState?: number | null): number;
  crc32(input: Uint8Array, initialState?: number | null): number;
}

interface JsCrc {
  buf(data: Uint8Array, seed?: number): number;
}

/** The standard check input "123456789" and its CRC-32C / CRC-32 values. */
const CHECK_INPUT = Buffer.from('123456789', 'ascii');
const CHECK_CRC32C = 0xe3069283;
const CHECK_CRC32 = 0xcbf43926;

function loadNative(): NativeCrc | null {
  try {
    const native = require('@node-rs/crc32') as NativeCrc;
    const ok = native.crc32c(CHECK_INPUT) >>> 0 === CHECK_CRC32C && native.crc32(CHECK_INPUT) >>> 0 === CHECK_CRC32;
    return ok ? native : null;
  } catch {
    return null;
  }
}

function jsImplementations(): { crc32c: CrcFunction; crc32: CrcFunction } {
  const c = require('crc-32/crc32c') as JsCrc;
  const ieee = require('crc-32') as JsCrc;
  return { crc32c: (data) => c.buf(data) >>> 0, crc32: (data) => ieee.buf(data) >>> 0 };
}

interface CrcImplementations {
  readonly kind: 'native' | 'js';
  readonly crc32c: CrcFunction;
  readonly crc32: CrcFunction;
}

/**
 * Chosen on the first checksum, not when this module loads: loading the native binary (a dlopen) is a good part of
 * a broker's start, and a start on a cleanly closed data directory computes no CRC before its first produce.
 */
let chosen: CrcImplementations | undefined;

function implementations(): CrcImplementations {
  if (chosen === undefined) {
    const native = loadNative();
    chosen =
      native !== null
        ? { kind: 'native', crc32c: (data) => native.crc32c(data) >>> 0, crc32: (data) => native.crc32(data) >>> 0 }
        : { kind: 'js', ...jsImplementations() };
  }
  return chosen;
}

/** Which implementation this process uses: 'native' (@node-rs/crc32) or 'js' (crc-32). */
export function crcImplementation(): 'native' | 'js' {
  return implementations().kind;
}

export const crc32c: CrcFunction = (data) => implementations().crc32c(data);

export const crc32: CrcFunction = (data) => implementations().crc32(data);

/** The pure-JS implementations, always available; tests compare them with whatever the process uses. */
export function pureJsCrc(): { crc32c: CrcFunction; crc32: CrcFunction } {
  return jsImplementations();
}

/** Whether the implementation has been chosen (and the native binary loaded) yet; for tests. */
export function crcLoaded(): boolean {
  return chosen !== undefined;
}
