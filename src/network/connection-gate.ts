// What a listener does with a freshly accepted TCP socket before it becomes a connection (before any TLS
// handshake), by connection-quotas.ts's checks, as Kafka's Acceptor does:
// - over the broker's or the listener's connection creation rate, or at max.connections: the socket waits unread,
//   and so does every socket accepted after it on this listener, in order, until the throttle time has passed and
//   a slot is free (Kafka's acceptor thread blocks);
// - over its address's connection_creation_rate: the socket is accepted but never read, and closed once the
//   throttle time has passed (the client sees its requests go unanswered, then the connection close);
// - one over max.connections.per.ip: closed at once.
// Refusals are logged at info, at most one line per reason and address a second; the line says how many were not
// logged since, so a client retrying in a loop cannot flood the log.
import type { Socket } from 'net';
import type { Logger } from '../logger';
import { canonicalAddress, type ConnectionQuotas } from './connection-quotas';

const LOG_INTERVAL_MS = 1000;

/** One line per key and interval; the next line counts the events left out. */
export class RateLimitedLog {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(private readonly logger: Logger) {}

  info(key: string, details: Record<string, unknown>, message: string, nowMs = Date.now()): void {
    const entry = this.last.get(key);
    if (entry !== undefined && nowMs - entry.atMs < LOG_INTERVAL_MS) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.logger.info(suppressed > 0 ? { ...details, notLoggedSince: suppressed } : details, message);
    if (this.last.size > 10_000) this.forgetOld(nowMs);
    this.last.set(key, { atMs: nowMs, suppressed: 0 });
  }

  private forgetOld(nowMs: number): void {
    for (const [key, entry] of this.last) if (nowMs - entry.atMs >= LOG_INTERVAL_MS && entry.suppressed === 0) this.last.delete(key);
  }
}

interface Pending {
  readonly socket: Socket;
  readonly proceed: () => void;
}

export class ListenerGate {
  private readonly waiting: Pending[] = [];
  /** When the head of the queue may go on (its rate throttle), once it was recorded; null when not yet. */
  private headReadyAtMs: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly held = new Set<Socket>();
  private closed = false;

  constructor(
    private readonly listener: string,
    private readonly quotas: ConnectionQuotas,
    private readonly log: RateLimitedLog,
    private readonly logger: Logger,
  ) {
    // A slot freed on another listener is also a broker-wide slot.
    quotas.onRelease(() => this.drain());
  }

  /** A socket the listener just accepted; `proceed` makes it a connection (or starts its TLS handshake). */
  offer(socket: Socket, proceed: () => void): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    if (this.waiting.length === 0 && this.tryPass({ socket, proceed }, false)) return;
    socket.pause();
    // Nothing else listens yet: a reset while waiting must not become an uncaught 'error'.
    socket.on('error', (err) => this.logger.debug({ err: err.message, listener: this.listener }, 'waiting socket error'));
    this.waiting.push({ socket, proceed });
    this.drain();
  }

  /** Broker shutdown: waiting and held sockets are closed (Kafka's Acceptor.closeAll). */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    for (const { socket } of this.waiting.splice(0)) socket.destroy();
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  private drain(): void {
    if (this.timer !== null) return;
    while (this.waiting.length > 0 && !this.closed) {
      if (!this.tryPass(this.waiting[0], true)) return;
      this.waiting.shift();
    }
  }

  /**
   * Runs the checks on the socket at the head of the line; false when it must wait (a timer, or a slot freed by a
   * closing connection, calls drain again). Its rate is recorded once, when it first comes to the head.
   */
  private tryPass(pending: Pending, paused: boolean): boolean {
    const nowMs = Date.now();
    if (this.headReadyAtMs === null) this.headReadyAtMs = nowMs + this.quotas.recordConnection(this.listener, nowMs);
    if (nowMs < this.headReadyAtMs) {
      this.wakeAt(this.headReadyAtMs - nowMs);
      return false;
    }
    if (!this.quotas.slotAvailable(this.listener)) return false;
    this.headReadyAtMs = null;
    this.admitOrRefuse(pending, paused, nowMs);
    return true;
  }

  private wakeAt(delayMs: number): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.drain();
      },
      Math.max(1, delayMs),
    );
    this.timer.unref();
  }

  private admitOrRefuse({ socket, proceed }: Pending, paused: boolean, nowMs: number): void {
    const address = canonicalAddress(socket.remoteAddress ?? '');
    const client = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const throttleMs = this.quotas.addressThrottleMs(this.listener, address, nowMs);
    if (throttleMs > 0) {
      this.hold(socket, throttleMs);
      this.log.info(
        `rate ${address}`,
        { client, listener: this.listener, throttleMs, quota: this.quotas.addressQuota(address) },
        'connection over its address connection_creation_rate: left unserved and closed after the throttle time',
        nowMs,
      );
      return;
    }
    const overLimit = this.quotas.add(this.listener, address);
    if (overLimit !== null) {
      this.quotas.release(this.listener, address);
      socket.destroy();
      this.log.info(
        `count ${address}`,
        { client, listener: this.listener, maxConnectionsPerIp: overLimit },
        `closing connection: address already has the configured maximum of ${overLimit} connections (max.connections.per.ip)`,
        nowMs,
      );
      return;
    }
    if (socket.destroyed) {
      this.quotas.release(this.listener, address);
      return;
    }
    socket.once('close', () => this.quotas.release(this.listener, address));
    if (paused) socket.resume();
    proceed();
  }

  private hold(socket: Socket, throttleMs: number): void {
    socket.pause();
    this.held.add(socket);
    const release = (): void => {
      this.held.delete(socket);
      socket.destroy();
    };
    socket.once('close', () => this.held.delete(socket));
    socket.on('error', (err) => this.logger.debug({ err: err.message }, 'throttled socket error'));
    setTimeout(release, throttleMs).unref();
  }
}
