// Malformed and invalid requests for the hostile-load soak: each kind is what a broken or hostile client sends, and
// each makes a Kafka broker (and Eddy) drop the connection or refuse the request. Built by hand from the framing
// rules so that no codec of Eddy's vets them first. Pure functions: the sender lives in workloads/hostile.ts.

/** A request header v1: api key, version, correlation id, client id. */
function header(apiKey: number, apiVersion: number, correlationId: number, clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const out = Buffer.alloc(10 + id.length);
  out.writeInt16BE(apiKey, 0);
  out.writeInt16BE(apiVersion, 2);
  out.writeInt32BE(correlationId, 4);
  out.writeInt16BE(id.length, 8);
  id.copy(out, 10);
  return out;
}

function sized(body: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(body.length, 0);
  return Buffer.concat([prefix, body]);
}

/** Bytes that look random but repeat from run to run. */
export function noise(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

export type HostileKind = 'garbage-body' | 'unknown-api' | 'unsupported-version' | 'short-header' | 'oversized' | 'negative-size';

export const HOSTILE_KINDS: readonly HostileKind[] = ['garbage-body', 'unknown-api', 'unsupported-version', 'short-header', 'oversized', 'negative-size'];

const METADATA = 3;
const PRODUCE = 0;
const UNKNOWN_API = 9999;
/** A body of a few hundred bytes, as a real request's would be. */
const GARBAGE_BYTES = 300;
/** Past socket.request.max.bytes (100 MiB by default): refused from the size prefix alone. */
const OVERSIZED_LENGTH = 0x7ffffff0;

/** The `n`th hostile frame of a kind; `n` varies the client id and the noise so no two are alike. */
export function hostileFrame(kind: HostileKind, n: number): Buffer {
  const clientId = `hostile-${n % 1000}`;
  switch (kind) {
    case 'garbage-body':
      // A Produce v9 header (flexible) followed by noise: the body cannot decode.
      return sized(Buffer.concat([header(PRODUCE, 9, n, clientId), Buffer.from([0]), noise(n, GARBAGE_BYTES)]));
    case 'unknown-api':
      return sized(Buffer.concat([header(UNKNOWN_API, 0, n, clientId), noise(n, 32)]));
    case 'unsupported-version':
      return sized(Buffer.concat([header(METADATA, 999, n, clientId), noise(n, 32)]));
    case 'short-header':
      return sized(Buffer.from([0, METADATA, 0]));
    case 'oversized': {
      const prefix = Buffer.alloc(4);
      prefix.writeInt32BE(OVERSIZED_LENGTH, 0);
      return Buffer.concat([prefix, noise(n, 64)]);
    }
    case 'negative-size': {
      const prefix = Buffer.alloc(4);
      prefix.writeInt32BE(-1, 0);
      return prefix;
    }
  }
}

/** The kind of the `n`th frame of a mixed burst: the kinds in turn. */
export function kindAt(n: number): HostileKind {
  return HOSTILE_KINDS[n % HOSTILE_KINDS.length];
}

/** RSS samples summarised as the soak reports them, in bytes. */
export interface RssSummary {
  readonly first: number;
  readonly peak: number;
  readonly last: number;
  /** median of the last quarter of the samples minus the median of the first quarter: a leak shows as growth */
  readonly drift: number;
}

function medianOf(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summariseRss(samples: readonly number[]): RssSummary {
  if (samples.length === 0) throw new Error('no RSS samples');
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  return {
    first: samples[0],
    peak: Math.max(...samples),
    last: samples[samples.length - 1],
    drift: medianOf(samples.slice(-quarter)) - medianOf(samples.slice(0, quarter)),
  };
}

/** The sample taken `offsetMs` after the first of samples taken every `everyMs` (the last one if the run was shorter). */
export function rssAfter(samples: readonly number[], everyMs: number, offsetMs: number): number {
  if (samples.length === 0) throw new Error('no RSS samples');
  return samples[Math.min(samples.length - 1, Math.round(offsetMs / everyMs))];
}

/** Median RSS of each quarter of a run, in order: flat under a bounded load, rising under a leak. */
export function quarterMedians(samples: readonly number[]): number[] {
  if (samples.length < 4) throw new Error('fewer than 4 RSS samples');
  const quarter = samples.length / 4;
  return [0, 1, 2, 3].map((q) => medianOf(samples.slice(Math.round(q * quarter), Math.round((q + 1) * quarter))));
}

/**
 * What the section checks its figures against, in MB above the broker's idle RSS. The leak check is the settled
 * figure after the soak: what a leak holds, no collection gives back. The soak's drift is reported, not bounded:
 * V8 raises its old-space limit as a load goes on, so RSS creeps within the peak bound without anything leaking.
 */
export interface HostileBounds {
  /** RSS once a burst or a soak has been over for the settle time. */
  readonly settledAboveIdleMb: number;
  /** The highest RSS while the soak runs, however long it runs. */
  readonly soakPeakAboveIdleMb: number;
}

/** One run's figures, in MB. */
export interface HostileFigures {
  readonly idleMb: number;
  readonly burstSettledMb: number;
  readonly soakPeakMb: number;
  readonly soakSettledMb: number;
}

/** The bounds a run broke, each as a sentence; empty when it kept them all. */
export function boundsBroken(bounds: HostileBounds, run: HostileFigures): string[] {
  const broken: string[] = [];
  const above = (mb: number): number => mb - run.idleMb;
  const say = (what: string, mb: number, bound: number): string => `${what} ${mb.toFixed(1)} MB > ${bound} MB`;
  if (above(run.burstSettledMb) > bounds.settledAboveIdleMb)
    broken.push(say('after the burst, above idle', above(run.burstSettledMb), bounds.settledAboveIdleMb));
  if (above(run.soakPeakMb) > bounds.soakPeakAboveIdleMb) broken.push(say('soak peak above idle', above(run.soakPeakMb), bounds.soakPeakAboveIdleMb));
  if (above(run.soakSettledMb) > bounds.settledAboveIdleMb) broken.push(say('after the soak, above idle', above(run.soakSettledMb), bounds.settledAboveIdleMb));
  return broken;
}
