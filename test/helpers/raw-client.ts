// A minimal Kafka client over a real socket, built on Eddy's own codecs, for protocol edge cases that real
// clients never send (bad versions, malformed frames, exact error codes). Real-client behaviour is tested with
// kafkajs, kcat and librdkafka elsewhere.
import * as net from 'net';
import { Reader } from '../../codecs/primitives/reader';
import { Writer } from '../../codecs/primitives/writer';
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import { requestHeaderVersion, responseHeaderVersion } from '../../codecs/protocol/headers';

export class RawClient {
  private buffered = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes still missing before the buffered data holds a complete frame (or a complete size prefix). */
  private needed = 4;
  private waiters: Array<(frame: Buffer | null) => void> = [];
  private frames: Buffer[] = [];
  private correlation = 1;
  private ended = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      // Chunks wait in a list until the frame they belong to is complete: concatenating on every chunk would copy a
      // multi-megabyte response quadratically.
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.needed) return;
      this.buffered = Buffer.concat([this.buffered, ...this.pending]);
      this.pending = [];
      this.pendingBytes = 0;
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        this.deliver(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.needed = this.buffered.length >= 4 ? 4 + this.buffered.readInt32BE(0) - this.buffered.length : 4 - this.buffered.length;
    });
    const end = (): void => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(null);
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private deliver(frame: Buffer): void {
    const w = this.waiters.shift();
    if (w) w(frame);
    else this.frames.push(frame);
  }

  /** The next response frame, or null when the broker closed the connection. */
  nextFrame(timeoutMs = 5000): Promise<Buffer | null> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response in time')), timeoutMs);
      this.waiters.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  }

  /** Stops reading from the socket, so the broker's writes back up as they do for a slow client. */
  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    this.socket.resume();
  }

  sendRaw(payload: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length, 0);
    this.socket.write(Buffer.concat([size, payload]));
  }

  /** Encodes header + body for (apiKey, version) and sends it; returns the correlation id used. */
  send<Init>(codec: MessageCodec<unknown, Init>, version: number, body: Init, clientId = 'raw-test'): number {
    const correlationId = this.correlation++;
    const w = new Writer();
    w.writeInt16(codec.apiKey);
    w.writeInt16(version);
    w.writeInt32(correlationId);
    w.writeNullableString(clientId);
    if (requestHeaderVersion(codec.apiKey, version) >= 2) w.writeUnsignedVarint(0);
    codec.encode(body, w, version);
    this.sendRaw(w.toBuffer());
    return correlationId;
  }

  async request<Res, Init>(requestCodec: MessageCodec<unknown, Init>, responseCodec: MessageCodec<Res, unknown>, version: number, body: Init): Promise<Res> {
    const correlationId = this.send(requestCodec, version, body);
    const frame = await this.nextFrame();
    if (frame === null) throw new Error('connection closed by broker');
    const r = new Reader(frame);
    const got = r.readInt32();
    if (got !== correlationId) throw new Error(`correlation id ${got}, expected ${correlationId}`);
    if (responseHeaderVersion(requestCodec.apiKey, version) >= 1) r.readTaggedFields();
    return responseCodec.decode(r, version);
  }

  /** Resolves true if the broker closes the connection within the timeout. */
  waitClosed(timeoutMs = 3000): Promise<boolean> {
    if (this.ended) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Runs `body` with a fresh connection to the broker on `port`, closed afterwards whatever happens. */
export async function withRawClient<T>(port: number, body: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(port);
  try {
    return await body(client);
  } finally {
    client.close();
  }
}
