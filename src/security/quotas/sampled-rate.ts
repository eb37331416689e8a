// A rate measured the way Kafka's quota sensors measure it (org.apache.kafka.common.metrics.stats.Rate over a
// WindowedSum), so a client held to a quota is throttled after the same bytes and for the same time as by Kafka:
// - values are summed into `samples` + 1 windows of `windowMs` each, a new window starting when the current one is
//   `windowMs` old; a window with no event for `samples` * `windowMs` is cleared;
// - the rate is the sum over the retained windows divided by the time since the oldest window started, counted as
//   at least `samples` - 1 full windows (so a burst right after start is not measured over a few milliseconds);
// - a value over the bound costs a throttle time X such that rate * W / (W + X) = bound (Kafka's QuotaUtils).
// Time is passed in (milliseconds), never read here, so the arithmetic is tested without a clock.

export interface RateWindows {
  /** quota.window.num: how many windows the rate is measured over. */
  readonly samples: number;
  /** quota.window.size.seconds, in milliseconds. */
  readonly windowMs: number;
}

/** Kafka's defaults: 11 windows of one second. */
export const KAFKA_QUOTA_WINDOWS: RateWindows = { samples: 11, windowMs: 1000 };

interface Sample {
  value: number;
  startMs: number;
  lastEventMs: number;
}

export class SampledRate {
  private readonly samples: Sample[] = [];
  private current = 0;

  constructor(private readonly windows: RateWindows) {}

  /** Adds `value` at `nowMs` (negative to take back a value recorded earlier, as Kafka unrecords a throttled fetch). */
  record(value: number, nowMs: number): void {
    let sample = this.currentSample(nowMs);
    if (nowMs - sample.startMs >= this.windows.windowMs) sample = this.advance(nowMs);
    sample.value += value;
    sample.lastEventMs = nowMs;
  }

  /** The rate at `nowMs`, per second. */
  measure(nowMs: number): number {
    this.purgeObsolete(nowMs);
    let sum = 0;
    for (const s of this.samples) sum += s.value;
    return sum / (this.windowSize(nowMs) / 1000);
  }

  /** The time the rate is measured over at `nowMs` (Kafka's Rate.windowSize), in milliseconds, at least 1. */
  windowSize(nowMs: number): number {
    this.purgeObsolete(nowMs);
    const { samples, windowMs } = this.windows;
    let elapsed = nowMs - this.oldest(nowMs).startMs;
    const fullWindows = Math.floor(elapsed / windowMs);
    const minFullWindows = samples - 1;
    if (fullWindows < minFullWindows) elapsed += (minFullWindows - fullWindows) * windowMs;
    return Math.max(elapsed, 1);
  }

  /** Whether nothing was recorded for longer than the whole measured span: the rate's state can be dropped. */
  idleSince(nowMs: number, idleMs: number): boolean {
    return this.samples.every((s) => nowMs - s.lastEventMs >= idleMs);
  }

  private currentSample(nowMs: number): Sample {
    if (this.samples.length === 0) this.samples.push(newSample(nowMs));
    return this.samples[this.current];
  }

  /** Moves to the next window; one more than `samples` are kept, as Kafka keeps a window overlapping the span. */
  private advance(nowMs: number): Sample {
    this.current = (this.current + 1) % (this.windows.samples + 1);
    if (this.current >= this.samples.length) {
      const sample = newSample(nowMs);
      this.samples.push(sample);
      return sample;
    }
    const sample = this.samples[this.current];
    reset(sample, nowMs);
    return sample;
  }

  private oldest(nowMs: number): Sample {
    if (this.samples.length === 0) this.samples.push(newSample(nowMs));
    let oldest = this.samples[0];
    for (const s of this.samples) if (s.startMs < oldest.startMs) oldest = s;
    return oldest;
  }

  private purgeObsolete(nowMs: number): void {
    const expireAge = this.windows.samples * this.windows.windowMs;
    for (const s of this.samples) if (nowMs - s.lastEventMs >= expireAge) reset(s, nowMs);
  }
}

function newSample(nowMs: number): Sample {
  return { value: 0, startMs: nowMs, lastEventMs: nowMs };
}

function reset(sample: Sample, nowMs: number): void {
  sample.value = 0;
  sample.startMs = nowMs;
  sample.lastEventMs = nowMs;
}

/**
 * Kafka's QuotaUtils.throttleTime: how long to wait until a rate over `bound` falls back to it if nothing more is
 * recorded, over the window the rate was measured on; rounded to the millisecond.
 */
export function throttleTimeMs(rate: number, bound: number, windowMs: number): number {
  return Math.round(((rate - bound) / bound) * windowMs);
}
