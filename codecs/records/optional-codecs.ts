// The snappy, lz4 and zstd codecs come from optional npm packages. They are loaded on first use through `require`
// so the project compiles and runs without them; a batch using a missing codec fails with a clear message instead.
import { RecordErrorCode, RecordFormatError } from './record-errors';

/** Raw snappy blocks (no framing), as the `snappyjs` package provides. */
export interface SnappyBlockCodec {
  compress(data: Uint8Array): Uint8Array;
  /** throws when the block announces more than `maxLength` bytes */
  uncompress(data: Uint8Array, maxLength?: number): Uint8Array;
}

/** LZ4 block primitives of the `lz4js` package; the frame format is ours (lz4-frame.ts). */
export interface Lz4Primitives {
  compressBound(size: number): number;
  compressBlock(src: Uint8Array, dst: Uint8Array, srcIndex: number, srcLength: number, hashTable: Uint32Array): number;
  /** decodes one block into `dst` from `dstIndex` (earlier output serves linked blocks); returns the end index */
  decompressBlock(src: Uint8Array, dst: Uint8Array, srcIndex: number, srcLength: number, dstIndex: number): number;
  xxh32(seed: number, src: Uint8Array, index: number, length: number): number;
}

/** Streaming Zstandard decoder of the `fzstd` package: output arrives chunk by chunk through `ondata`. */
export interface ZstdStream {
  push(chunk: Uint8Array, final?: boolean): unknown;
}
export interface ZstdDecoder {
  Decompress: new (ondata: (chunk: Uint8Array, final?: boolean) => unknown) => ZstdStream;
}

export const OPTIONAL_CODEC_PACKAGES = {
  snappy: 'snappyjs',
  lz4: 'lz4js',
  zstd: 'fzstd',
} as const;

export type OptionalCodecName = keyof typeof OPTIONAL_CODEC_PACKAGES;

export class CodecUnavailableError extends RecordFormatError {
  constructor(codec: OptionalCodecName, cause: string) {
    super(RecordErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `codec ${codec} unavailable: install ${OPTIONAL_CODEC_PACKAGES[codec]} (${cause})`);
    this.name = 'CodecUnavailableError';
  }
}

type Loaded<T> = { ok: true; codec: T } | { ok: false; reason: string };

function tryRequire(moduleName: string): Loaded<Record<string, unknown>> {
  try {
    const mod: unknown = require(moduleName);
    if (typeof mod !== 'object' || mod === null) return { ok: false, reason: `${moduleName} exports no object` };
    return { ok: true, codec: mod as Record<string, unknown> };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

type AnyFunction = (...args: never[]) => unknown;

function functionsOf(mod: Record<string, unknown>, names: string[], moduleName: string): string | null {
  const missing = names.filter((n) => typeof mod[n] !== 'function');
  return missing.length === 0 ? null : `${moduleName} lacks ${missing.join(', ')}`;
}

function loadSnappy(): Loaded<SnappyBlockCodec> {
  const mod = tryRequire(OPTIONAL_CODEC_PACKAGES.snappy);
  if (!mod.ok) return mod;
  const problem = functionsOf(mod.codec, ['compress', 'uncompress'], OPTIONAL_CODEC_PACKAGES.snappy);
  return problem ? { ok: false, reason: problem } : { ok: true, codec: mod.codec as unknown as SnappyBlockCodec };
}

function loadLz4(): Loaded<Lz4Primitives> {
  const mod = tryRequire(OPTIONAL_CODEC_PACKAGES.lz4);
  if (!mod.ok) return mod;
  const problem = functionsOf(mod.codec, ['compressBound', 'compressBlock', 'decompressBlock'], OPTIONAL_CODEC_PACKAGES.lz4);
  if (problem) return { ok: false, reason: problem };
  const hashMod = tryRequire(`${OPTIONAL_CODEC_PACKAGES.lz4}/xxh32`);
  if (!hashMod.ok) return hashMod;
  const hash = hashMod.codec.hash;
  if (typeof hash !== 'function') return { ok: false, reason: 'lz4js/xxh32 lacks hash' };
  const lz4 = mod.codec as Record<string, AnyFunction>;
  return {
    ok: true,
    codec: {
      compressBound: lz4.compressBound as Lz4Primitives['compressBound'],
      compressBlock: lz4.compressBlock as Lz4Primitives['compressBlock'],
      decompressBlock: lz4.decompressBlock as Lz4Primitives['decompressBlock'],
      xxh32: hash as Lz4Primitives['xxh32'],
    },
  };
}

function loadZstd(): Loaded<ZstdDecoder> {
  const mod = tryRequire(OPTIONAL_CODEC_PACKAGES.zstd);
  if (!mod.ok) return mod;
  const problem = functionsOf(mod.codec, ['Decompress'], OPTIONAL_CODEC_PACKAGES.zstd);
  return problem ? { ok: false, reason: problem } : { ok: true, codec: mod.codec as unknown as ZstdDecoder };
}

function memoize<T>(load: () => Loaded<T>): () => Loaded<T> {
  let cached: Loaded<T> | undefined;
  return () => (cached ??= load());
}

const loaders = {
  snappy: memoize(loadSnappy),
  lz4: memoize(loadLz4),
  zstd: memoize(loadZstd),
};

function required<T>(name: OptionalCodecName, loaded: Loaded<T>): T {
  if (!loaded.ok) throw new CodecUnavailableError(name, loaded.reason);
  return loaded.codec;
}

export const snappyBlocks = (): SnappyBlockCodec => required('snappy', loaders.snappy());
export const lz4Primitives = (): Lz4Primitives => required('lz4', loaders.lz4());
export const zstdDecoder = (): ZstdDecoder => required('zstd', loaders.zstd());

/** Why a codec cannot be used, or null when its package loads. */
export function optionalCodecProblem(name: OptionalCodecName): string | null {
  const loaded = loaders[name]();
  return loaded.ok ? null : `codec ${name} unavailable: install ${OPTIONAL_CODEC_PACKAGES[name]} (${loaded.reason})`;
}
