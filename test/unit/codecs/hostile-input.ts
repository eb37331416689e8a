// Shared by the codec and the record fuzz tests: runs one decode of damaged input and turns each way it can go
// wrong (an exception other than the expected rejection, a hang, an allocation larger than allowed) into a failure
// that names the seed and the input, so it can be replayed.

import { inspect } from 'util';
import { hexPreview, largestAllocationDuring } from '../../helpers/fuzz';

export interface Outcome {
  decoded: number;
  rejected: number;
}

export interface HostileRules {
  /** The one exception type a decoder may reject damaged input with. */
  readonly rejection: new (...args: never[]) => Error;
  readonly seed: number;
  /** A hang detector, not a performance bound. */
  readonly maxMsPerCase: number;
}

export function decodeHostile(what: string, input: Buffer, allowedAllocation: number, decode: () => unknown, rules: HostileRules, outcome: Outcome): void {
  let thrown: unknown = null;
  const started = performance.now();
  const largest = largestAllocationDuring(() => {
    try {
      decode();
    } catch (err) {
      thrown = err;
    }
  });
  const elapsed = performance.now() - started;
  const context = `${what} [seed ${rules.seed}] input ${hexPreview(input)}`;
  if (thrown !== null) {
    if (!(thrown instanceof rules.rejection)) {
      const detail = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : inspect(thrown);
      throw new Error(`${context}: threw ${detail} instead of ${rules.rejection.name}`);
    }
    outcome.rejected++;
  } else {
    outcome.decoded++;
  }
  if (largest > allowedAllocation) {
    throw new Error(`${context}: allocated ${largest} bytes (allowed ${allowedAllocation} for ${input.length} input bytes)`);
  }
  if (elapsed > rules.maxMsPerCase) throw new Error(`${context}: took ${elapsed.toFixed(0)} ms`);
}
