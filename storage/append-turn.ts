// Appends that arrive together (one synchronous run of the event loop and the promise continuations it queues)
// form one "turn". A partition writes the first append of a turn at once; further appends of the same turn are
// queued and go out together in one write call, so pipelined produce requests keep their group commit.

let turn = 0;
let advanceQueued = false;

function advance(): void {
  turn++;
  advanceQueued = false;
}

/** The current turn's number; it changes once the microtasks queued so far have run. */
export function currentAppendTurn(): number {
  if (!advanceQueued) {
    advanceQueued = true;
    queueMicrotask(advance);
  }
  return turn;
}
