// Idle buffers by size class under a cap on their total bytes, shared by the pools that recycle memory instead of
// allocating it per request (read-buffers.ts for fetch reads, frame-pool.ts for request frames). Each pool decides
// its own classes and what it hands out; this holds what is waiting for reuse.
//
// At the cap, a buffer coming back makes room by dropping idle ones of other sizes, largest first: the size just
// used is the likelier to be wanted next. Otherwise buffers of a size nobody asks for any more (an earlier burst of
// larger reads or requests) would fill the cap for good, and every request of the size now in use would allocate
// afresh, as garbage for the collector.

export class IdleBuffers<T> {
  private readonly free = new Map<number, T[]>();
  private idle = 0;

  constructor(readonly maxIdleBytes: number) {}

  /** An idle buffer of class `cls` (its size in bytes), or undefined when none waits. */
  take(cls: number): T | undefined {
    const reused = this.free.get(cls)?.pop();
    if (reused !== undefined) this.idle -= cls;
    return reused;
  }

  /** Keeps `buffer` of class `cls` for reuse; false when it does not fit the cap even alone (the collector has it). */
  put(cls: number, buffer: T, dropped?: (buffer: T) => void): boolean {
    if (cls > this.maxIdleBytes) return false;
    if (this.idle + cls > this.maxIdleBytes) this.dropOtherThan(cls, this.idle + cls - this.maxIdleBytes, dropped);
    if (this.idle + cls > this.maxIdleBytes) return false;
    let list = this.free.get(cls);
    if (list === undefined) {
      list = [];
      this.free.set(cls, list);
    }
    list.push(buffer);
    this.idle += cls;
    return true;
  }

  /** Leaves every idle buffer to the collector; returns their bytes. */
  dropAll(dropped?: (buffer: T) => void): number {
    const bytes = this.idle;
    if (dropped !== undefined) for (const list of this.free.values()) list.forEach(dropped);
    this.free.clear();
    this.idle = 0;
    return bytes;
  }

  get bytes(): number {
    return this.idle;
  }

  /** Drops idle buffers of classes other than `keep`, largest first, until `bytes` are freed. */
  private dropOtherThan(keep: number, bytes: number, dropped: ((buffer: T) => void) | undefined): void {
    const classes = [...this.free.keys()].filter((c) => c !== keep).sort((a, b) => b - a);
    let freed = 0;
    for (const cls of classes) {
      const list = this.free.get(cls);
      if (list === undefined) continue;
      while (freed < bytes) {
        const buffer = list.pop();
        if (buffer === undefined) break;
        dropped?.(buffer);
        freed += cls;
        this.idle -= cls;
      }
      if (freed >= bytes) return;
    }
  }
}
