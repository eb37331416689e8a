// Deterministic fuzzing support shared by the codec, record-format and hostile-client tests: a seeded PRNG and
// mutators that turn a valid message into the kinds of damage a decoder must survive.

/** mulberry32: tiny, fast and good enough to spread mutations; the seed alone reproduces a run. */
export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** Seed for a fuzz run: FUZZ_SEED from the environment to replay a failure, else the given default. */
export function fuzzSeed(fallback: number): number {
  const fromEnv = process.env.FUZZ_SEED;
  if (fromEnv === undefined || fromEnv === '') return fallback;
  const parsed = Number(fromEnv);
  if (!Number.isInteger(parsed)) throw new Error(`FUZZ_SEED must be an integer, got ${fromEnv}`);
  return parsed;
}

const BOUNDARY_BYTES = [0x00, 0x7f, 0x80, 0xff] as const;

export type MutationKind =
  'bit-flip' | 'boundary-byte' | 'truncate' | 'insert' | 'inflate-int32' | 'inflate-int16' | 'inflate-varint' | 'continuation-run' | 'delete';

export const MUTATION_KINDS: readonly MutationKind[] = [
  'bit-flip',
  'boundary-byte',
  'truncate',
  'insert',
  'inflate-int32',
  'inflate-int16',
  'inflate-varint',
  'continuation-run',
  'delete',
];

/** Huge or negative values that length and count fields must never be trusted with. */
const INT32_INFLATIONS = [0x7fffffff, 0x7ffffffe, 0x40000000, 0x00ffffff, 0xffffffff, 0x80000000, 0xfffffffe] as const;
const INT16_INFLATIONS = [0x7fff, 0x8000, 0xffff, 0xfffe, 0x4000] as const;
/** Unsigned varints of 2^32-1, 2^31, 2^28 and a 5-byte value with spare high bits set. */
const VARINT_INFLATIONS: readonly Buffer[] = [
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]),
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]),
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]),
  Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x07]),
];

function splice(input: Buffer, at: number, removed: number, inserted: Buffer): Buffer {
  return Buffer.concat([input.subarray(0, at), inserted, input.subarray(Math.min(input.length, at + removed))]);
}

/** Applies one mutation of `kind`; the input is never modified. */
export function mutateOnce(input: Buffer, kind: MutationKind, rng: Prng): Buffer {
  const at = input.length === 0 ? 0 : rng.int(input.length);
  switch (kind) {
    case 'bit-flip': {
      if (input.length === 0) return Buffer.from([1 << rng.int(8)]);
      const out = Buffer.from(input);
      out[at] ^= 1 << rng.int(8);
      return out;
    }
    case 'boundary-byte': {
      if (input.length === 0) return Buffer.from([rng.pick(BOUNDARY_BYTES)]);
      const out = Buffer.from(input);
      out[at] = rng.pick(BOUNDARY_BYTES);
      return out;
    }
    case 'truncate':
      return Buffer.from(input.subarray(0, rng.int(input.length + 1)));
    case 'insert':
      return splice(input, at, 0, rng.bytes(1 + rng.int(8)));
    case 'delete':
      return splice(input, at, 1 + rng.int(4), Buffer.alloc(0));
    case 'inflate-int32': {
      const field = Buffer.alloc(4);
      field.writeUInt32BE(rng.pick(INT32_INFLATIONS), 0);
      return splice(input, at, 4, field);
    }
    case 'inflate-int16': {
      const field = Buffer.alloc(2);
      field.writeUInt16BE(rng.pick(INT16_INFLATIONS), 0);
      return splice(input, at, 2, field);
    }
    case 'inflate-varint': {
      const field = rng.pick(VARINT_INFLATIONS);
      // Overwrite a 1-byte varint (the common case for lengths) or insert in front of one.
      return splice(input, at, rng.int(2), field);
    }
    case 'continuation-run': {
      const run = Buffer.alloc(3 + rng.int(12), rng.int(2) === 0 ? 0x80 : 0xff);
      return splice(input, at, rng.int(run.length + 1), run);
    }
  }
}

/** One to three random mutations; returns the damaged copy and what was done, for failure messages. */
export function mutate(input: Buffer, rng: Prng): { bytes: Buffer; steps: MutationKind[] } {
  const steps: MutationKind[] = [];
  let bytes = input;
  const count = 1 + (rng.next() < 0.25 ? rng.int(3) : 0);
  for (let i = 0; i < count; i++) {
    const kind = rng.pick(MUTATION_KINDS);
    steps.push(kind);
    bytes = mutateOnce(bytes, kind, rng);
  }
  return { bytes, steps };
}

type AllocFn = (size: number, ...rest: never[]) => Buffer;

/**
 * Runs `body` with Buffer.alloc/allocUnsafe/allocUnsafeSlow wrapped so that every allocation size is recorded;
 * returns the largest size requested. Synchronous code only: the originals are restored before returning.
 */
export function largestAllocationDuring(body: () => void): number {
  const B = Buffer as unknown as Record<'alloc' | 'allocUnsafe' | 'allocUnsafeSlow', AllocFn>;
  const originals = { alloc: B.alloc, allocUnsafe: B.allocUnsafe, allocUnsafeSlow: B.allocUnsafeSlow };
  let largest = 0;
  const wrap = (original: AllocFn): AllocFn =>
    function (this: unknown, size: number, ...rest: never[]): Buffer {
      if (size > largest) largest = size;
      return original.call(this, size, ...rest);
    };
  B.alloc = wrap(originals.alloc);
  B.allocUnsafe = wrap(originals.allocUnsafe);
  B.allocUnsafeSlow = wrap(originals.allocUnsafeSlow);
  try {
    body();
  } finally {
    B.alloc = originals.alloc;
    B.allocUnsafe = originals.allocUnsafe;
    B.allocUnsafeSlow = originals.allocUnsafeSlow;
  }
  return largest;
}

/** Hex of at most `max` bytes, for reproducing a failing case by hand. */
export function hexPreview(bytes: Buffer, max = 96): string {
  const shown = bytes.subarray(0, max).toString('hex');
  return bytes.length > max ? `${shown}… (${bytes.length} bytes)` : shown;
}
