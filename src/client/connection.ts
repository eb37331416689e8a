// One TCP connection from a tool to a broker: requests go out encoded with Eddy's generated codecs and may be
// pipelined (several in flight, answered in order, matched by correlation id); responses are cut from the byte
// stream by the broker's own FrameSplitter. Requests with acks=0 have no answer and are not waited for.
import * as net from 'net';
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import { encodeRequestHeader, responseHeaderVersion } from '../../codecs/protocol/headers';
import { FrameSplitter } from '../network/frame-splitter';
import { BrokerUnreachableError, ClientProtocolError } from './errors';

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

/** Largest response accepted: Fetch answers are bounded by the max bytes the tools ask for, far below this. */
const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

export function formatAddress(address: BrokerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** "host:port" (IPv6 in brackets) to an address; throws with the text it could not read. */
export function parseAddress(text: string): BrokerAddress {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text.trim());
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || match[1] === '' || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`a broker address is host:port, got "${text}"`);
  }
  return { host: match[1], port };
}

interface InFlight {
  readonly correlationId: number;
  readonly decode: (reader: Reader) => unknown;
  readonly headerVersion: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
}

export class BrokerConnection {
  private readonly splitter = new FrameSplitter(MAX_RESPONSE_BYTES);
  private readonly inFlight: InFlight[] = [];
  private nextCorrelationId = 1;
  private failure: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    readonly address: BrokerAddress,
    private readonly clientId: string,
    private readonly requestTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.fail(new BrokerUnreachableError(formatAddress(address), err.message)));
    socket.on('close', () => this.fail(new BrokerUnreachableError(formatAddress(address), 'the broker closed the connection')));
  }

  static open(address: BrokerAddress, clientId: string, timeoutMs: number): Promise<BrokerConnection> {
    const where = formatAddress(address);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address.host, port: address.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new BrokerUnreachableError(where, `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new BrokerConnection(socket, address, clientId, timeoutMs));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new BrokerUnreachableError(where, connectFailureReason(err)));
      });
    });
  }

  /**
   * Sends a request and resolves with its decoded answer, failing the connection when none comes within
   * `timeoutMs` (the connection's request timeout unless a request is known to wait longer, as JoinGroup does).
   */
  request<Res, Init>(
    request: MessageCodec<unknown, Init>,
    response: MessageCodec<Res, unknown>,
    version: number,
    body: Init,
    timeoutMs: number = this.requestTimeoutMs,
  ): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      if (this.failure !== null) {
        reject(this.failure);
        return;
      }
      const correlationId = this.write(request, version, body);
      const timer = setTimeout(() => {
        this.fail(new BrokerUnreachableError(formatAddress(this.address), `no answer to ${request.name} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.inFlight.push({
        correlationId,
        decode: (reader) => response.decode(reader, version),
        headerVersion: responseHeaderVersion(request.apiKey, version),
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Res);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  /** Sends a request the broker does not answer (Produce with acks=0); resolves once the socket took the bytes. */
  sendOneWay<Init>(request: MessageCodec<unknown, Init>, version: number, body: Init): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.write(request, version, body);
    return new Promise((resolve) => {
      if (!this.socket.writableNeedDrain) resolve();
      else this.socket.once('drain', () => resolve());
    });
  }

  /** Ends the connection once what was written has gone out (acks=0 requests have no answer to wait for). */
  close(): void {
    this.failure ??= new BrokerUnreachableError(formatAddress(this.address), 'the connection was closed');
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private write<Init>(request: MessageCodec<unknown, Init>, version: number, body: Init): number {
    const correlationId = this.nextCorrelationId++;
    const writer = new Writer();
    // The tools build one body per request and let each version take the fields it has (see Writer).
    writer.dropsAbsentFields = true;
    writer.writeInt32(0);
    encodeRequestHeader(writer, { apiKey: request.apiKey, apiVersion: version, correlationId, clientId: this.clientId });
    request.encode(body, writer, version);
    const frame = writer.toBuffer();
    frame.writeInt32BE(frame.length - 4, 0);
    this.socket.write(frame);
    return correlationId;
  }

  private receive(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      this.fail(new ClientProtocolError(`unreadable answer from ${formatAddress(this.address)}: ${String(err)}`));
      return;
    }
    for (const frame of frames) this.deliver(frame);
  }

  private deliver(frame: Buffer): void {
    const waiting = this.inFlight.shift();
    if (waiting === undefined) return;
    try {
      const reader = new Reader(frame);
      const correlationId = reader.readInt32();
      if (correlationId !== waiting.correlationId) {
        throw new ClientProtocolError(`answer for correlation id ${correlationId}, expected ${waiting.correlationId}`);
      }
      if (waiting.headerVersion >= 1) reader.readTaggedFields();
      waiting.resolve(waiting.decode(reader));
    } catch (err) {
      waiting.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private fail(err: Error): void {
    if (this.failure === null) this.failure = err;
    this.socket.destroy();
    for (const waiting of this.inFlight.splice(0)) waiting.reject(this.failure);
  }
}

function connectFailureReason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is a broker running there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    default:
      return err.message;
  }
}
