// The controller mutation quota (KIP-599) is not a rate but a token bucket, as Kafka's TokenBucket stat: it holds
// up to `burst` = quota × (quota.window.num − 1) × window seconds of partition mutations, refills at the quota per
// second, and each CreateTopics, CreatePartitions or DeleteTopics takes one token per partition created or
// deleted. The bucket may go below zero (a request is admitted while tokens remain, whatever it costs); a client
// then waits until it is back at zero: −tokens ÷ quota seconds. Time is passed in, never read here.
import type { RateWindows } from './sampled-rate';

export class TokenBucket {
  private tokens: number;
  private lastUpdateMs: number;

  constructor(
    private readonly windows: RateWindows,
    quota: number,
    nowMs: number,
  ) {
    // Kafka's bucket starts empty at time 0, so its first refill fills it: full, in effect.
    this.tokens = burstOf(windows, quota);
    this.lastUpdateMs = nowMs;
  }

  /** The tokens left at `nowMs` for a quota of `quota` per second; negative once overdrawn. */
  measure(quota: number, nowMs: number): number {
    this.refill(quota, nowMs);
    return this.tokens;
  }

  /** Takes `permits` tokens (partitions) at `nowMs`. */
  take(permits: number, quota: number, nowMs: number): void {
    this.refill(quota, nowMs);
    this.tokens = Math.min(burstOf(this.windows, quota), this.tokens - permits);
  }

  /** Whether nothing was taken for `idleMs`: the bucket is full again and can be dropped. */
  idleSince(nowMs: number, idleMs: number): boolean {
    return nowMs - this.lastUpdateMs >= idleMs;
  }

  private refill(quota: number, nowMs: number): void {
    this.tokens = Math.min(burstOf(this.windows, quota), this.tokens + (quota * Math.max(0, nowMs - this.lastUpdateMs)) / 1000);
    this.lastUpdateMs = nowMs;
  }
}

function burstOf(windows: RateWindows, quota: number): number {
  return (windows.samples - 1) * (windows.windowMs / 1000) * quota;
}

/** Kafka's ControllerMutationQuotaManager.throttleTimeMs: how long an overdrawn bucket takes to refill to zero. */
export function bucketThrottleMs(tokens: number, quota: number): number {
  return tokens >= 0 ? 0 : Math.round((-tokens / quota) * 1000);
}
