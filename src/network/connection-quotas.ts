// Connection limits and connection-creation-rate quotas (KIP-612), counted as Kafka 4.3.1's ConnectionQuotas
// counts them. A new connection on a listener goes through three checks, in Kafka's order:
// 1. the broker-wide and the listener's max.connection.creation.rate (the listener-prefixed value, else the
//    broker-wide one) and max.connections: over either, accepting on that listener waits (Kafka's acceptor thread
//    blocks) for the rate's throttle time and until a connection slot is free. The listener Kafka's brokers talk to
//    each other on is exempt from the broker-wide limits once there is more than one listener;
// 2. the client address's connection_creation_rate (client-quota entity `ip`, or its default): over it, the
//    connection is taken back out of every rate, left unserved and closed after the throttle time;
// 3. max.connections.per.ip (or its max.connections.per.ip.overrides entry): one more than that is closed at once.
// Time is passed in, so the arithmetic is tested without a clock; connection-gate.ts applies the outcomes.
import { isIPv4 } from 'net';
import { SampledRate, throttleTimeMs, type RateWindows } from '../security/quotas/sampled-rate';

/** Kafka's Int.MaxValue: no limit (the default of every limit here). */
export const UNLIMITED = 2147483647;
/** Kafka drops an address's rate sensor after an hour without a connection (ConnectionQuotaEntity.ipQuotaEntity). */
const IP_RATE_EXPIRY_MS = 3_600_000;
const PURGE_INTERVAL_MS = 60_000;

export interface ConnectionLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** Address to limit, from max.connections.per.ip.overrides. */
  readonly maxConnectionsPerIpOverrides: ReadonlyMap<string, number>;
  /** max.connection.creation.rate, broker-wide. */
  readonly maxConnectionCreationRate: number;
  /** Per listener: its prefixed max.connections and max.connection.creation.rate, else the broker-wide values. */
  readonly listeners: ReadonlyMap<string, { readonly maxConnections: number; readonly maxConnectionCreationRate: number }>;
  /** The inter-broker listener, exempt from the broker-wide limits when there are several listeners. */
  readonly interBrokerListener: string | null;
}

/**
 * The address a connection is counted under, as Java's InetAddress compares them: an IPv4 client of a dual-stack
 * socket (`::ffff:1.2.3.4`) is its IPv4 address, and `localhost` in a config is the loopback address.
 */
export function canonicalAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return lower.slice(7);
  if (lower === 'localhost') return '127.0.0.1';
  return lower;
}

/** max.connections.per.ip.overrides: `host:count` pairs separated by commas (an IPv6 host keeps its colons). */
export function parsePerIpOverrides(value: string): Map<string, number> {
  const overrides = new Map<string, number>();
  for (const entry of value.split(',')) {
    const trimmed = entry.trim();
    const colon = trimmed.lastIndexOf(':');
    if (colon <= 0) continue;
    const count = Number(trimmed.slice(colon + 1).trim());
    if (Number.isInteger(count)) overrides.set(canonicalAddress(trimmed.slice(0, colon).trim()), count);
  }
  return overrides;
}

export class ConnectionQuotas {
  private limits: ConnectionLimits;
  private readonly perAddress = new Map<string, number>();
  private readonly perListener = new Map<string, number>();
  private total = 0;
  private readonly brokerRate: SampledRate;
  private readonly listenerRates = new Map<string, SampledRate>();
  private readonly addressRates = new Map<string, SampledRate>();
  private addressQuotas = new Map<string, number>();
  private defaultAddressQuota = UNLIMITED;
  private lastPurgeMs = 0;
  private readonly released: Array<(listener: string) => void> = [];

  constructor(
    limits: ConnectionLimits,
    private readonly windows: RateWindows,
  ) {
    this.limits = limits;
    this.brokerRate = new SampledRate(windows);
    for (const name of limits.listeners.keys()) {
      this.perListener.set(name, 0);
      this.listenerRates.set(name, new SampledRate(windows));
    }
  }

  /** New limits (a dynamic config change); rates measured so far are kept, as Kafka keeps its sensors. */
  reconfigure(limits: ConnectionLimits): void {
    this.limits = limits;
    for (const name of this.perListener.keys()) this.notifyReleased(name);
  }

  /** The connection_creation_rate quotas: by canonical address, and the default (null address). */
  setAddressQuotas(quotas: Iterable<readonly [address: string | null, rate: number]>): void {
    const byAddress = new Map<string, number>();
    let fallback = UNLIMITED;
    for (const [address, rate] of quotas) {
      if (address === null) fallback = rate;
      else byAddress.set(canonicalAddress(address), rate);
    }
    this.addressQuotas = byAddress;
    this.defaultAddressQuota = fallback;
  }

  /** Runs `listener` whenever a connection slot may have become free on a listener. */
  onRelease(listener: (listenerName: string) => void): void {
    this.released.push(listener);
  }

