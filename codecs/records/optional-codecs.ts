// The snappy, lz4 and zstd codecs come from optional npm packages. They are loaded on first use through `require`
// so the project compiles and runs without them; a batch using a missing codec fails with a clear message instead.
// lz4 and zstd each have two packages: a pure-JS decoder that Eddy drives with its own output limit (decompression
// bombs stop there), and a native encoder (prebuilt for each platform inside the npm packages) that really
// compresses, at the speed and ratio of the reference C/Rust implementations.
import { RecordErrorCode, RecordFormatError } from './record-errors';

/** Raw snappy blocks (no framing), as the `snappyjs` package provides. */
export interface SnappyBlockCodec {
  compress(data: Uint8Array): Uint8Array;
  /** throws when the block announces more than `maxLength` bytes */
  uncompress(data: Uint8Array, maxLength?: number): Uint8Array;
}

/** LZ4 block primitives of the `lz4js` package, used to read; the frame format is ours (lz4-frame.ts). */
export interface Lz4Primitives {
  /** decodes one block into `dst` from `dstIndex` (earlier output serves linked blocks); returns the end index */
  decompressBlock(src: Uint8Array, dst: Uint8Array, srcIndex: number, srcLength: number, dstIndex: number): number;
  xxh32(seed: number, src: Uint8Array, index: number, length: number): number;
}

/** The `lz4-napi` package (lz4_flex): `compressSync` gives a 4-byte little-endian input length, then one LZ4 block. */
export interface Lz4BlockEncoder {
  compressSync(data: Buffer): Buffer;
}

/** Streaming Zstandard decoder of the `fzstd` package: output arrives chunk by chunk through `ondata`. */
export interface ZstdStream {
  push(chunk: Uint8Array, final?: boolean): unknown;
}
export interface ZstdDecoder {
  Decompress: new (ondata: (chunk: Uint8Array, final?: boolean) => unknown) => ZstdStream;
}

/** The `@toondepauw/node-zstd` package (the zstd C library through the Rust zstd crate): one frame per call. */
export interface ZstdEncoder {
  encodeSync(data: Buffer): Buffer;
}
interface ZstdEncoderPackage {
  Encoder: new (level: number) => ZstdEncoder;
}

/** zstd's own default level, and Kafka's (compression.zstd.level). */
export const ZSTD_DEFAULT_LEVEL = 3;

export const OPTIONAL_CODEC_PACKAGES = {
  snappy: 'snappyjs',
  lz4: 'lz4js',
  zstd: 'fzstd',
  lz4Encoder: 'lz4-napi',
  zstdEncoder: '@toondepauw/node-zstd',
} as const;

export type OptionalCodecPart = keyof typeof OPTIONAL_CODEC_PACKAGES;
/** The codecs a batch can name; each needs one or two of the parts above. */
export type OptionalCodecName = 'snappy' | 'lz4' | 'zstd';

const CODEC_PARTS: Record<OptionalCodecName, readonly OptionalCodecPart[]> = {
  snappy: ['snappy'],
  lz4: ['lz4', 'lz4Encoder'],
  zstd: ['zstd', 'zstdEncoder'],
};

function codecOf(part: OptionalCodecPart): OptionalCodecName {
  return part === 'lz4Encoder' ? 'lz4' : part === 'zstdEncoder' ? 'zstd' : part;
}

export class CodecUnavailableError extends RecordFormatError {
  constructor(part: OptionalCodecPart, cause: string) {
    super(RecordErrorCode.UNSUPPORTED_COMPRESSION_TYPE, unavailableMessage(part, cause));
    this.name = 'CodecUnavailableError';
  }
}

