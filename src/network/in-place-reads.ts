// Reads a TLS socket's decrypted bytes into one buffer shared by every such socket, instead of a new Buffer per read.
//
// Why: Node's TLS layer hands JavaScript one chunk per TLS record it decrypts, each in a freshly allocated buffer.
// librdkafka writes a produce request as one TLS record per piece of its request buffer, and with 1 KB values
// about a third of the values travel as a TLS record of their own followed by one of ~10 bytes of record header:
// 600–800 TLS records per MB, against ~16 reads per MB over plaintext (see bench/workloads/tls.ts). Allocating a buffer for each (with the stream
// machinery around it and the garbage it leaves) was most of what TLS added to the broker's CPU per MB.
//
// Node reads into a caller's buffer when a socket is created with `onread`, but tls.Server builds its sockets
// without that option; it is switched on after the handshake (socket-read-slots.ts). When this Node does not
// offer it, nothing changes and the caller reads 'data' events as before.
//
// The bytes passed on are valid only during the call: the consumer copies what it keeps before returning (the
// frame splitter does, in transient mode), so one buffer serves every connection on the single JS thread.
import type { Socket } from 'net';
import { readIntoUserBuffers, sharedReadBuffer } from './socket-read-slots';

/** Starts in-place reads on a socket; false when this Node offers no way to, and 'data' events must be used. */
export type InPlaceReader = (onBytes: (bytes: Buffer) => void) => boolean;

/** Switches `socket` to in-place reads (a TLS record holds at most 16 KB, and Node passes at most one per read). */
export function readInPlace(socket: Socket, onBytes: (bytes: Buffer) => void): boolean {
  return readIntoUserBuffers(socket, sharedReadBuffer(), {
    onRead: (length, buffer) => onBytes(buffer.subarray(0, length)),
    onEarlyBytes: onBytes,
  });
}

/** An InPlaceReader for one accepted socket. */
export function inPlaceReader(socket: Socket): InPlaceReader {
  return (onBytes) => readInPlace(socket, onBytes);
}
