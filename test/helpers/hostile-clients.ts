// What the hostile-client suites share: capture of uncaught errors in the test process, a broker logger that keeps
// its lines in memory, hand-built request frames and plain sockets to send them on.
import * as net from 'net';
import { Writable } from 'stream';
import { Writer } from '../../codecs/primitives/writer';
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import { encodeRequestHeader } from '../../codecs/protocol/headers';
import { createLogger } from '../../src/logger';

/**
 * Registers hooks that record uncaught exceptions and unhandled rejections of the test process while the suite
 * runs; a broker bug that escapes its error handling shows up in the returned list.
 */
export function captureProcessFailures(): string[] {
  const failures: string[] = [];
  const onUncaught = (err: unknown): void => {
    failures.push(`uncaughtException: ${err instanceof Error ? err.stack : String(err)}`);
  };
  const onUnhandled = (reason: unknown): void => {
    failures.push(`unhandledRejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  };
  beforeAll(() => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUnhandled);
  });
  return failures;
}

export interface LogLine {
  level: number;
  msg: string;
  client?: string;
  [key: string]: unknown;
}

/** A broker logger whose JSON lines land in `lines`, so tests can check what was logged per connection. */
export function memoryLogger(lines: LogLine[]): ReturnType<typeof createLogger> {
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done): void {
      for (const text of chunk.toString().split('\n')) {
        if (text.trim() !== '') lines.push(JSON.parse(text) as LogLine);
      }
      done();
    },
  });
  return createLogger('debug', sink);
}

/** The lines that end a connection: one per connection, whoever closed it. */
export function closeLinesFor(lines: readonly LogLine[], client: string): LogLine[] {
  return lines.filter((l) => l.client === client && (l.msg.startsWith('closing connection') || l.msg === 'connection closed by client'));
}

/** Polls a condition every 25 ms until it holds; fails with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A real request (header and body) from Eddy's own codecs, without the size prefix. */
export function requestFrame<Init>(codec: MessageCodec<unknown, Init>, version: number, body: Init, correlationId: number): Buffer {
  const w = new Writer();
  encodeRequestHeader(w, { apiKey: codec.apiKey, apiVersion: version, correlationId, clientId: 'hostile' });
  codec.encode(body, w, version);
  return w.toBuffer();
}

/** Prefixes a request with its INT32 size, as frames go on the wire. */
export function sized(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

/** A plain socket to the broker, for bytes no client library would send. */
export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}
