// One client connection: frames in, requests handled one at a time in arrival order (as Kafka does, which keeps
// a producer's pipelined batches in order), responses written in the same order. Bad input closes only this
// connection, with one log line naming the client and the API.
import type { Socket } from 'net';
import { Reader, ProtocolDecodeError } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import { decodeRequestHeader, encodeResponseHeader, RequestHeader } from '../../codecs/protocol/headers';
import { FrameSizeError, FrameSplitter } from './frame-splitter';
import type { ApiHandler, RequestContext } from '../api/handler';
import type { Broker } from '../broker';
import type { Logger } from '../logger';

export interface ConnectionOptions {
  readonly maxFrameBytes: number;
  readonly idleTimeoutMs: number;
  readonly listenerName: string;
  readonly handlers: ReadonlyMap<number, ApiHandler>;
  /** Encodes the KIP-511 answer to an ApiVersions request of a version we do not serve. */
  readonly apiVersionsFallback: (writer: Writer) => void;
}

/** Frames queued beyond this pause reading from the socket until the broker catches up. */
const MAX_QUEUED_FRAMES = 64;

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
  private readonly logger: Logger;
  private resolveClosed!: () => void;
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly broker: Broker,
    private readonly options: ConnectionOptions,
    logger: Logger,
  ) {
    this.address = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.logger = logger;
    this.splitter = new FrameSplitter(options.maxFrameBytes);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.stopping = new Promise((resolve) => (this.resolveStopping = resolve));
    void this.closed.then(() => this.resolveStopping());
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) {
      socket.setTimeout(options.idleTimeoutMs, () => this.close('idle for connections.max.idle.ms', 'debug'));
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (err) => this.logger.debug({ client: this.address, err: err.message }, 'socket error'));
    socket.on('close', () => this.onClosed());
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  close(reason: string, level: 'debug' | 'info' | 'warn' = 'warn', details: Record<string, unknown> = {}): void {
    if (this.closedFlag) return;
    this.logger[level]({ client: this.address, listener: this.options.listenerName, ...details }, `closing connection: ${reason}`);
    this.closedFlag = true;
    this.socket.destroy();
    this.resolveClosed();
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
    this.closedFlag = true;
    this.queue.length = 0;
    this.resolveClosed();
  }

  private onData(chunk: Buffer): void {
    if (this.stopRequested) return;
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      if (err instanceof FrameSizeError) {
        this.close(err.message);
        return;
      }
      throw err;
    }
    if (frames.length === 0) return;
    for (const f of frames) this.queue.push(f);
    if (this.queue.length > MAX_QUEUED_FRAMES) this.socket.pause();
    if (!this.processing) void this.processQueue();
  }

  private maybeResume(): void {
    if (!this.closedFlag && this.queue.length <= MAX_QUEUED_FRAMES && !this.socket.writableNeedDrain) {
      this.socket.resume();
    }
  }

  private async processQueue(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.closedFlag && !this.stopRequested) {
        const frame = this.queue.shift() as Buffer;
        await this.handleFrame(frame);
        if (this.socket.writableNeedDrain) this.socket.pause();
        else this.maybeResume();
      }
    } finally {
      this.processing = false;
      if (this.draining) this.draining();
    }
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    const reader = new Reader(frame);
    let header: RequestHeader;
    try {
      header = decodeRequestHeader(reader);
    } catch (err) {
      this.close('malformed request header', 'warn', { error: (err as Error).message });
      return;
    }
    const handler = this.options.handlers.get(header.apiKey);
    if (!handler) {
      this.close(`unknown API key ${header.apiKey}`, 'warn', { apiKey: header.apiKey, clientId: header.clientId });
      return;
    }
    if (header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      if (header.apiKey === 18) {
        this.sendApiVersionsFallback(header);
        return;
      }
      this.close(`unsupported version ${header.apiVersion} of API ${header.apiKey}`, 'warn', {
        apiKey: header.apiKey,
        apiVersion: header.apiVersion,
        supported: `${handler.minVersion}-${handler.maxVersion}`,
        clientId: header.clientId,
      });
      return;
    }
    let request: unknown;
    try {
      request = handler.decodeRequest(reader, header.apiVersion);
    } catch (err) {
      const reason = err instanceof ProtocolDecodeError ? 'malformed request' : 'request could not be decoded';
      this.close(reason, 'warn', { apiKey: header.apiKey, apiVersion: header.apiVersion, error: (err as Error).message });
      return;
    }
    const ctx: RequestContext = {
      apiKey: header.apiKey,
      apiVersion: header.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      clientAddress: this.address,
      listenerName: this.options.listenerName,
      broker: this.broker,
      logger: this.logger,
      closed: this.stopping,
    };
    let response: unknown | null;
    try {
      response = await handler.handle(request, ctx);
    } catch (err) {
      this.logger.error(
        { client: this.address, apiKey: header.apiKey, apiVersion: header.apiVersion, err },
        'handler failed; closing connection',
      );
      this.close('handler failed', 'debug');
      return;
    }
    if (response === null || this.closedFlag) return;
    const writer = new Writer();
    writer.dropsAbsentFields = true;
    try {
      encodeResponseHeader(writer, header.apiKey, header.apiVersion, header.correlationId);
      handler.encodeResponse(response, writer, header.apiVersion);
    } catch (err) {
      this.logger.error({ client: this.address, apiKey: header.apiKey, apiVersion: header.apiVersion, err }, 'response encoding failed');
      this.close('response encoding failed', 'debug');
      return;
    }
    this.writeFrame(writer);
  }

  private sendApiVersionsFallback(header: RequestHeader): void {
    const writer = new Writer();
    writer.writeInt32(header.correlationId);
    this.options.apiVersionsFallback(writer);
    this.writeFrame(writer);
  }

  private writeFrame(writer: Writer): void {
    const size = Buffer.allocUnsafe(4);
    size.writeInt32BE(writer.length, 0);
    const chunks = writer.toChunks();
    if (chunks.length === 1) {
      this.socket.write(Buffer.concat([size, chunks[0]]));
      return;
    }
    this.socket.cork();
    this.socket.write(size);
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }
}
