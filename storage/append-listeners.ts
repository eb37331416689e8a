// Who waits for a partition's next append: a long-polling fetch subscribes, and unsubscribes when woken, so at
// 10,000 fetches a second the set of listeners changes 20,000 times a second. In a Set that costs a new hash table
// each time it shrinks back to empty, and since the partition's Set lives in the old generation, V8 allocates its
// new tables there too: old-generation garbage at the fetch rate, and full GCs. A linked list of nodes allocated
// per subscription (young, dying with the wait) changes nothing but pointers in the long-lived object.

interface ListenerNode {
  readonly listener: () => void;
  prev: ListenerNode | null;
  next: ListenerNode | null;
  linked: boolean;
}

export class AppendListeners {
  private first: ListenerNode | null = null;
  private last: ListenerNode | null = null;

  get isEmpty(): boolean {
    return this.first === null;
  }

  /** Adds `listener` after the others; returns its unsubscriber (which does nothing once it has run, or after clear). */
  add(listener: () => void): () => void {
    const node: ListenerNode = { listener, prev: this.last, next: null, linked: true };
    if (this.last === null) this.first = node;
    else this.last.next = node;
    this.last = node;
    return () => this.unlink(node);
  }

  /** The listeners subscribed now, in subscription order: calling them may unsubscribe any of them. */
  snapshot(): Array<() => void> {
    const out: Array<() => void> = [];
    for (let n = this.first; n !== null; n = n.next) out.push(n.listener);
    return out;
  }

  clear(): void {
    for (let n = this.first; n !== null; n = n.next) n.linked = false;
    this.first = null;
    this.last = null;
  }

  private unlink(node: ListenerNode): void {
    if (!node.linked) return;
    node.linked = false;
    if (node.prev === null) this.first = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.last = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
  }
}
