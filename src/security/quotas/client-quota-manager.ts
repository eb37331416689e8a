// Enforcement of client quotas, as Kafka's ClientQuotaManager and ClientRequestQuotaManager do it: each request's
// bytes (produce, fetch) or handler time (request_percentage) are added to the rate of the clients it shares a
// quota with (quota-precedence.ts), and a rate over its quota answers with the time the client must wait
// (sampled-rate.ts). The caller puts that time in the answer and mutes the connection for it.
//
// Nothing is measured for a quota type until a quota of that type is set (Kafka's quotasEnabled), so a broker
// without quotas pays one boolean test per request. As in Kafka, once set, measuring goes on until restart even
// if every quota of that type is removed; rates unused for an hour are dropped.
// controller_mutation_rate (KIP-599) takes a token per partition created or deleted from a bucket per client
// (token-bucket.ts), as Kafka's ControllerMutationQuotaManager.
import { CLIENT_ID, CONSUMER_BYTE_RATE, CONTROLLER_MUTATION_RATE, PRODUCER_BYTE_RATE, REQUEST_PERCENTAGE, USER, type QuotaEntity } from './quota-entities';
import { quotaLimit, quotaTags, type QuotaLookup, type QuotaTags } from './quota-precedence';
import { KAFKA_QUOTA_WINDOWS, SampledRate, throttleTimeMs, type RateWindows } from './sampled-rate';
import type { ClientQuotaStore } from './quota-store';
import { bucketThrottleMs, TokenBucket } from './token-bucket';

export type QuotaType = 'produce' | 'fetch' | 'request';

const KEY_OF_TYPE: Readonly<Record<QuotaType, string>> = {
  produce: PRODUCER_BYTE_RATE,
  fetch: CONSUMER_BYTE_RATE,
  request: REQUEST_PERCENTAGE,
};

/** Kafka's ClientQuotaManager.InactiveSensorExpirationTimeSeconds. */
const INACTIVE_RATE_EXPIRY_MS = 3_600_000;
const PURGE_INTERVAL_MS = 60_000;
/** ClientRequestQuotaManager.NanosToPercentagePerSecond: a second of handler time is 100 %. */
const PERCENT_PER_NANO = 100 / 1e9;

/** Who a request counts against: the principal's name and the request header's client id. */
export interface QuotaClient {
  readonly user: string;
  readonly clientId: string | null;
}

/** The quotas of one type: lookups by entity, and which clients resolve to which tags and limit. */
class TypeQuotas {
  enabled = false;
  private byEntity = new Map<string, number>();
  private readonly resolved = new Map<string, { tags: QuotaTags; limit: number | undefined }>();
  readonly lookup: QuotaLookup = (user, clientId) => this.byEntity.get(lookupKey(user, clientId));

  reload(entries: ReadonlyArray<{ entity: QuotaEntity; quotas: ReadonlyMap<string, number> }>, key: string): void {
    this.byEntity = new Map();
    this.resolved.clear();
    for (const { entity, quotas } of entries) {
      const value = quotas.get(key);
      if (value === undefined || (!entity.has(USER) && !entity.has(CLIENT_ID))) continue;
      this.byEntity.set(lookupKey(componentOf(entity, USER), componentOf(entity, CLIENT_ID)), value);
      this.enabled = true;
    }
  }

  resolve(user: string, clientId: string): { tags: QuotaTags; limit: number | undefined } {
    const cacheKey = `${user}\u0000${clientId}`;
    let found = this.resolved.get(cacheKey);
    if (found === undefined) {
      const tags = quotaTags(this.lookup, user, clientId);
      found = { tags, limit: quotaLimit(this.lookup, tags) };
      this.resolved.set(cacheKey, found);
    }
    return found;
  }
}

function componentOf(entity: QuotaEntity, type: string): string | null | undefined {
  return entity.has(type) ? (entity.get(type) ?? null) : undefined;
}

function lookupKey(user: string | null | undefined, clientId: string | null | undefined): string {
  const part = (v: string | null | undefined): string => (v === undefined ? '-' : v === null ? 'd' : `n${v}`);
  return `${part(user)}\u0000${part(clientId)}`;
}

/**
 * One request's controller mutation quota (Kafka's ControllerMutationQuota). A strict one (CreateTopics v6+,
 * DeleteTopics v5+, CreatePartitions v3+) refuses a topic once the client's bucket is overdrawn; a permissive one
 * (older versions, whose clients do not know THROTTLING_QUOTA_EXCEEDED) admits everything and throttles after.
 */
export interface MutationQuota {
  /** Takes `partitions` tokens; false when a strict quota refuses the topic (THROTTLING_QUOTA_EXCEEDED). */
  admit(partitions: number): boolean;
  /** The throttle time the answer carries, less the time since it was found (as Kafka's throttleTime). */
  throttleMs(): number;
}

const UNBOUNDED_MUTATIONS: MutationQuota = { admit: () => true, throttleMs: () => 0 };

export class ClientQuotaManager {
  private readonly types: Record<QuotaType, TypeQuotas> = { produce: new TypeQuotas(), fetch: new TypeQuotas(), request: new TypeQuotas() };
  private readonly mutations = new TypeQuotas();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly rates = new Map<string, SampledRate>();
  private lastPurgeMs = 0;

  constructor(
    private readonly store: ClientQuotaStore,
    private readonly windows: RateWindows = KAFKA_QUOTA_WINDOWS,
  ) {
    this.reload();
    store.onChange(() => this.reload());
  }

