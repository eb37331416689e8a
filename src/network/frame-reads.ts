// Reads a plaintext socket without a Buffer per read: the rest of a large frame goes straight from the kernel into
// that frame's own buffer, everything else into one buffer shared by every such socket.
//
// Why: with 'data' events Node allocates a fresh 64 KiB buffer for every read, and the frame splitter then copies
// each of them into the frame being assembled. A 1 MiB produce request cost 2 MiB of fresh off-heap memory that
// way; V8 counts that memory towards its next full GC (9 major GCs per 500 such requests, about a quarter of the
// broker's CPU at 1 KB records). Reading into the frame's buffer costs its 1 MiB alone and no copy.
//
// Node reads into a caller's buffer when a socket has `onread` (net.Socket keeps the buffer, the callback and an
// optional generator of the next buffer under the symbols kBuffer, kBufferCb and kBufferGen, and honours them in
// pause/resume and on EOF). Accepted sockets are built by net.Server without that option, so it is switched on here:
// after every read the generator names where the next read goes, which lets reads follow the frame splitter's
// state. When this Node does not have the slots, nothing changes and the caller reads 'data' events as before.
//
// Bytes read into the shared buffer are valid only during the call (the splitter copies what it keeps, in transient
// mode); bytes read into a frame's buffer are that frame's, which the splitter hands out once it is complete.
import type { Socket } from 'net';

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
 * Large enough for many small requests per read (a read syscall and a callback each). Also the least a frame must
 * still miss for its rest to be read directly: a shorter rest is copied from here, arriving with whatever follows
 * it in one read rather than in a read of its own.
 */
export const SHARED_READ_BYTES = 64 * 1024;

let shared: Buffer | null = null;

interface ReadHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
}

type SymbolSlots = Record<symbol, unknown>;

function ownSymbol(socket: Socket, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(socket).find((s) => s.description === description);
}

/** Switches `socket` to frame reads; bytes it had already buffered are delivered first, on the next tick. */
export function readFrames(socket: Socket, target: FrameReadTarget): boolean {
  const handle = (socket as unknown as { _handle: ReadHandle | null })._handle;
  const bufferSlot = ownSymbol(socket, 'kBuffer');
  const callbackSlot = ownSymbol(socket, 'kBufferCb');
  const generatorSlot = ownSymbol(socket, 'kBufferGen');
  if (handle === null || typeof handle.useUserBuffer !== 'function' || bufferSlot === undefined || callbackSlot === undefined || generatorSlot === undefined) {
    return false;
  }
  const slots = socket as unknown as SymbolSlots;
  if (slots[bufferSlot] !== null || slots[callbackSlot] !== null || slots[generatorSlot] !== null) return false;
  const early = socket.readableLength > 0 ? (socket.read() as Buffer | null) : null;
  const sharedBuffer = (shared ??= Buffer.allocUnsafeSlow(SHARED_READ_BYTES));
  // Whether the buffer the handle reads into now is a frame's (set each time the next one is chosen).
  let direct = false;
  slots[bufferSlot] = sharedBuffer;
  slots[callbackSlot] = (length: number, buffer: Buffer): void => {
    if (direct) target.directBytes(length);
    else target.sharedBytes(buffer.subarray(0, length));
  };
  // Node calls this after every read callback and reads next into what it returns (kept alive in kBuffer).
  slots[generatorSlot] = (): Buffer => {
    const frame = target.directBuffer();
    direct = frame !== null;
    return frame ?? sharedBuffer;
  };
  handle.useUserBuffer(sharedBuffer);
  if (early !== null) process.nextTick(() => target.sharedBytes(early));
  socket.resume();
  return true;
}

/** A FrameReader for one accepted plaintext socket. */
export function frameReader(socket: Socket): FrameReader {
  return (target) => readFrames(socket, target);
}
