// One client connection: frames in, requests handled one at a time in arrival order (as Kafka does, which keeps
// a producer's pipelined batches in order), responses written in the same order. Bad input closes only this
// connection, with one log line naming the client and the API.
//
// Resource bounds against hostile or broken clients: at most MAX_QUEUED_FRAMES frames wait before reading pauses;
// no new request is handled while the client leaves a response unread (the socket wants a drain), so a client that
// never reads holds one response, not an unbounded queue of them; and idleness counts only complete requests,
// responses and time spent serving a request, so a slowloris trickling bytes of a frame is closed after
// connections.max.idle.ms like a silent one.
import type { Socket } from 'net';
import { Reader, ProtocolDecodeError } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import { decodeRequestHeader, encodeResponseHeader, RequestHeader } from '../../codecs/protocol/headers';
import { FrameSizeError, FrameSplitter } from './frame-splitter';
import { CLOSE_CONNECTION, type ApiHandler } from '../api/handler';
import type { ConnectionInfo, RequestScope, RequestScopeFactory } from './request-scope';
import type { Logger } from '../logger';
import type { SecurityProtocol } from '../security/listener-security';
import { ANONYMOUS, type KafkaPrincipal } from '../security/principal';
import type { AuthDecision, SaslAuthenticator } from './sasl-authenticator';
import { BrokerMetrics } from '../metrics/broker-metrics';
import type { RequestThrottle } from '../security/quotas/request-throttle';
import type { InPlaceReader } from './in-place-reads';
import { SHARED_READ_BYTES, type FrameReader } from './frame-reads';
import type { FramePool } from '../../storage/frame-pool';

export interface ConnectionOptions {
  readonly maxFrameBytes: number;
  readonly idleTimeoutMs: number;
  readonly listenerName: string;
  readonly handlers: ReadonlyMap<number, ApiHandler>;
  /** Builds what a handler sees of each request (the broker's services, this connection's facts). */
  readonly newRequestScope: RequestScopeFactory;
  /** Encodes the KIP-511 answer to an ApiVersions request of a version we do not serve. */
  readonly apiVersionsFallback: (writer: Writer) => void;
  /** PLAINTEXT when not given. */
  readonly securityProtocol?: SecurityProtocol;
  /** Who the connection is before (or without) SASL: a TLS client certificate's principal, else User:ANONYMOUS. */
  readonly principal?: KafkaPrincipal;
  /** On SASL listeners: the exchange every frame goes through until it completes (src/network/sasl-authenticator.ts). */
  readonly authenticator?: SaslAuthenticator;
  /** Where requests are counted and timed; a connection built without one counts into its own. */
  readonly metrics?: BrokerMetrics;
  /** Client quotas: the request quota on handler time, and the throttle an answer carries and mutes for. */
  readonly quotas?: RequestThrottle;
  /** TLS sockets: reads into a reused buffer instead of 'data' events with a new Buffer per TLS record. */
  readonly inPlaceReads?: InPlaceReader;
  /** Plaintext sockets: reads the rest of a large frame straight into its buffer, the rest into a reused one. */
  readonly frameReads?: FrameReader;
  /**
   * Where large frames are assembled: recycled buffers, a Produce request's given back once it was answered (its
   * appends are written by then, and what storage keeps of it holds references of its own). Fresh buffers when absent.
   */
  readonly frames?: FramePool;
  /**
   * While the broker finishes its start with its listeners already bound (a first start's metadata files being made
   * durable): the promise every request but ApiVersions waits for, in order. It rejects when the start fails, and the
   * connection then closes. Undefined, or returning undefined, once the start is complete.
   */
  readonly startPending?: () => Promise<void> | undefined;
}

/** Frames queued beyond this pause reading from the socket until the broker catches up. */
const MAX_QUEUED_FRAMES = 64;
const MAX_TIMER_MS = 0x7fffffff;
const SIZE_PREFIX_BYTES = 4;
/**
 * A response of several chunks but no larger than this is copied into one buffer and written with one call. A
 * fetch response of a few small batches (a consumer keeping up with a producer) outgrows the writer's first scratch
 * buffer and so arrives as two or three chunks; a vectored write (cork, one write per chunk, uncork, writev) cost
 * more than copying a few KB (about half the fetch responses of the 10,000 records/s latency run took that path).
 */
