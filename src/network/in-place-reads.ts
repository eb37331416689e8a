// Reads a TLS socket's decrypted bytes into one buffer shared by every such socket, instead of a new Buffer per read.
//
// Why: Node's TLS layer hands JavaScript one chunk per TLS record it decrypts, each in a freshly allocated buffer.
// librdkafka writes a produce request as one TLS record per piece of its request buffer, and with 1 KB values
// about a third of the values travel as a TLS record of their own followed by one of ~10 bytes of record header:
// 600–800 TLS records per MB, against ~16 reads per MB over plaintext (see bench/workloads/tls.ts). Allocating a buffer for each (with the stream
// machinery around it and the garbage it leaves) was most of what TLS added to the broker's CPU per MB.
//
// Node reads into a caller's buffer when a socket is created with `onread` (net.Socket, tls.connect), but
// tls.Server builds its sockets itself without that option. The same mechanism is switched on here after the
// handshake: the socket's handle gets the shared buffer, and the socket's own read callback slot gets ours
// (net.Socket keeps both under symbols, kBuffer and kBufferCb, and honours them in pause/resume and on EOF). When
// this Node does not have them, nothing changes and the caller reads 'data' events as before.
//
// The bytes passed on are valid only during the call: the consumer copies what it keeps before returning (the
// frame splitter does, in transient mode), so one buffer serves every connection on the single JS thread.
import type { Socket } from 'net';

/** Starts in-place reads on a socket; false when this Node offers no way to, and 'data' events must be used. */
export type InPlaceReader = (onBytes: (bytes: Buffer) => void) => boolean;

/** A TLS record holds at most 16 KB of plaintext, and Node passes at most one record per read. */
const SHARED_BUFFER_BYTES = 64 * 1024;

let shared: Buffer | null = null;

interface ReadHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
}

type SymbolSlots = Record<symbol, unknown>;

function ownSymbol(socket: Socket, description: string): symbol | undefined {
  return Object.getOwnPropertySymbols(socket).find((s) => s.description === description);
}

/** Switches `socket` to in-place reads; bytes it had already buffered are delivered first, on the next tick. */
export function readInPlace(socket: Socket, onBytes: (bytes: Buffer) => void): boolean {
  const handle = (socket as unknown as { _handle: ReadHandle | null })._handle;
  const bufferSlot = ownSymbol(socket, 'kBuffer');
  const callbackSlot = ownSymbol(socket, 'kBufferCb');
  if (handle === null || typeof handle.useUserBuffer !== 'function' || bufferSlot === undefined || callbackSlot === undefined) return false;
  const slots = socket as unknown as SymbolSlots;
  if (slots[bufferSlot] !== null || slots[callbackSlot] !== null) return false;
  // Records decrypted with the handshake, before anyone listened, wait in the stream's buffer.
  const early = socket.readableLength > 0 ? (socket.read() as Buffer | null) : null;
  const buffer = (shared ??= Buffer.allocUnsafe(SHARED_BUFFER_BYTES));
  slots[bufferSlot] = buffer;
  slots[callbackSlot] = (length: number): void => onBytes(buffer.subarray(0, length));
  handle.useUserBuffer(buffer);
  if (early !== null) process.nextTick(() => onBytes(early));
  // Reading may have stopped while nobody consumed the early records; resuming restarts it, now into the buffer.
  socket.resume();
  return true;
}

/** An InPlaceReader for one accepted socket. */
export function inPlaceReader(socket: Socket): InPlaceReader {
  return (onBytes) => readInPlace(socket, onBytes);
}
