// A raw client that resends one pre-encoded request frame over one socket, keeping a fixed number unanswered: the
// broker's cost per request without any client library's encoding in the way (faults and flood sections).
import * as net from 'net';
import type { MessageCodec } from '../../codecs/primitives/message-codec';
import { encodeRequestHeader } from '../../codecs/protocol/headers';
import { Writer } from '../../codecs/primitives/writer';

/** One size-prefixed request frame (correlation id 1), encoded once and resent as it is. */
export function requestFrame<Init>(codec: MessageCodec<unknown, Init>, version: number, clientId: string, body: Init): Buffer {
  const writer = new Writer();
  writer.writeInt32(0);
  encodeRequestHeader(writer, { apiKey: codec.apiKey, apiVersion: version, correlationId: 1, clientId });
  codec.encode(body, writer, version);
  const frame = writer.toBuffer();
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

/** Wall and CPU time of this process from the socket's connect to the last answer. */
export interface PipelineTime {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

/**
 * Sends `frame` `count` times to 127.0.0.1:`port` keeping `inFlight` unanswered. `onAnswer` sees each answer (size
 * prefix stripped) and may throw to fail the run; a connection closed before every answer arrived fails it too.
 */
export function pipelineFrame(
  port: number,
  frame: Buffer,
  count: number,
  inFlight: number,
  onAnswer: (answer: Buffer) => void = () => {},
): Promise<PipelineTime> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    let sent = 0;
    let answered = 0;
    let started = 0n;
    let cpu = process.cpuUsage();
    let pending: Buffer = Buffer.alloc(0);
    const send = (): void => {
      sent++;
      socket.write(frame);
    };
    socket.once('error', reject);
    socket.once('close', () => {
      if (answered < count) reject(new Error(`connection closed after ${answered} of ${count} answers`));
    });
    socket.once('connect', () => {
      started = process.hrtime.bigint();
      cpu = process.cpuUsage();
      while (sent < Math.min(inFlight, count)) send();
    });
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      try {
        while (pending.length - at >= 4 && pending.length - at >= 4 + pending.readInt32BE(at)) {
          const size = pending.readInt32BE(at);
          onAnswer(pending.subarray(at + 4, at + 4 + size));
          at += 4 + size;
          answered++;
          if (sent < count) send();
        }
      } catch (err) {
        socket.destroy();
        reject(err);
        return;
      }
      pending = pending.subarray(at);
      if (answered === count) {
        const used = process.cpuUsage(cpu);
        socket.end();
        resolve({ wallSeconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 });
      }
    });
  });
}