const COALESCE_MAX_BYTES = 8192;
const PRODUCE_API_KEY = 0;
const API_VERSIONS_API_KEY = 18;

/** A request frame's API key (the header's first field), -1 when the frame is too short to hold one. */
function requestApiKey(frame: Buffer): number {
  return frame.length >= 2 ? frame.readInt16BE(0) : -1;
}
const CLOSE_GRACE_MS = 1000;

export class Connection {
  readonly address: string;
  private readonly splitter: FrameSplitter;
  private readonly queue: Buffer[] = [];
  private processing = false;
  private closedFlag = false;
  private stopRequested = false;
  private draining: (() => void) | null = null;
  private resolveStopping!: () => void;
  /** Resolves when the connection closes or the broker starts shutting down: long-polls answer at once then. */
  private readonly stopping: Promise<void>;
  /** Aborted together with `stopping`; waits subscribe and unsubscribe here instead of piling up on the promise. */
  private readonly stopController = new AbortController();
  private readonly logger: Logger;
  private resolveClosed!: () => void;
  readonly closed: Promise<void>;
  /** Date.now() of the last complete request, written response, or moment a request was being served. */
  private lastActivity = Date.now();
  private idleTimer: NodeJS.Timeout | null = null;
  private handling = false;
  /** What every request's context reports of this connection; the principal changes when SASL completes. */
  private readonly info: { -readonly [K in keyof ConnectionInfo]: ConnectionInfo[K] };
  private readonly metrics: BrokerMetrics;
  /** When the request being served was dispatched (requests are served one at a time). */
  private requestStartedAt = 0;
  /** Date.now() until which a throttled client's requests are left unread (KIP-219). */
  private mutedUntil = 0;
  private unmuteTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly options: ConnectionOptions,
    logger: Logger,
  ) {
    this.address = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.logger = logger;
    this.splitter = new FrameSplitter(options.maxFrameBytes, options.frames);
    this.metrics = options.metrics ?? new BrokerMetrics();
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.stopping = new Promise((resolve) => (this.resolveStopping = resolve));
    void this.stopping.then(() => this.stopController.abort());
    void this.closed.then(() => this.resolveStopping());
    this.info = {
      clientAddress: this.address,
      listenerName: options.listenerName,
      closed: this.stopping,
      stopSignal: this.stopController.signal,
      securityProtocol: options.securityProtocol ?? 'PLAINTEXT',
      clientHost: socket.remoteAddress ?? '?',
      principal: options.principal ?? ANONYMOUS,
    };
    if (options.authenticator) this.splitter.setLimit(options.authenticator.maxFrameBytes ?? options.maxFrameBytes, 'sasl.server.max.receive.size');
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) this.scheduleIdleCheck(options.idleTimeoutMs);
    if (!this.startReusedBufferReads()) socket.on('data', (chunk: Buffer) => this.onData(chunk, false));
    socket.on('drain', () => {
      // A client taking a large response slowly is making progress, not idling.
      this.lastActivity = Date.now();
      this.maybeResume();
    });
    socket.on('error', (err) => this.logger.debug({ client: this.address, err: err.message }, 'socket error'));
    socket.on('close', () => this.onClosed());
  }

  /** Reads without a new Buffer per read where the listener offers a way to; false: use 'data' events. */
  private startReusedBufferReads(): boolean {
    const { inPlaceReads, frameReads } = this.options;
    if (inPlaceReads !== undefined) return inPlaceReads((bytes) => this.onData(bytes, true));
    if (frameReads === undefined) return false;
    return frameReads({
      directBuffer: () => (this.stopRequested ? null : this.splitter.directTarget(SHARED_READ_BYTES)),
      directBytes: (count) => this.onDirectBytes(count),
      sharedBytes: (bytes) => this.onData(bytes, true),
    });
  }

  /** Date.now() of the connection's last request, response or work: the least recent goes first when over max.connections. */
  get lastActiveMs(): number {
    return this.lastActivity;
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Response bytes written but not yet taken by the kernel: what a client that stops reading costs us. */
  get outputBacklogBytes(): number {
    return this.socket.writableLength;
  }

  close(reason: string, level: 'debug' | 'info' | 'warn' | 'error' = 'warn', details: Record<string, unknown> = {}): void {
    if (this.closedFlag) return;
    this.logger[level]({ client: this.address, listener: this.options.listenerName, ...details }, `closing connection: ${reason}`);
    this.closedFlag = true;
    this.clearIdleTimer();
    this.socket.destroy();
    this.resolveClosed();
  }

  private scheduleIdleCheck(delayMs: number): void {
    // Timers overflow past 2^31-1 ms and would fire at once; a longer idle limit is simply checked more than once.
    this.idleTimer = setTimeout(() => this.checkIdle(), Math.min(delayMs, MAX_TIMER_MS));
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private checkIdle(): void {
    this.idleTimer = null;
    if (this.closedFlag) return;
    const now = Date.now();
    if (this.handling) this.lastActivity = now;
    const idleFor = now - this.lastActivity;
    const limit = this.options.idleTimeoutMs;
    if (idleFor >= limit) {
      this.close('idle for connections.max.idle.ms', 'debug', {
        idleMs: idleFor,
        partialFrameBytes: this.splitter.bufferedBytes,
      });
      return;
    }
    this.scheduleIdleCheck(limit - idleFor);
  }

  /**
   * Graceful stop: reads no more requests, lets the request in progress finish (a waiting fetch answers with what
   * it has) and flushes its response, then closes. Resolves once the socket is closed.
   */
  shutdown(): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    this.stopRequested = true;
    this.socket.pause();
    this.queue.length = 0;
    this.resolveStopping();
    if (!this.processing) {
      this.socket.end();
      this.socket.destroySoon();
    } else {
      this.draining = () => {
        this.socket.end();
        this.socket.destroySoon();
      };
    }
    return this.closed;
  }

  private onClosed(): void {
    if (!this.closedFlag) {
      const reason = this.stopRequested ? 'closing connection: broker shutting down' : 'connection closed by client';
      this.logger.debug({ client: this.address, listener: this.options.listenerName }, reason);
    }
    this.clearIdleTimer();
    this.closedFlag = true;
    this.queue.length = 0;
    this.resolveClosed();
  }

  /** `transient`: the chunk's memory is reused after this call, so the splitter copies what it keeps. */
  private onData(chunk: Buffer, transient: boolean): void {
    if (this.stopRequested) return;
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk, transient);
    } catch (err) {
      if (err instanceof FrameSizeError) {
        this.close(err.message);
        return;
      }
      throw err;
    }
    if (frames.length > 0) this.enqueue(frames);
  }

  /** `count` bytes were read straight into the frame the splitter is assembling. */
  private onDirectBytes(count: number): void {
    if (this.stopRequested) return;
    const frame = this.splitter.filledDirectly(count);
    if (frame !== null) this.enqueue([frame]);
  }

  private enqueue(frames: readonly Buffer[]): void {
    this.lastActivity = Date.now();
    for (const f of frames) this.queue.push(f);
    if (this.queue.length > MAX_QUEUED_FRAMES) this.socket.pause();
    if (!this.processing) void this.processQueue();
  }

  private maybeResume(): void {
    if (!this.closedFlag && this.queue.length <= MAX_QUEUED_FRAMES && !this.socket.writableNeedDrain && this.unmuted()) {
      this.socket.resume();
    }
  }

  /** Whether a throttle's mute is over; 0 means none is set, which spares a clock read per request. */
  private unmuted(): boolean {
    return this.mutedUntil === 0 || Date.now() >= this.mutedUntil;
  }

  private async processQueue(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.closedFlag && !this.stopRequested && this.unmuted()) {
        if (this.socket.writableNeedDrain) {
          this.socket.pause();
          await this.writable();
          continue;
        }
        const pending = this.options.startPending?.();
        if (pending !== undefined && requestApiKey(this.queue[0]) !== API_VERSIONS_API_KEY) {
          try {
            await pending;
          } catch {
            this.close('the broker failed to start', 'debug');
            return;
          }
          continue;
        }
        const frame = this.queue.shift() as Buffer;
        this.handling = true;
        try {
          // A request answered at once costs no promise here; one whose handler waits (an append, a long-poll) is
          // awaited, so the next request starts only after its response was written: responses stay in order.
          const waiting = this.handleFrame(frame);
          if (waiting !== undefined) await waiting;
        } finally {
          this.handling = false;
          this.lastActivity = Date.now();
        }
        if (this.socket.writableNeedDrain) this.socket.pause();
        else this.maybeResume();
      }
    } catch (err) {
      // handleFrame contains its own failures; anything reaching here is a bug, and must not become an
      // unhandled rejection that takes the whole broker down.
      this.close('internal error while serving the connection', 'error', { err });
    } finally {
      this.processing = false;
      if (this.draining) this.draining();
    }
  }

  /** Decodes and dispatches one request; returns a promise only while its handler is still working on it. */
  private handleFrame(frame: Buffer): Promise<void> | undefined {
    const authenticator = this.options.authenticator;
    if (authenticator !== undefined && !this.passesAuthentication(authenticator, frame)) return undefined;
    const reader = new Reader(frame);
    let header: RequestHeader;
    try {
      header = decodeRequestHeader(reader);
    } catch (err) {
      this.close('malformed request header', 'warn', { error: (err as Error).message });
      return undefined;
    }
    const handler = this.options.handlers.get(header.apiKey);
    if (!handler) {
      this.close(`unknown API key ${header.apiKey}`, 'warn', { apiKey: header.apiKey, clientId: header.clientId });
      return undefined;
    }
    if (header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      if (header.apiKey === API_VERSIONS_API_KEY) {
        this.sendApiVersionsFallback(header);
        return undefined;
      }
      this.close(`unsupported version ${header.apiVersion} of API ${header.apiKey}`, 'warn', {
        apiKey: header.apiKey,
        apiVersion: header.apiVersion,
        supported: `${handler.minVersion}-${handler.maxVersion}`,
        clientId: header.clientId,
      });
      return undefined;
    }
    this.requestStartedAt = this.metrics.requestStarted(header.apiKey, header.apiVersion, frame.length + SIZE_PREFIX_BYTES);
    let request: unknown;
    try {
      request = handler.decodeRequest(reader, header.apiVersion);
    } catch (err) {
      const reason = err instanceof ProtocolDecodeError ? 'malformed request' : 'request could not be decoded';
      this.close(reason, 'warn', { apiKey: header.apiKey, apiVersion: header.apiVersion, error: (err as Error).message });
      return undefined;
    }
    const scope = this.options.newRequestScope(header, this.info, frame.length);
    // The request quota counts the handler's own time, not what it waits for (an append, a long-poll).
    const started = this.options.quotas?.timesRequests === true ? process.hrtime.bigint() : null;
    let outcome: unknown;
    try {
      outcome = handler.handle(request, scope);
    } catch (err) {
      this.handlerFailed(header, scope, err);
      return undefined;
    }
    const handlerNanos = started === null ? 0 : Number(process.hrtime.bigint() - started);
    if (!(outcome instanceof Promise)) {
      // A produce its appends answered at once: the handler runs in this turn, before the promise jobs of the
      // fetches its appends woke, so its answer waits for them through one microtask first.
      if (header.apiKey === PRODUCE_API_KEY) return this.respondAtEndOfTick(handler, header, scope, outcome, handlerNanos, frame, true);
      this.respond(handler, header, scope, outcome, handlerNanos);
      return undefined;
    }
    return outcome.then(
      (response: unknown) =>
        header.apiKey === PRODUCE_API_KEY
          ? this.respondAtEndOfTick(handler, header, scope, response, handlerNanos, frame, false)
          : this.respond(handler, header, scope, response, handlerNanos),
      (err: unknown) => this.handlerFailed(header, scope, err),
    );
  }

  /**
   * Lets the SASL exchange see a frame first: true when the frame goes on to its handler, false when the exchange
   * answered it (or closed the connection) itself.
   */
  private passesAuthentication(authenticator: SaslAuthenticator, frame: Buffer): boolean {
    const wasAuthenticated = authenticator.authenticated;
    const decision: AuthDecision = authenticator.onFrame(frame);
    if (authenticator.authenticated !== wasAuthenticated || authenticator.principal !== null) {
      this.info.principal = authenticator.principal ?? this.info.principal;
      this.splitter.setLimit(
        authenticator.maxFrameBytes ?? this.options.maxFrameBytes,
        authenticator.authenticated ? 'socket.request.max.bytes' : 'sasl.server.max.receive.size',
      );
    }
    if (authenticator.authenticated && !wasAuthenticated) this.logger.debug({ client: this.address, principal: authenticator.describe() }, 'authenticated');
    if (decision.kind === 'dispatch') return true;
    if (decision.kind === 'reply') {
      const writer = frameWriter();
      decision.encode(writer);
      this.writeFrame(writer);
    }
    const close = decision.kind === 'close' ? decision.close : decision.thenClose;
    if (close !== undefined) this.closeAfterWrites(close.reason, close.level, close.details);
    return false;
  }

  /** Closes once what was written has left: an authentication failure's answer reaches the client first, as in Kafka. */
  private closeAfterWrites(reason: string, level: 'debug' | 'info' | 'warn', details: Record<string, unknown> = {}): void {
    if (this.closedFlag) return;
    this.logger[level]({ client: this.address, listener: this.options.listenerName, ...details }, `closing connection: ${reason}`);
    this.closedFlag = true;
    this.clearIdleTimer();
    this.socket.end(() => this.socket.destroy());
    // A client that stops reading cannot keep the socket: it goes regardless after a moment.
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    this.resolveClosed();
  }

  /**
   * A produce acknowledgement leaves once this tick's promise jobs have run, and with them the fetches its append
   * woke: consumers waiting for the records are answered first. On a busy machine the write that wakes the
   * producer's client thread can hand that thread the CPU before the consumer's answer is out. The ack moves by
   * microseconds within the same tick, and the next request on this connection starts only after it is written.
   *
   * `fromTurn`: called from the turn that ran the handler, not from a promise job; a next tick queued there would
   * run before this turn's promise jobs, so it is queued from a microtask instead, which runs after the jobs the
   * handler queued (a woken fetch's continuation) and queues its own before the tick: the order is the same.
   *
   * The request's frame goes back to the pool then: the handler has settled, so every append of it was written (or
   * refused), nothing in the answer points into it, and what storage keeps of it (tail-cache views) holds its own
   * reference. Other APIs' frames are never given back: their handlers may keep views (group member metadata, say),
   * and those frames are rarely large. A handler that failed leaves its frame to the garbage collector too.
   */
  private respondAtEndOfTick(
    handler: ApiHandler,
    header: RequestHeader,
    scope: RequestScope,
    response: unknown,
    handlerNanos: number,
    frame: Buffer,
    fromTurn: boolean,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const answer = (): void => {
        try {
          this.respond(handler, header, scope, response, handlerNanos);
          this.options.frames?.release(frame);
          resolve();
        } catch (err) {
          reject(err);
        }
      };
      if (fromTurn) queueMicrotask(() => process.nextTick(answer));
      else process.nextTick(answer);
    });
  }

  private handlerFailed(header: RequestHeader, scope: RequestScope, err: unknown): void {
    scope.release();
    this.close('handler failed', 'error', { apiKey: header.apiKey, apiVersion: header.apiVersion, clientId: header.clientId, err });
  }

  /** Encodes and writes a handler's response (null: none); the scope's resources go once the socket is done with it. */
  private respond(handler: ApiHandler, header: RequestHeader, scope: RequestScope, answer: unknown, handlerNanos = 0): void {
    const settled = this.options.quotas?.settle(scope, answer, handlerNanos);
    const response = settled === undefined ? answer : settled.response;
    if (settled !== undefined && settled.throttleMs > 0) this.muteFor(settled.throttleMs);
    if (response === null || response === CLOSE_CONNECTION || this.closedFlag) {
      scope.release();
      if (response === CLOSE_CONNECTION) this.close('a request without a response failed', 'debug', { apiKey: header.apiKey, clientId: header.clientId });
      else this.metrics.requestCompleted(header.apiKey, this.requestStartedAt, 0, null);
      return;
    }
    const writer = frameWriter();
    writer.dropsAbsentFields = true;
    try {
      encodeResponseHeader(writer, header.apiKey, header.apiVersion, header.correlationId);
      handler.encodeResponse(response, writer, header.apiVersion);
    } catch (err) {
      scope.release();
      this.close('response encoding failed', 'error', { apiKey: header.apiKey, apiVersion: header.apiVersion, err });
      return;
    }
    try {
      this.writeFrame(writer, scope.holdsResources ? () => scope.release() : undefined);
    } catch (err) {
      scope.release();
      throw err;
    }
    this.metrics.requestCompleted(header.apiKey, this.requestStartedAt, writer.length, response);
  }

  /**
   * A throttled client's next requests wait unread until its throttle time has passed, as Kafka mutes the channel
   * (KIP-219): the answer already went out, the socket stops being read, and reading resumes when the time is up.
   */
  private muteFor(ms: number): void {
    this.mutedUntil = Math.max(this.mutedUntil, Date.now() + ms);
    this.socket.pause();
    if (this.unmuteTimer === null) this.scheduleUnmute();
  }

  private scheduleUnmute(): void {
    this.unmuteTimer = setTimeout(
      () => {
        if (Date.now() < this.mutedUntil) return this.scheduleUnmute();
        this.unmuteTimer = null;
        this.mutedUntil = 0;
        this.maybeResume();
        if (!this.processing && this.queue.length > 0) void this.processQueue();
      },
      Math.max(1, this.mutedUntil - Date.now()),
    );
    this.unmuteTimer.unref();
  }

  /** Resolves once the socket has room for more output again, or is closed. */
  private writable(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  private sendApiVersionsFallback(header: RequestHeader): void {
    const writer = frameWriter();
    writer.writeInt32(header.correlationId);
    this.options.apiVersionsFallback(writer);
    this.writeFrame(writer);
  }

  /**
   * Writes a frame built by a `frameWriter`: its size goes into the 4 bytes reserved at its start, so a small
   * response leaves as one buffer without being copied (or, up to COALESCE_MAX_BYTES, copied once into one), and a
   * larger fetch response's batches follow as further chunks of one vectored write. `onWritten` runs once the socket is done with every chunk: Node calls write callbacks in
   * order, after the bytes reached the kernel or the write failed on a closed socket.
   */
  private writeFrame(writer: Writer, onWritten?: () => void): void {
    this.lastActivity = Date.now();
    const chunks = writer.toChunks();
    chunks[0].writeInt32BE(writer.length - SIZE_PREFIX_BYTES, 0);
    if (chunks.length === 1) {
      this.socket.write(chunks[0], onWritten);
      return;
    }
    if (writer.length <= COALESCE_MAX_BYTES) {
      this.socket.write(Buffer.concat(chunks, writer.length), onWritten);
      return;
    }
    this.socket.cork();
    for (let i = 0; i < chunks.length; i++) this.socket.write(chunks[i], i === chunks.length - 1 ? onWritten : undefined);
    this.socket.uncork();
  }
}

/** A response writer whose first 4 bytes are the frame's size prefix, filled in by writeFrame. */
function frameWriter(): Writer {
  const writer = new Writer();
  writer.writeInt32(0);
  return writer;
}
