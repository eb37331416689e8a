// Global LRU budget for the indexes of closed segments. Active segments keep theirs in memory; a closed segment
// loads its index files on first lookup and gives them back when the budget is needed elsewhere.

export interface IndexHolder {
  readonly indexBytes: number;
  unloadIndexes(): void;
}

export class IndexCache {
  private readonly loaded = new Map<IndexHolder, number>();
  private total = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.total;
  }

  touch(holder: IndexHolder): void {
    const prev = this.loaded.get(holder);
    if (prev !== undefined) {
      this.loaded.delete(holder);
      this.total -= prev;
    }
    const size = holder.indexBytes;
    this.loaded.set(holder, size);
    this.total += size;
    for (const [victim, bytes] of this.loaded) {
      if (this.total <= this.maxBytes || victim === holder) break;
      this.loaded.delete(victim);
      this.total -= bytes;
      victim.unloadIndexes();
    }
  }

  forget(holder: IndexHolder): void {
    const prev = this.loaded.get(holder);
    if (prev === undefined) return;
    this.loaded.delete(holder);
    this.total -= prev;
  }
}