  /** The connection_creation_rate in force for an address. */
  addressQuota(address: string): number {
    return this.addressQuotas.get(address) ?? this.defaultAddressQuota;
  }

  /**
   * Check 1, its rate half: records the connection in the broker-wide (unless exempt) and the listener's rates and
   * answers how long accepting must wait for them to fall back under their limits (the longer), at most one window.
   */
  recordConnection(listener: string, nowMs: number): number {
    const listenerRate = this.listenerRates.get(listener);
    const brokerThrottle = this.isProtected(listener) ? 0 : this.recordAndThrottle(this.brokerRate, this.limits.maxConnectionCreationRate, nowMs);
    if (listenerRate === undefined) return 0;
    const bound = this.limits.listeners.get(listener)?.maxConnectionCreationRate ?? UNLIMITED;
    return Math.max(brokerThrottle, this.recordAndThrottle(listenerRate, bound, nowMs));
  }

  /** Check 1, its count half: whether the listener and the broker have room for one more connection. */
  slotAvailable(listener: string): boolean {
    const max = this.limits.listeners.get(listener)?.maxConnections ?? UNLIMITED;
    if ((this.perListener.get(listener) ?? 0) >= max) return false;
    return this.isProtected(listener) || this.total < this.limits.maxConnections;
  }

  /**
   * Check 2: records the connection in its address's rate when that address has a quota; over it, the connection
   * is taken back out of the address's, the listener's and the broker's rates (it will not be served) and the
   * answer is how long to hold it before closing it. 0: go on.
   */
  addressThrottleMs(listener: string, address: string, nowMs: number): number {
    this.purgeIdleRates(nowMs);
    const quota = this.addressQuota(address);
    if (quota === UNLIMITED) return 0;
    let rate = this.addressRates.get(address);
    if (rate === undefined) this.addressRates.set(address, (rate = new SampledRate(this.windows)));
    const throttle = this.recordAndThrottle(rate, quota, nowMs);
    if (throttle <= 0) return 0;
    rate.record(-1, nowMs);
    if (!this.isProtected(listener)) this.brokerRate.record(-1, nowMs);
    this.listenerRates.get(listener)?.record(-1, nowMs);
    return throttle;
  }

  /**
   * Check 3: counts the connection; answers the address's limit when this connection is one over it (the caller
   * closes it and releases it), else null.
   */
  add(listener: string, address: string): number | null {
    const before = this.perAddress.get(address) ?? 0;
    this.perAddress.set(address, before + 1);
    this.total++;
    const onListener = this.perListener.get(listener);
    if (onListener !== undefined) this.perListener.set(listener, onListener + 1);
    const max = this.limits.maxConnectionsPerIpOverrides.get(address) ?? this.limits.maxConnectionsPerIp;
    return before >= max ? max : null;
  }

  /** A counted connection has closed. */
  release(listener: string, address: string): void {
    const count = this.perAddress.get(address) ?? 0;
    if (count <= 1) this.perAddress.delete(address);
    else this.perAddress.set(address, count - 1);
    this.total = Math.max(0, this.total - 1);
    const onListener = this.perListener.get(listener);
    if (onListener !== undefined && onListener > 0) this.perListener.set(listener, onListener - 1);
    this.notifyReleased(listener);
  }

  /** Whether the broker holds more connections than max.connections allows (it was lowered) on a listener that counts. */
  exceeded(listener: string): boolean {
    return this.total > this.limits.maxConnections && !this.isProtected(listener);
  }

  /** How many connections over max.connections the broker holds (0 or less: none). */
  excess(): number {
    return this.total - this.limits.maxConnections;
  }

  /** Connections counted from an address (for tests and metrics). */
  connectionsFrom(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  private isProtected(listener: string): boolean {
    return this.limits.interBrokerListener === listener && this.perListener.size > 1;
  }

  /** Kafka's Sensor.record with an upper-bound quota, then QuotaUtils.boundedThrottleTime (at most one window). */
  private recordAndThrottle(rate: SampledRate, bound: number, nowMs: number): number {
    rate.record(1, nowMs);
    if (bound >= UNLIMITED) return 0;
    const value = rate.measure(nowMs);
    if (value <= bound) return 0;
    return Math.min(throttleTimeMs(value, bound, rate.windowSize(nowMs)), this.windows.windowMs);
  }

  private notifyReleased(listener: string): void {
    for (const wake of this.released) wake(listener);
  }

  private purgeIdleRates(nowMs: number): void {
    if (nowMs - this.lastPurgeMs < PURGE_INTERVAL_MS) return;
    this.lastPurgeMs = nowMs;
    for (const [address, rate] of this.addressRates) if (rate.idleSince(nowMs, IP_RATE_EXPIRY_MS)) this.addressRates.delete(address);
  }
}
