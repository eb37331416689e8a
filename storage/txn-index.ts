// Aborted transactions of a partition, for READ_COMMITTED fetches. On disk, Kafka's `.txnindex` format: one file
// per segment (the segment holding the ABORT marker), 34-byte entries of INT16 version 0, producer id INT64, first
// offset INT64, last offset (the marker's) INT64, last stable offset at the abort INT64. In memory, the whole
// list sorted by last offset; it is small (one entry per aborted transaction).
import { promises as fsp } from 'fs';
import { isNotFound } from './atomic-file';
import { firstEndingAtOrAfter } from './offset-search';

export interface AbortedTxn {
  readonly producerId: bigint;
  /** The transaction's first offset in this partition. */
  readonly firstOffset: bigint;
  /** The offset of its ABORT marker. */
  readonly lastOffset: bigint;
  /** The partition's last stable offset once the marker was written. */
  readonly lastStableOffset: bigint;
}

export const TXN_INDEX_ENTRY_SIZE = 34;
const TXN_INDEX_VERSION = 0;

export function encodeAbortedTxn(t: AbortedTxn): Buffer {
  const buf = Buffer.alloc(TXN_INDEX_ENTRY_SIZE);
  buf.writeInt16BE(TXN_INDEX_VERSION, 0);
  buf.writeBigInt64BE(t.producerId, 2);
  buf.writeBigInt64BE(t.firstOffset, 10);
  buf.writeBigInt64BE(t.lastOffset, 18);
  buf.writeBigInt64BE(t.lastStableOffset, 26);
  return buf;
}

/** Whole entries of a `.txnindex` file; a torn tail or an unknown version ends the list. */
export function parseTxnIndex(buf: Buffer): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  for (let at = 0; at + TXN_INDEX_ENTRY_SIZE <= buf.length; at += TXN_INDEX_ENTRY_SIZE) {
    if (buf.readInt16BE(at) !== TXN_INDEX_VERSION) break;
    out.push({
      producerId: buf.readBigInt64BE(at + 2),
      firstOffset: buf.readBigInt64BE(at + 10),
      lastOffset: buf.readBigInt64BE(at + 18),
      lastStableOffset: buf.readBigInt64BE(at + 26),
    });
  }
  return out;
}

export async function readTxnIndexFile(file: string): Promise<AbortedTxn[]> {
  try {
    return parseTxnIndex(await fsp.readFile(file));
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

export async function writeTxnIndexFile(file: string, entries: readonly AbortedTxn[]): Promise<void> {
  if (entries.length === 0) {
    await fsp.rm(file, { force: true });
    return;
  }
  await fsp.writeFile(file, Buffer.concat(entries.map(encodeAbortedTxn)));
}

export async function appendTxnIndexFile(file: string, entry: AbortedTxn): Promise<void> {
  await fsp.appendFile(file, encodeAbortedTxn(entry));
}

export class AbortedTxnList {
  private entries: AbortedTxn[] = [];

  get length(): number {
    return this.entries.length;
  }

  all(): readonly AbortedTxn[] {
    return this.entries;
  }

  has(lastOffset: bigint): boolean {
    return this.entries.some((e) => e.lastOffset === lastOffset);
  }

  add(entry: AbortedTxn): void {
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1].lastOffset > entry.lastOffset) i--;
    this.entries.splice(i, 0, entry);
  }

  /** Kafka's collectAbortedTransactions: those ending at or after `fetchOffset` that began before `upperBound`. */
  collect(fetchOffset: bigint, upperBound: bigint): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (let i = firstEndingAtOrAfter(this.entries, fetchOffset); i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e.firstOffset < upperBound) out.push(e);
    }
    return out;
  }

  /** Compaction rewrote [from, to): its aborted transactions are now exactly `kept`. */
  replaceRange(from: bigint, to: bigint, kept: readonly AbortedTxn[]): void {
    this.entries = this.entries.filter((e) => e.lastOffset < from || e.lastOffset >= to);
    for (const e of kept) this.add(e);
  }

  /** Drops entries whose marker is below `offset` (log start moved). */
  dropBefore(offset: bigint): void {
    this.entries = this.entries.filter((e) => e.lastOffset >= offset);
  }
}
