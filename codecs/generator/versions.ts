// Version sets as Kafka specs write them ("0+", "3-5", "2", "none"), kept as sorted disjoint inclusive intervals
// because widening a message with its legacy definition can join ranges from two files.

export const OPEN_END = Number.POSITIVE_INFINITY;

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export class VersionSet {
  private constructor(readonly intervals: readonly Interval[]) {}

  static readonly NONE = new VersionSet([]);

  static range(lo: number, hi: number): VersionSet {
    return lo > hi ? VersionSet.NONE : new VersionSet([{ lo, hi }]);
  }

  static parse(text: string | undefined, fieldContext: string): VersionSet {
    if (text === undefined) return VersionSet.NONE;
    const t = text.trim();
    if (t === 'none') return VersionSet.NONE;
    let m = /^(\d+)\+$/.exec(t);
    if (m) return VersionSet.range(Number(m[1]), OPEN_END);
    m = /^(\d+)-(\d+)$/.exec(t);
    if (m) return VersionSet.range(Number(m[1]), Number(m[2]));
    m = /^(\d+)$/.exec(t);
    if (m) return VersionSet.range(Number(m[1]), Number(m[1]));
    throw new Error(`${fieldContext}: cannot parse version range ${JSON.stringify(text)}`);
  }

  get isEmpty(): boolean {
    return this.intervals.length === 0;
  }
  get min(): number {
    if (this.isEmpty) throw new Error('empty version set has no minimum');
    return this.intervals[0].lo;
  }
  get max(): number {
    if (this.isEmpty) throw new Error('empty version set has no maximum');
    return this.intervals[this.intervals.length - 1].hi;
  }

  contains(v: number): boolean {
    return this.intervals.some((i) => v >= i.lo && v <= i.hi);
  }

  intersect(other: VersionSet): VersionSet {
    const out: Interval[] = [];
    for (const a of this.intervals) {
      for (const b of other.intervals) {
        const lo = Math.max(a.lo, b.lo);
        const hi = Math.min(a.hi, b.hi);
        if (lo <= hi) out.push({ lo, hi });
      }
    }
    return VersionSet.normalise(out);
  }

  union(other: VersionSet): VersionSet {
    return VersionSet.normalise([...this.intervals, ...other.intervals]);
  }

  /** Versions of `within` that are not in this set. */
  complementWithin(within: VersionSet): VersionSet {
    const out: Interval[] = [];
    for (const w of within.intervals) {
      let lo = w.lo;
      for (const i of this.intervals) {
        if (i.hi < lo || i.lo > w.hi) continue;
        if (i.lo > lo) out.push({ lo, hi: i.lo - 1 });
        lo = i.hi + 1;
      }
      if (lo <= w.hi) out.push({ lo, hi: w.hi });
    }
    return VersionSet.normalise(out);
  }

  equals(other: VersionSet): boolean {
    return this.toString() === other.toString();
  }

  toString(): string {
    if (this.isEmpty) return 'none';
    return this.intervals.map((i) => (i.hi === OPEN_END ? `${i.lo}+` : i.lo === i.hi ? `${i.lo}` : `${i.lo}-${i.hi}`)).join(',');
  }

  private static normalise(list: Interval[]): VersionSet {
    const sorted = list.filter((i) => i.lo <= i.hi).sort((a, b) => a.lo - b.lo);
    const out: Interval[] = [];
    for (const i of sorted) {
      const last = out[out.length - 1];
      if (last !== undefined && i.lo <= last.hi + 1) out[out.length - 1] = { lo: last.lo, hi: Math.max(last.hi, i.hi) };
      else out.push(i);
    }
    return out.length === 0 ? VersionSet.NONE : new VersionSet(out);
  }
}

/**
 * A condition on `v` meaning "v is in `set`", given that v is known to lie in `within`. Returns a boolean when the
 * answer does not depend on v, so the emitter can drop dead branches.
 */
export function versionCondition(set: VersionSet, within: VersionSet, v = 'v'): string | boolean {
  const inside = set.intersect(within);
  if (inside.isEmpty) return false;
  if (inside.equals(within)) return true;
  const lo = within.min;
  const hi = within.max;
  const parts = inside.intervals.map((i) => {
    const needLo = i.lo > lo;
    const needHi = i.hi < hi;
    if (i.lo === i.hi && needLo && needHi) return `${v} === ${i.lo}`;
    if (needLo && needHi) return `(${v} >= ${i.lo} && ${v} <= ${i.hi})`;
    if (needLo) return `${v} >= ${i.lo}`;
    return `${v} <= ${i.hi}`;
  });
  return parts.join(' || ');
}
