// Reads a plaintext socket without a Buffer per read: the rest of a large frame goes straight from the kernel into
// that frame's own buffer, everything else into one buffer shared by every such socket.
//
// Why: with 'data' events Node allocates a fresh 64 KiB buffer for every read, and the frame splitter then copies
// each of them into the frame being assembled. A 1 MiB produce request cost 2 MiB of fresh off-heap memory that
// way; V8 counts that memory towards its next full GC (9 major GCs per 500 such requests, about a quarter of the
// broker's CPU at 1 KB records). Reading into the frame's buffer costs its 1 MiB alone and no copy.
//
// Node reads into a caller's buffer when a socket has `onread`, with an optional generator naming each next read's
// buffer; accepted sockets are built by net.Server without that option, so it is switched on (socket-read-slots.ts):
// the generator lets reads follow the frame splitter's state. When this Node does not have the slots, nothing
// changes and the caller reads 'data' events as before.
//
// Bytes read into the shared buffer are valid only during the call (the splitter copies what it keeps, in transient
// mode); bytes read into a frame's buffer are that frame's, which the splitter hands out once it is complete.
import type { Socket } from 'net';
import { readIntoUserBuffers, SHARED_READ_BYTES, sharedReadBuffer } from './socket-read-slots';

/** Where a connection's reads go, and what it is told after each. */
export interface FrameReadTarget {
  /** The rest of a large frame being assembled, for the next read to fill; null: the shared buffer. */
  directBuffer(): Buffer | null;
  /** `count` bytes landed in the buffer the last `directBuffer()` gave. */
  directBytes(count: number): void;
  /** Bytes read into the shared buffer: valid during the call only. */
  sharedBytes(bytes: Buffer): void;
}

/** Starts frame reads on a socket; false when this Node offers no way to, and 'data' events must be used. */
export type FrameReader = (target: FrameReadTarget) => boolean;

/**
 * The shared buffer's size, large enough for many small requests per read (a read syscall and a callback each). Also
 * the least a frame must still miss for its rest to be read directly: a shorter rest is copied from the shared
 * buffer, arriving with whatever follows it in one read rather than in a read of its own.
 */
export { SHARED_READ_BYTES };

/** Switches `socket` to frame reads; bytes it had already buffered are delivered first, on the next tick. */
export function readFrames(socket: Socket, target: FrameReadTarget): boolean {
  const sharedBuffer = sharedReadBuffer();
  // Whether the buffer the handle reads into now is a frame's (set each time the next one is chosen).
  let direct = false;
  return readIntoUserBuffers(socket, sharedBuffer, {
    onRead: (length, buffer) => {
      if (direct) target.directBytes(length);
      else target.sharedBytes(buffer.subarray(0, length));
    },
    // Node calls this after every read callback and reads next into what it returns (kept alive in kBuffer).
    nextBuffer: () => {
      const frame = target.directBuffer();
      direct = frame !== null;
      return frame ?? sharedBuffer;
    },
    onEarlyBytes: (bytes) => target.sharedBytes(bytes),
  });
}

/** A FrameReader for one accepted plaintext socket. */
export function frameReader(socket: Socket): FrameReader {
  return (target) => readFrames(socket, target);
}
