// Plaintext frame reads over a real socket: the rest of each large frame is read straight into its buffer, other
// bytes through one shared buffer; every frame arrives whole and in order however the client's writes cut the
// stream, frames handed out are never overwritten by later reads, bytes sent before the switch come first, pausing
// stops reads, and an oversized size prefix is refused as with 'data' events.
import * as net from 'net';
import { FrameSizeError, FrameSplitter } from '../../../src/network/frame-splitter';
import { readFrames, SHARED_READ_BYTES } from '../../../src/network/frame-reads';

jest.setTimeout(30000);

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

/** A payload whose bytes depend on its index and position, so a misplaced or overwritten byte shows. */
function payload(index: number, length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + index * 7) & 0xff;
  return b;
}

interface Received {
  frames: Buffer[];
  directBytes: number;
  error: Error | null;
}

/**
 * A server whose one connection switches to frame reads after `delayMs`; the client writes `pieces` (each waiting
 * for the previous) and ends. Resolves with what the server assembled once its socket closed.
 */
async function exchange(pieces: Buffer[], opts: { delayMs?: number; maxFrameBytes?: number; pauseMs?: number } = {}): Promise<Received> {
  const received: Received = { frames: [], directBytes: 0, error: null };
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const splitter = new FrameSplitter(opts.maxFrameBytes ?? 8 << 20);
  const server = net.createServer((socket) => {
    socket.on('close', () => {
      server.close();
      resolveClosed();
    });
    const start = (): void => {
      const switched = readFrames(socket, {
        directBuffer: () => splitter.directTarget(SHARED_READ_BYTES),
        directBytes: (count) => {
          received.directBytes += count;
          const done = splitter.filledDirectly(count);
          if (done !== null) received.frames.push(done);
        },
        sharedBytes: (bytes) => {
          try {
            received.frames.push(...splitter.push(bytes, true));
          } catch (err) {
            received.error = err as Error;
            socket.destroy();
            return;
          }
          if (opts.pauseMs !== undefined && received.frames.length === 1) {
            socket.pause();
            setTimeout(() => socket.resume(), opts.pauseMs);
          }
        },
      });
      expect(switched).toBe(true);
    };
    if (opts.delayMs === undefined) start();
    else setTimeout(start, opts.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
  client.on('error', () => undefined);
  await new Promise<void>((resolve) => client.once('connect', resolve));
  client.setNoDelay(true);
  for (const piece of pieces) {
    if (client.destroyed) break;
    await new Promise<void>((resolve) => client.write(piece, () => resolve()));
  }
  client.end();
  await closed;
  client.destroy();
  return received;
}

/** Cuts `stream` at the given sizes in turn (repeating), as a client's writes would. */
function cut(stream: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < stream.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(stream.subarray(at, at + n));
    at += n;
  }
  return out;
}

const LENGTHS = [1 << 20, 10, 0, 300_000, SHARED_READ_BYTES, SHARED_READ_BYTES - 4, SHARED_READ_BYTES * 2 + 1, 5, 2 << 20, 17];

describe('frame reads of plaintext sockets', () => {
  const payloads = LENGTHS.map((length, i) => payload(i, length));
  const stream = Buffer.concat(payloads.map(frame));

  test.each([
    ['one write', [stream.length]],
    ['writes of 1,000 bytes and of 200 KB in turn', [1000, 200_000]],
    ['writes cutting size prefixes', [3, 65_539, 7, 131_075]],
  ])('frames written as %s arrive whole, in order, and untouched by later reads', async (_name, sizes) => {
    const received = await exchange(cut(stream, sizes));
    expect(received.error).toBeNull();
    expect(received.frames.map((f) => f.length)).toEqual(LENGTHS);
    received.frames.forEach((f, i) => expect(f.equals(payloads[i])).toBe(true));
    // Most of the large frames' bytes went straight into their buffers.
    expect(received.directBytes).toBeGreaterThan((3 << 20) / 2);
  });

  test('several small frames per read come back as copies (the shared buffer is reused)', async () => {
    const small = Array.from({ length: 500 }, (_, i) => payload(i, 1 + (i % 90)));
    const received = await exchange([Buffer.concat(small.map(frame))]);
    expect(received.frames).toHaveLength(500);
    received.frames.forEach((f, i) => expect(f.equals(small[i])).toBe(true));
    expect(received.directBytes).toBe(0);
  });

  test('bytes that arrived before the switch come first, and a pause holds reads back without losing any', async () => {
    const received = await exchange(cut(stream, [70_000]), { delayMs: 100, pauseMs: 200 });
    expect(received.frames.map((f) => f.length)).toEqual(LENGTHS);
    received.frames.forEach((f, i) => expect(f.equals(payloads[i])).toBe(true));
  });

  test('an oversized size prefix is refused before anything is read into a frame', async () => {
    const received = await exchange([frame(Buffer.alloc(10)), frame(Buffer.alloc(300_000))], { maxFrameBytes: 100_000 });
    // The small frame may share the refused one's read, and then goes with it (the connection closes either way).
    expect(received.frames.every((f) => f.length === 10)).toBe(true);
    expect(received.error).toBeInstanceOf(FrameSizeError);
    expect(received.directBytes).toBe(0);
  });
});
