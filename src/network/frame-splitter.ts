// Splits a TCP byte stream into Kafka frames (INT32 size + payload). A frame that arrives within one chunk is
// returned as a view of that chunk; only frames spread over several chunks are copied, once, into one Buffer.

export class FrameSizeError extends Error {}

export class FrameSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the pending data must reach before a frame can complete; avoids re-concatenating large frames. */
  private pendingNeeded = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds a chunk; returns the complete frames it finished (payloads without the size prefix). */
  push(chunk: Buffer): Buffer[] {
    let buf: Buffer;
    if (this.pendingBytes === 0) {
      buf = chunk;
    } else {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.pendingNeeded) return [];
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    const frames: Buffer[] = [];
    let at = 0;
    while (buf.length - at >= 4) {
      const size = buf.readInt32BE(at);
      if (size < 0) throw new FrameSizeError(`negative frame size ${size}`);
      if (size > this.maxFrameBytes) {
        throw new FrameSizeError(`frame of ${size} bytes exceeds socket.request.max.bytes (${this.maxFrameBytes})`);
      }
      if (buf.length - at - 4 < size) break;
      frames.push(buf.subarray(at + 4, at + 4 + size));
      at += 4 + size;
    }
    if (at < buf.length) {
      // Keep only the unfinished tail; a view is fine because the next push concatenates into a fresh Buffer.
      const rest = buf.subarray(at);
      this.pending.push(rest);
      this.pendingBytes = rest.length;
      this.pendingNeeded = rest.length >= 4 ? 4 + rest.readInt32BE(0) : 4;
    }
    return frames;
  }

  get bufferedBytes(): number {
    return this.pendingBytes;
  }
}
