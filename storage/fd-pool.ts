// A bounded pool of open segment files shared by every partition. Files open on first use and the least recently
// used idle ones close when the pool is full, so 10,000 partitions do not hold 10,000+ descriptors. A file in use
// (pinned) is never closed under its user; a close requested meanwhile happens when the last user lets go.
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import { freshReadBuffers, ReadBufferSource } from './read-buffers';

/**
 * What users of the pool get: the calls segments make on an open file. A FileHandle is one (files opened in the
 * thread pool); DescriptorFile is the other (files an append opened synchronously).
 */
export interface SegmentFile {
  readonly fd: number;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  truncate(length: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

interface PoolEntry {
  opening: Promise<SegmentFile>;
  /** Set once the open succeeded, so appends can write without waiting on a promise. */
  handle: SegmentFile | null;
  pins: number;
  evictWhenIdle: boolean;
  /** The pool's insertion count when this entry was last put at the back of the recency order. */
  inserted: number;
}

/** The one system call appends make; tests substitute a failing one to exercise storage-error handling. */
export interface FileWriter {
  /** Writes `data` at `position`; returns the bytes written, which may be fewer than asked. */
  write(fd: number, data: Buffer, position: number): number;
  /** Writes `buffers` in order at `position`; returns the bytes written, which may be fewer than asked. */
  writev(fd: number, buffers: readonly Buffer[], position: number): number;
}

export const NODE_FILE_WRITER: FileWriter = {
  write: (fd, data, position) => fs.writeSync(fd, data, 0, data.length, position),
  writev: (fd, buffers, position) => fs.writevSync(fd, buffers, position),
};

export class FdPool {
  /** In recency order, least recently used first (see markUsed). */
  private readonly entries = new Map<string, PoolEntry>();
  private insertions = 0;

  constructor(
    readonly maxOpen: number,
    private readonly writer: FileWriter = NODE_FILE_WRITER,
  ) {}

  get openCount(): number {
    return this.entries.size;
  }

  /**
   * Runs `fn` with the file open read-write; the handle must not be kept after `fn` settles. With `create`, a file
   * not open yet is created (emptied if it exists): a new segment's first append opens it once.
   */
  async use<T>(file: string, fn: (handle: SegmentFile) => Promise<T>, create = false): Promise<T> {
    const entry = this.acquire(file, create);
    try {
      const handle = await entry.opening;
      return await fn(handle);
    } finally {
      this.release(file, entry);
    }
  }

  /**
   * The descriptor of `file` if it is open right now, marked most recently used; null when it must be opened first
   * (through `use`, which keeps it pinned open while in use). Only for synchronous use: the pool closes only idle entries it has taken out of the map, so a
   * descriptor returned here stays valid until the caller next yields to the event loop.
   */
  openFd(file: string): number | null {
    const entry = this.entries.get(file);
    if (entry === undefined || entry.handle === null) return null;
    this.markUsed(file, entry);
    return entry.handle.fd;
  }

  /**
   * Opens the existing `file` read-write synchronously and returns its descriptor, valid like openFd's; null when
   * it does not exist or the open failed (the caller's waiting path opens it again and reports why). For appends:
   * an open costs microseconds, a thread-pool round trip far more, and a connection's next request waits for this
   * one's answer (a producer's first batch to each of 10,000 partitions).
   */
  openNow(file: string): number | null {
    const known = this.entries.get(file);
    if (known !== undefined) return known.handle === null ? null : this.openFd(file);
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_RDWR);
    } catch {
      return null;
    }
    const handle = new DescriptorFile(fd);
    // Pinned while the pool trims, so that this newest entry is not the one closed.
    const entry: PoolEntry = { opening: Promise.resolve(handle), handle, pins: 1, evictWhenIdle: false, inserted: 0 };
    this.insert(file, entry);
    this.trim();
    entry.pins--;
    return fd;
  }

  /**
   * Writes all of `buffers` at `position` into the open descriptor `fd`, looping over short writes. Synchronous on
   * purpose: an append is a copy into the page cache (no fsync), which costs far less than a round trip through
   * libuv's thread pool, and the bench showed that round trip bounding append throughput and tail latency. Kafka's
   * appends are synchronous the same way. Several buffers go out in one writev, so a group costs one system call.
   */
  writeAllSync(fd: number, buffers: readonly Buffer[], position: number): void {
    let total = 0;
    for (const b of buffers) total += b.length;
    // One buffer (most appends when partitions are many) goes through pwrite, which costs less than pwritev.
    let done = buffers.length === 1 ? this.writer.write(fd, buffers[0], position) : this.writer.writev(fd, buffers, position);
    while (done < total) {
      if (done <= 0) throw new Error('write made no progress');
      // A short write (or more buffers than IOV_MAX): continue with what is left.
      const rest = remainingBuffers(buffers, done);
      const more = this.writer.writev(fd, rest, position + done);
      if (more <= 0) throw new Error('write made no progress');
      done += more;
    }
  }

