// Splits a TCP byte stream into Kafka frames (INT32 size + payload). A frame that arrives within one chunk is
// returned as a view of that chunk. A frame spread over several chunks is copied once, as its pieces arrive, into
// a buffer of exactly its size allocated as soon as its size prefix is known: no list of pieces to concatenate
// later, and the start of the next frame is never copied along with the end of this one.
//
// The buffers handed out are never written again, so callers may keep them (storage may keep appended batches).
// A transient chunk (one whose memory is reused once `push` returns, see in-place-reads.ts) gives copies instead
// of views. A socket may also read the rest of a large frame straight into that frame's buffer (frame-reads.ts):
// `directTarget` hands out the unfilled part and `filledDirectly` accounts what landed there.
//
// Frames assembled across chunks, and the copies of frames in transient chunks, take their buffer from a
// FrameSource: a pool (storage/frame-pool.ts) hands out recycled buffers, which the splitter's owner gives back once
// its request is done with them; the splitter itself never does, so a frame it dropped unfinished (a connection
// closing mid-frame) is left to the garbage collector.

export class FrameSizeError extends Error {}

const SIZE_BYTES = 4;

/** Where the buffers of frames assembled across chunks, and of copies of frames in transient chunks, come from. */
export interface FrameSource {
  /** A buffer of exactly `size` bytes, contents undefined. */
  take(size: number): Buffer;
}

const FRESH_FRAMES: FrameSource = { take: (size) => Buffer.allocUnsafe(size) };

export class FrameSplitter {
  /** The frame being assembled across chunks, allocated at its full size, and how much of it has arrived. */
  private partial: Buffer | null = null;
  private partialFilled = 0;
  /** A size prefix split across chunks. */
  private readonly sizePrefix = Buffer.alloc(SIZE_BYTES);
  private sizePrefixFilled = 0;

  /** What the limit is called in the error: it is sasl.server.max.receive.size until a SASL client authenticates. */
  private limitName = 'socket.request.max.bytes';

  constructor(
    private maxFrameBytes: number,
    private readonly frames: FrameSource = FRESH_FRAMES,
  ) {}

  /** Changes the largest frame accepted from the next size prefix on. */
  setLimit(maxFrameBytes: number, limitName: string): void {
    this.maxFrameBytes = maxFrameBytes;
    this.limitName = limitName;
  }

  /** Feeds a chunk; returns the complete frames it finished (payloads without the size prefix). */
  push(chunk: Buffer, transient = false): Buffer[] {
    const frames: Buffer[] = [];
    let at = this.continuePending(chunk, frames);
    while (at < chunk.length) {
      const available = chunk.length - at;
      if (available < SIZE_BYTES) {
        chunk.copy(this.sizePrefix, 0, at);
        this.sizePrefixFilled = available;
        break;
      }
      const size = this.checkedSize(chunk.readInt32BE(at));
      at += SIZE_BYTES;
      if (chunk.length - at >= size) {
        frames.push(transient ? this.copied(chunk, at, size) : chunk.subarray(at, at + size));
        at += size;
        continue;
      }
      this.startPartial(size);
      at = this.fillPartial(chunk, at, frames);
    }
    return frames;
  }

  /**
   * The unfilled rest of the frame being assembled, for a socket to read into without a copy, once at least
   * `minBytes` of it are missing; null otherwise (the next bytes go through `push`). Reads into it must stop at its
   * end, so the next frame's bytes never land in this one.
   */
  directTarget(minBytes: number): Buffer | null {
    const frame = this.partial;
    if (frame === null || frame.length - this.partialFilled < minBytes) return null;
    return frame.subarray(this.partialFilled);
  }

  /** Accounts `count` bytes read into the last `directTarget()`; returns the frame when they completed it. */
  filledDirectly(count: number): Buffer | null {
    const frame = this.partial;
    if (frame === null || count > frame.length - this.partialFilled) throw new Error('bytes read past the frame being assembled');
    this.partialFilled += count;
    if (this.partialFilled < frame.length) return null;
    this.partial = null;
    this.partialFilled = 0;
    return frame;
  }

  /** Bytes of an unfinished frame held so far (its size prefix included). */
  get bufferedBytes(): number {
    return this.partial !== null ? SIZE_BYTES + this.partialFilled : this.sizePrefixFilled;
  }

  /** Completes a size prefix or a frame left unfinished by earlier chunks; returns where in `chunk` to go on. */
  private continuePending(chunk: Buffer, frames: Buffer[]): number {
    let at = 0;
    if (this.sizePrefixFilled > 0) {
      const needed = SIZE_BYTES - this.sizePrefixFilled;
      const taken = Math.min(needed, chunk.length);
      chunk.copy(this.sizePrefix, this.sizePrefixFilled, 0, taken);
      this.sizePrefixFilled += taken;
      at = taken;
      if (this.sizePrefixFilled < SIZE_BYTES) return at;
      this.sizePrefixFilled = 0;
      this.startPartial(this.checkedSize(this.sizePrefix.readInt32BE(0)));
    }
    if (this.partial !== null) at = this.fillPartial(chunk, at, frames);
    return at;
  }

  private checkedSize(size: number): number {
    if (size < 0) throw new FrameSizeError(`negative frame size ${size}`);
    if (size > this.maxFrameBytes) {
      throw new FrameSizeError(`frame of ${size} bytes exceeds ${this.limitName} (${this.maxFrameBytes})`);
    }
    return size;
  }

  /** A frame of a transient chunk, copied into a buffer of its own from the frame source. */
  private copied(chunk: Buffer, at: number, size: number): Buffer {
    const frame = this.frames.take(size);
    chunk.copy(frame, 0, at, at + size);
    return frame;
  }

  private startPartial(size: number): void {
    this.partial = this.frames.take(size);
    this.partialFilled = 0;
  }

  /** Copies what `chunk` holds of the partial frame from `at`; emits the frame once whole. Returns the new position. */
  private fillPartial(chunk: Buffer, at: number, frames: Buffer[]): number {
    const frame = this.partial as Buffer;
    const taken = Math.min(frame.length - this.partialFilled, chunk.length - at);
    chunk.copy(frame, this.partialFilled, at, at + taken);
    this.partialFilled += taken;
    if (this.partialFilled === frame.length) {
      frames.push(frame);
      this.partial = null;
      this.partialFilled = 0;
    }
    return at + taken;
  }
}
