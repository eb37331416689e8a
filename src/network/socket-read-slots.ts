// Node's reads into a caller's buffer, switched on for a socket Node built itself (an accepted net or TLS socket).
//
// net.Socket reads into a caller's buffer when made with `onread`; it keeps that buffer, the read callback and an
// optional generator of the next buffer under the symbols kBuffer, kBufferCb and kBufferGen, and honours them in
// pause/resume and on EOF. Servers build their sockets without the option, so the slots are filled here after the
// fact. Both the TLS reads (in-place-reads.ts) and the plaintext frame reads (frame-reads.ts) go through this one
// place, so what they rely on in Node's internals is written once.
import type { Socket } from 'net';

/** Bytes a read lands in the shared buffer are valid only during its callback: every user copies what it keeps. */
export const SHARED_READ_BYTES = 64 * 1024;

let shared: Buffer | null = null;

/** One 64 KiB buffer for every socket read this way: the JS thread runs one read callback at a time. */
export function sharedReadBuffer(): Buffer {
  return (shared ??= Buffer.allocUnsafeSlow(SHARED_READ_BYTES));
}

interface ReadHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
}

type SymbolSlots = Record<symbol, unknown>;

function ownSymbol(socket: Socket, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(socket).find((s) => s.description === description);
}

export interface UserBufferReads {
  /** Called with the read's length and the buffer it went into. */
  readonly onRead: (length: number, buffer: Buffer) => void;
  /** Names the buffer of the next read, after every read callback; absent: always the first buffer. */
  readonly nextBuffer?: () => Buffer;
  /** Bytes the socket had already buffered before the switch, delivered on the next tick. */
  readonly onEarlyBytes: (bytes: Buffer) => void;
}

/**
 * Switches `socket` to reads into `buffer` (and whatever `nextBuffer` names later); false when this Node lacks the
 * slots, or the socket already uses them, and the caller must read 'data' events instead.
 */
export function readIntoUserBuffers(socket: Socket, buffer: Buffer, reads: UserBufferReads): boolean {
  const handle = (socket as unknown as { _handle: ReadHandle | null })._handle;
  const bufferSlot = ownSymbol(socket, 'kBuffer');
  const callbackSlot = ownSymbol(socket, 'kBufferCb');
  const generatorSlot = reads.nextBuffer === undefined ? null : ownSymbol(socket, 'kBufferGen');
  if (handle === null || typeof handle.useUserBuffer !== 'function' || bufferSlot === undefined || callbackSlot === undefined || generatorSlot === undefined) {
    return false;
  }
  const slots = socket as unknown as SymbolSlots;
  if (slots[bufferSlot] !== null || slots[callbackSlot] !== null || (generatorSlot !== null && slots[generatorSlot] !== null)) return false;
  // Bytes that arrived before anyone listened (with a TLS handshake, say) wait in the stream's buffer.
  const early = socket.readableLength > 0 ? (socket.read() as Buffer | null) : null;
  slots[bufferSlot] = buffer;
  slots[callbackSlot] = reads.onRead;
  if (generatorSlot !== null) slots[generatorSlot] = reads.nextBuffer;
  handle.useUserBuffer(buffer);
  if (early !== null) process.nextTick(() => reads.onEarlyBytes(early));
  // Reading may have stopped while nobody consumed the early bytes; resuming restarts it, now into the buffer.
  socket.resume();
  return true;
}