  /** Closes the file now if idle, else as soon as its current users finish (segment deleted or renamed). */
  async evict(file: string): Promise<void> {
    const entry = this.entries.get(file);
    if (entry === undefined) return;
    // Out of the map at once: a file put at the same path (a cleaned segment swapped in) must get a new handle.
    this.entries.delete(file);
    if (entry.pins > 0) {
      entry.evictWhenIdle = true;
      return;
    }
    await closeQuietly(entry.opening);
  }

  async closeAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => closeQuietly(e.opening)));
  }

  private acquire(file: string, create: boolean): PoolEntry {
    let entry = this.entries.get(file);
    if (entry !== undefined) {
      this.markUsed(file, entry);
    } else {
      const opening: Promise<SegmentFile> = fsp.open(file, create ? 'w+' : 'r+');
      const created: PoolEntry = { opening, handle: null, pins: 0, evictWhenIdle: false, inserted: 0 };
      // The error reaches the awaiting user; here a failed open is only dropped so the next user retries.
      opening.then(
        (handle) => {
          created.handle = handle;
        },
        () => {
          if (this.entries.get(file) === created) this.entries.delete(file);
        },
      );
      entry = created;
      this.insert(file, entry);
    }
    entry.pins++;
    this.trim();
    return entry;
  }

  /**
   * Moves a used entry to the back of the recency order, but only once it has fallen into the older half: every
   * delete + set on this long-lived Map allocates a new hash table in V8's old generation (~64 bytes), which at one
   * append per Produce request filled the old generation at the request rate. An entry used at least once every
   * maxOpen / 2 insertions still never reaches the front, where trim closes files.
   */
  private markUsed(file: string, entry: PoolEntry): void {
    if (this.insertions - entry.inserted <= this.maxOpen >> 1) return;
    this.entries.delete(file);
    this.insert(file, entry);
  }

  private insert(file: string, entry: PoolEntry): void {
    entry.inserted = ++this.insertions;
    this.entries.set(file, entry);
  }

  private release(file: string, entry: PoolEntry): void {
    entry.pins--;
    if (entry.pins === 0 && entry.evictWhenIdle) {
      if (this.entries.get(file) === entry) this.entries.delete(file);
      void closeQuietly(entry.opening);
      return;
    }
    this.trim();
  }

  private trim(): void {
    if (this.entries.size <= this.maxOpen) return;
    for (const [file, entry] of this.entries) {
      if (this.entries.size <= this.maxOpen) break;
      if (entry.pins > 0) continue;
      this.entries.delete(file);
      void closeQuietly(entry.opening);
    }
  }
}

/** A descriptor opened synchronously, with the calls of SegmentFile through fs's callback API. Closes once. */
class DescriptorFile implements SegmentFile {
  private closed = false;

  constructor(readonly fd: number) {}

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    return new Promise((resolve, reject) => {
      fs.read(this.fd, buffer, offset, length, position, (err, bytesRead) => (err === null ? resolve({ bytesRead }) : reject(err)));
    });
  }

  truncate(length: number): Promise<void> {
    return new Promise((resolve, reject) => fs.ftruncate(this.fd, length, (err) => (err === null ? resolve() : reject(err))));
  }

  sync(): Promise<void> {
    return new Promise((resolve, reject) => fs.fsync(this.fd, (err) => (err === null ? resolve() : reject(err))));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve, reject) => fs.close(this.fd, (err) => (err === null ? resolve() : reject(err))));
  }
}

async function closeQuietly(opening: Promise<SegmentFile>): Promise<void> {
  try {
    const handle = await opening;
    await handle.close();
  } catch {
    // Already closed or never opened: nothing left to release.
  }
}

/** What is left of `buffers` after the first `skip` bytes (views, no copies). */
function remainingBuffers(buffers: readonly Buffer[], skip: number): Buffer[] {
  const rest: Buffer[] = [];
  let left = skip;
  for (const b of buffers) {
    if (left >= b.length) {
      left -= b.length;
      continue;
    }
    rest.push(left > 0 ? b.subarray(left) : b);
    left = 0;
  }
  return rest;
}

/**
 * Reads up to `length` bytes at `position` into a buffer from `into`; the result (a view of that buffer) is shorter
 * only at end of file.
 */
export async function readAt(handle: SegmentFile, position: number, length: number, into: ReadBufferSource = freshReadBuffers): Promise<Buffer> {
  const taken = into.take(length);
  const buf = taken.length === length ? taken : taken.subarray(0, length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/**
 * readAt for bytes known to be in the page cache (written by this process): a copy costs less than the thread-pool
 * round trip of an asynchronous read, and on a busy machine that round trip waits for a CPU twice.
 */
export function readAtSync(handle: SegmentFile, position: number, length: number, into: ReadBufferSource = freshReadBuffers): Buffer {
  const taken = into.take(length);
  const buf = taken.length === length ? taken : taken.subarray(0, length);
  let done = 0;
  while (done < length) {
    const bytesRead = fs.readSync(handle.fd, buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}