  private reload(): void {
    const entries = this.store.all();
    for (const type of Object.keys(this.types) as QuotaType[]) this.types[type].reload(entries, KEY_OF_TYPE[type]);
    this.mutations.reload(entries, CONTROLLER_MUTATION_RATE);
  }

  /** The controller mutation quota of one request from `client`; `now` reads the clock (Date.now in the broker). */
  mutationQuota(client: QuotaClient, strict: boolean, now: () => number): MutationQuota {
    if (!this.mutations.enabled) return UNBOUNDED_MUTATIONS;
    const { tags, limit } = this.mutations.resolve(client.user, client.clientId ?? '');
    if (limit === undefined) return UNBOUNDED_MUTATIONS;
    const key = `${tags.user}\u0000${tags.clientId}`;
    const startMs = now();
    if (startMs - this.lastPurgeMs >= PURGE_INTERVAL_MS) this.purgeIdle(startMs);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) this.buckets.set(key, (bucket = new TokenBucket(this.windows, limit, startMs)));
    const found = bucket;
    let owedMs = 0;
    let foundAtMs = 0;
    const overdrawn = (nowMs: number): boolean => {
      const tokens = found.measure(limit, nowMs);
      if (tokens >= 0) return false;
      owedMs = bucketThrottleMs(tokens, limit);
      foundAtMs = nowMs;
      return true;
    };
    return {
      admit(partitions: number): boolean {
        const nowMs = now();
        if (strict && overdrawn(nowMs)) return false;
        found.take(partitions, limit, nowMs);
        if (!strict) overdrawn(nowMs);
        return true;
      },
      throttleMs: () => (owedMs === 0 ? 0 : Math.max(0, owedMs - (now() - foundAtMs))),
    };
  }

  /** Whether anything is measured for this type (a quota of the type was set since start). */
  enabled(type: QuotaType): boolean {
    return this.types[type].enabled;
  }

  /** The quota that holds `client` for `type`, per second (bytes, or percent of one handler's time); undefined: none. */
  limitFor(type: QuotaType, client: QuotaClient): number | undefined {
    return this.types[type].resolve(client.user, client.clientId ?? '').limit;
  }

  /**
   * Records `value` and answers the throttle time in ms (0 within the quota), as ClientQuotaManager's
   * recordAndGetThrottleTimeMs; the request quota's time is capped at one window, as Kafka caps it.
   */
  record(type: QuotaType, client: QuotaClient, value: number, nowMs: number): number {
    const quotas = this.types[type];
    if (!quotas.enabled) return 0;
    const { tags, limit } = quotas.resolve(client.user, client.clientId ?? '');
    this.rateOf(type, tags, nowMs).record(value, nowMs);
    return limit === undefined ? 0 : this.owedMs(type, client, nowMs);
  }

  /**
   * The throttle time `client` owes for `type` now, without recording anything: a fetch asks it of the request quota
   * before answering, as Kafka's fetch answers empty when either quota is violated (its own time is recorded after).
   */
  owedMs(type: QuotaType, client: QuotaClient, nowMs: number): number {
    const quotas = this.types[type];
    if (!quotas.enabled) return 0;
    const { tags, limit } = quotas.resolve(client.user, client.clientId ?? '');
    if (limit === undefined) return 0;
    const rate = this.rateOf(type, tags, nowMs);
    const measured = rate.measure(nowMs);
    if (measured <= limit) return 0;
    const throttle = throttleTimeMs(measured, limit, rate.windowSize(nowMs));
    return type === 'request' ? Math.min(throttle, this.windows.windowMs) : throttle;
  }

  /** Takes back a value recorded for a request that was throttled and answered empty (a fetch). */
  unrecord(type: QuotaType, client: QuotaClient, value: number, nowMs: number): void {
    const quotas = this.types[type];
    if (!quotas.enabled) return;
    this.rateOf(type, quotas.resolve(client.user, client.clientId ?? '').tags, nowMs).record(-value, nowMs);
  }

  /** Handler time in nanoseconds recorded against request_percentage; the throttle time in ms. */
  recordRequestTime(client: QuotaClient, nanos: number, nowMs: number): number {
    return this.record('request', client, nanos * PERCENT_PER_NANO, nowMs);
  }

  /**
   * Kafka's getMaxValueInQuotaWindow: the most a single request may take without being throttled for sure when
   * nothing else was recorded (quota × (windows − 1) × window); Infinity without a quota. Fetch caps max_bytes to it.
   */
  maxValueInWindow(type: QuotaType, client: QuotaClient): number {
    const limit = this.types[type].enabled ? this.limitFor(type, client) : undefined;
    if (limit === undefined) return Infinity;
    return limit * (this.windows.samples - 1) * (this.windows.windowMs / 1000);
  }

  private rateOf(type: QuotaType, tags: QuotaTags, nowMs: number): SampledRate {
    if (nowMs - this.lastPurgeMs >= PURGE_INTERVAL_MS) this.purgeIdle(nowMs);
    const key = `${type}\u0000${tags.user}\u0000${tags.clientId}`;
    let rate = this.rates.get(key);
    if (rate === undefined) this.rates.set(key, (rate = new SampledRate(this.windows)));
    return rate;
  }

  private purgeIdle(nowMs: number): void {
    this.lastPurgeMs = nowMs;
    for (const [key, rate] of this.rates) if (rate.idleSince(nowMs, INACTIVE_RATE_EXPIRY_MS)) this.rates.delete(key);
    for (const [key, bucket] of this.buckets) if (bucket.idleSince(nowMs, INACTIVE_RATE_EXPIRY_MS)) this.buckets.delete(key);
  }
}
