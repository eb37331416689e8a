// The hostile-load soak's own plumbing: the frames it sends are malformed in the way each kind names (so the
// broker refuses every one), they vary from one to the next, and RSS samples are summarised as the report says.
import { boundsBroken, HOSTILE_KINDS, hostileFrame, kindAt, noise, quarterMedians, rssAfter, summariseRss } from '../../../bench/lib/hostile-frames';
import { hostilePlan } from '../../../bench/workloads/hostile';

const MAX_REQUEST_BYTES = 100 * 1024 * 1024;

describe('hostile frames', () => {
  it('size-prefix each framed kind with its exact length', () => {
    for (const kind of ['garbage-body', 'unknown-api', 'unsupported-version', 'short-header'] as const) {
      const frame = hostileFrame(kind, 7);
      expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    }
  });

  it('name an API or a version no broker serves, or a size it must refuse', () => {
    expect(hostileFrame('unknown-api', 1).readInt16BE(4)).toBe(9999);
    expect(hostileFrame('unsupported-version', 1).readInt16BE(6)).toBe(999);
    expect(hostileFrame('short-header', 1).length - 4).toBeLessThan(8);
    expect(hostileFrame('oversized', 1).readInt32BE(0)).toBeGreaterThan(MAX_REQUEST_BYTES);
    expect(hostileFrame('negative-size', 1).readInt32BE(0)).toBeLessThan(0);
  });

  it('vary with n, repeat for the same n, and cycle through every kind', () => {
    expect(hostileFrame('garbage-body', 1).equals(hostileFrame('garbage-body', 2))).toBe(false);
    expect(hostileFrame('garbage-body', 3).equals(hostileFrame('garbage-body', 3))).toBe(true);
    expect(noise(5, 16).equals(noise(5, 16))).toBe(true);
    expect(new Set(Array.from({ length: HOSTILE_KINDS.length }, (_, n) => kindAt(n))).size).toBe(HOSTILE_KINDS.length);
  });
});

describe('RSS summary', () => {
  it('gives first, peak, last and the drift between the first and last quarters', () => {
    const s = summariseRss([10, 12, 30, 14, 20, 22, 24, 26]);
    expect(s).toEqual({ first: 10, peak: 30, last: 26, drift: 25 - 11 });
  });

  it('refuses an empty series', () => {
    expect(() => summariseRss([])).toThrow(/no RSS samples/);
  });
});

describe('RSS over time', () => {
  it('picks the sample taken a given time after the first, or the last one of a shorter run', () => {
    expect(rssAfter([1, 2, 3, 4, 5], 200, 400)).toBe(3);
    expect(rssAfter([1, 2, 3], 200, 10_000)).toBe(3);
  });

  it('gives the median of each quarter in order', () => {
    expect(quarterMedians([1, 1, 2, 2, 3, 3, 9, 9])).toEqual([1, 2, 3, 9]);
    expect(() => quarterMedians([1, 2])).toThrow(/fewer than 4/);
  });
});

describe('hostile bounds', () => {
  const bounds = { settledAboveIdleMb: 16, soakPeakAboveIdleMb: 64 };
  const good = { idleMb: 50, burstSettledMb: 60, soakPeakMb: 100, soakSettledMb: 62 };

  it('holds for a run inside every bound', () => {
    expect(boundsBroken(bounds, good)).toEqual([]);
  });

  it('names each bound a run broke', () => {
    const broken = boundsBroken(bounds, { ...good, burstSettledMb: 104, soakPeakMb: 120, soakSettledMb: 108 });
    expect(broken).toHaveLength(3);
    expect(broken[0]).toMatch(/after the burst, above idle 54\.0 MB > 16 MB/);
  });
});

describe('hostile plan', () => {
  it('is bounded in count and time, and the full run sends the 20,000 requests of the report it answers', () => {
    for (const quick of [true, false]) {
      const plan = hostilePlan(quick);
      expect(plan.burstMaxMs).toBeLessThanOrEqual(120_000);
      expect(plan.soakMs).toBeLessThanOrEqual(120_000);
    }
    expect(hostilePlan(false).burstRequests).toBe(20_000);
  });
});
