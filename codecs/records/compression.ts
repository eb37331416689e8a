// One entry point for the record-batch compression codecs. gzip uses Node's zlib; snappy, lz4 and zstd use
// optional packages loaded on first use (see optional-codecs.ts). Decoder failures surface as CORRUPT_MESSAGE.
import type * as Zlib from 'zlib';
import { Compression } from './batch-header';
import type * as Lz4Frame from './lz4-frame';
import { CodecUnavailableError, optionalCodecProblem, OptionalCodecName } from './optional-codecs';
import { corrupt, RecordErrorCode, RecordFormatError } from './record-errors';
import type * as SnappyXerial from './snappy-xerial';
import type * as ZstdFrame from './zstd-frame';

export { CodecUnavailableError } from './optional-codecs';

/** Node's zlib, loaded on the first gzip batch: loading it at start costs ~1 MB of RSS and ~2 ms for a codec
 *  most clients never use. */
let zlibModule: typeof Zlib | undefined;
function zlib(): typeof Zlib {
  return (zlibModule ??= require('zlib') as typeof Zlib);
}

/** The framing of each optional codec, required with its first batch, as its package is: a start needs none. */
let lz4Module: typeof Lz4Frame | undefined;
let snappyModule: typeof SnappyXerial | undefined;
let zstdModule: typeof ZstdFrame | undefined;
function lz4(): typeof Lz4Frame {
  return (lz4Module ??= require('./lz4-frame') as typeof Lz4Frame);
}
function snappy(): typeof SnappyXerial {
  return (snappyModule ??= require('./snappy-xerial') as typeof SnappyXerial);
}
function zstd(): typeof ZstdFrame {
  return (zstdModule ??= require('./zstd-frame') as typeof ZstdFrame);
}

/**
 * Default ceiling on one decompressed records section. A batch is at most max.message.bytes compressed, but a
 * hostile one could announce gigabytes; this keeps a single request from exhausting memory.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export const COMPRESSION_NAMES: Record<Compression, string> = {
  [Compression.None]: 'none',
  [Compression.Gzip]: 'gzip',
  [Compression.Snappy]: 'snappy',
  [Compression.Lz4]: 'lz4',
  [Compression.Zstd]: 'zstd',
};

function optionalName(codec: Compression): OptionalCodecName | null {
  switch (codec) {
    case Compression.Snappy:
      return 'snappy';
    case Compression.Lz4:
      return 'lz4';
    case Compression.Zstd:
      return 'zstd';
    default:
      return null;
  }
}

function checkKnown(codec: number): asserts codec is Compression {
  if (!Number.isInteger(codec) || codec < Compression.None || codec > Compression.Zstd) {
    throw new RecordFormatError(RecordErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression codec id ${codec}`);
  }
}

/** Null when `codec` can be used in this installation, else the reason (which package to install). */
export function codecUnavailableReason(codec: Compression): string | null {
  checkKnown(codec);
  const name = optionalName(codec);
  return name === null ? null : optionalCodecProblem(name);
}

/**
 * `level` is a topic's compression.<codec>.level: gzip and zstd take it; snappy has none, and lz4-napi (lz4_flex)
 * has only its fast mode, so lz4 ignores it. Absent, each library's default (which is Kafka's for gzip and zstd).
 */
export function compress(codec: Compression, data: Buffer, level?: number): Buffer {
  checkKnown(codec);
  switch (codec) {
    case Compression.None:
      return data;
    case Compression.Gzip:
      return zlib().gzipSync(data, level === undefined ? undefined : { level });
    case Compression.Snappy:
      return snappy().compressSnappyXerial(data);
    case Compression.Lz4:
      return lz4().compressLz4Frame(data);
    case Compression.Zstd:
      return zstd().compressZstd(data, level);
  }
}

export function decompress(codec: Compression, data: Buffer, maxOutputBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Buffer {
  checkKnown(codec);
  try {
    switch (codec) {
      case Compression.None:
        return data;
      case Compression.Gzip:
        return zlib().gunzipSync(data, { maxOutputLength: maxOutputBytes });
      case Compression.Snappy:
        return snappy().decompressSnappy(data, maxOutputBytes);
      case Compression.Lz4:
        return lz4().decompressLz4Frame(data, maxOutputBytes);
      case Compression.Zstd:
        return zstd().decompressZstd(data, maxOutputBytes);
    }
  } catch (err) {
    if (err instanceof RecordFormatError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw corrupt(`${COMPRESSION_NAMES[codec]} decompression failed: ${detail}`);
  }
}

export function isCodecUnavailable(err: unknown): err is CodecUnavailableError {
  return err instanceof CodecUnavailableError;
}