function unavailableMessage(part: OptionalCodecPart, cause: string): string {
  return `codec ${codecOf(part)} unavailable: install ${OPTIONAL_CODEC_PACKAGES[part]} (${cause})`;
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

/** The package of `part` when it loads and exports every function in `names`. */
function loadExports<T>(part: OptionalCodecPart, names: string[]): Loaded<T> {
  const moduleName = OPTIONAL_CODEC_PACKAGES[part];
  const mod = tryRequire(moduleName);
  if (!mod.ok) return mod;
  const problem = functionsOf(mod.codec, names, moduleName);
  return problem ? { ok: false, reason: problem } : { ok: true, codec: mod.codec as unknown as T };
}

const loadSnappy = (): Loaded<SnappyBlockCodec> => loadExports('snappy', ['compress', 'uncompress']);
const loadZstd = (): Loaded<ZstdDecoder> => loadExports('zstd', ['Decompress']);
const loadLz4Encoder = (): Loaded<Lz4BlockEncoder> => loadExports('lz4Encoder', ['compressSync']);

function loadLz4(): Loaded<Lz4Primitives> {
  const mod = loadExports<Record<string, AnyFunction>>('lz4', ['decompressBlock']);
  if (!mod.ok) return mod;
  const hashMod = tryRequire(`${OPTIONAL_CODEC_PACKAGES.lz4}/xxh32`);
  if (!hashMod.ok) return hashMod;
  const hash = hashMod.codec.hash;
  if (typeof hash !== 'function') return { ok: false, reason: 'lz4js/xxh32 lacks hash' };
  return {
    ok: true,
    codec: {
      decompressBlock: mod.codec.decompressBlock as Lz4Primitives['decompressBlock'],
      xxh32: hash as Lz4Primitives['xxh32'],
    },
  };
}

/** zstd encoders by level (a topic's compression.zstd.level): each is made on first use and kept for the process. */
interface ZstdEncoders {
  atLevel(level: number): ZstdEncoder;
}

/** Loads the package and makes the default level's encoder at once, so a package that cannot encode is found on load. */
function loadZstdEncoder(): Loaded<ZstdEncoders> {
  const mod = loadExports<ZstdEncoderPackage>('zstdEncoder', ['Encoder']);
  if (!mod.ok) return mod;
  try {
    const Encoder = mod.codec.Encoder;
    const byLevel = new Map<number, ZstdEncoder>([[ZSTD_DEFAULT_LEVEL, new Encoder(ZSTD_DEFAULT_LEVEL)]]);
    const atLevel = (level: number): ZstdEncoder => {
      let encoder = byLevel.get(level);
      if (encoder === undefined) byLevel.set(level, (encoder = new Encoder(level)));
      return encoder;
    };
    return { ok: true, codec: { atLevel } };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

function memoize<T>(load: () => Loaded<T>): () => Loaded<T> {
  let cached: Loaded<T> | undefined;
  return () => (cached ??= load());
}

const loaders = {
  snappy: memoize(loadSnappy),
  lz4: memoize(loadLz4),
  zstd: memoize(loadZstd),
  lz4Encoder: memoize(loadLz4Encoder),
  zstdEncoder: memoize(loadZstdEncoder),
};

function required<T>(part: OptionalCodecPart, loaded: Loaded<T>): T {
  if (!loaded.ok) throw new CodecUnavailableError(part, loaded.reason);
  return loaded.codec;
}

export const snappyBlocks = (): SnappyBlockCodec => required('snappy', loaders.snappy());
export const lz4Primitives = (): Lz4Primitives => required('lz4', loaders.lz4());
export const lz4BlockEncoder = (): Lz4BlockEncoder => required('lz4Encoder', loaders.lz4Encoder());
export const zstdDecoder = (): ZstdDecoder => required('zstd', loaders.zstd());
export const zstdEncoder = (level = ZSTD_DEFAULT_LEVEL): ZstdEncoder => required('zstdEncoder', loaders.zstdEncoder()).atLevel(level);

/** Why a codec cannot be used (to read or to write), or null when its packages load. */
export function optionalCodecProblem(name: OptionalCodecName): string | null {
  for (const part of CODEC_PARTS[name]) {
    const loaded = loaders[part]();
    if (!loaded.ok) return unavailableMessage(part, loaded.reason);
  }
  return null;
}
