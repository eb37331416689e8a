// Producer state snapshots in Kafka's `<offset>.snapshot` format (version 1): INT16 version, UINT32 CRC-32C of
// everything after it, INT32 entry count, then per producer: id INT64, epoch INT16, last sequence INT32, last
// offset INT64, offset delta INT32, timestamp INT64, coordinator epoch INT32, open transaction's first offset INT64
// (-1 = none). A snapshot named N holds the state of every batch below offset N; only each producer's last batch
// survives it, as in Kafka.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { crc32c } from '../codecs/records/crc';
import { isNotFound, writeFileAtomic } from './atomic-file';
import { segmentFileStem } from './file-names';
import { decrementSequence, NO_SEQUENCE, ProducerEntry } from './producer-state';

export const SNAPSHOT_SUFFIX = '.snapshot';
const SNAPSHOT_VERSION = 1;
const HEADER_BYTES = 2 + 4 + 4;
const ENTRY_BYTES = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
const CRC_START = 6;

export function snapshotFileName(offset: bigint): string {
  return segmentFileStem(offset) + SNAPSHOT_SUFFIX;
}

export function encodeSnapshot(entries: readonly ProducerEntry[]): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES + entries.length * ENTRY_BYTES);
  buf.writeInt16BE(SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(entries.length, CRC_START);
  let at = HEADER_BYTES;
  for (const e of entries) {
    const last = e.batches.length > 0 ? e.batches[e.batches.length - 1] : null;
    buf.writeBigInt64BE(e.producerId, at);
    buf.writeInt16BE(e.producerEpoch, at + 8);
    buf.writeInt32BE(last?.lastSeq ?? NO_SEQUENCE, at + 10);
    buf.writeBigInt64BE(last?.lastOffset ?? -1n, at + 14);
    buf.writeInt32BE(last === null ? 0 : Number(last.lastOffset - last.firstOffset), at + 22);
    buf.writeBigInt64BE(e.lastTimestamp, at + 26);
    buf.writeInt32BE(e.coordinatorEpoch, at + 34);
    buf.writeBigInt64BE(e.currentTxnFirstOffset ?? -1n, at + 38);
    at += ENTRY_BYTES;
  }
  buf.writeUInt32BE(crc32c(buf.subarray(CRC_START)), 2);
  return buf;
}

/** Throws on a damaged or unknown-version snapshot; the caller then rebuilds from the log. */
export function decodeSnapshot(buf: Buffer): ProducerEntry[] {
  if (buf.length < HEADER_BYTES) throw new Error(`snapshot of ${buf.length} bytes is too short`);
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new Error(`unknown snapshot version ${version}`);
  if (crc32c(buf.subarray(CRC_START)) !== buf.readUInt32BE(2)) throw new Error('snapshot CRC mismatch');
  const count = buf.readInt32BE(CRC_START);
  if (count < 0 || buf.length !== HEADER_BYTES + count * ENTRY_BYTES) throw new Error(`snapshot size does not match its ${count} entries`);
  const entries: ProducerEntry[] = [];
  for (let i = 0, at = HEADER_BYTES; i < count; i++, at += ENTRY_BYTES) {
    const lastSeq = buf.readInt32BE(at + 10);
    const lastOffset = buf.readBigInt64BE(at + 14);
    const delta = buf.readInt32BE(at + 22);
    const timestamp = buf.readBigInt64BE(at + 26);
    const txnFirst = buf.readBigInt64BE(at + 38);
    entries.push({
      producerId: buf.readBigInt64BE(at),
      producerEpoch: buf.readInt16BE(at + 8),
      batches:
        lastSeq >= 0 && lastOffset >= 0n
          ? [{ firstSeq: decrementSequence(lastSeq, delta), lastSeq, firstOffset: lastOffset - BigInt(delta), lastOffset, timestamp }]
          : [],
      coordinatorEpoch: buf.readInt32BE(at + 34),
      currentTxnFirstOffset: txnFirst >= 0n ? txnFirst : null,
      lastTimestamp: timestamp,
    });
  }
  return entries;
}

/** Offsets of the snapshot files in `dir`, ascending. */
export async function listSnapshots(dir: string): Promise<bigint[]> {
  return snapshotOffsets(await fsp.readdir(dir));
}

/** Offsets of the snapshot files among `names`, ascending. */
export function snapshotOffsets(names: Iterable<string>): bigint[] {
  const offsets: bigint[] = [];
  for (const name of names) {
    if (!name.endsWith(SNAPSHOT_SUFFIX)) continue;
    const stem = name.slice(0, -SNAPSHOT_SUFFIX.length);
    if (/^\d{20}$/.test(stem)) offsets.push(BigInt(stem));
  }
  return offsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Without `fsync` the caller makes the file durable (a shutdown does so for all partitions at once). */
export async function writeSnapshot(dir: string, offset: bigint, entries: readonly ProducerEntry[], fsync = true): Promise<void> {
  await writeFileAtomic(path.join(dir, snapshotFileName(offset)), encodeSnapshot(entries), { fsync });
}

export async function readSnapshot(dir: string, offset: bigint): Promise<ProducerEntry[]> {
  return decodeSnapshot(await fsp.readFile(path.join(dir, snapshotFileName(offset))));
}

export async function deleteSnapshot(dir: string, offset: bigint): Promise<void> {
  try {
    await fsp.rm(path.join(dir, snapshotFileName(offset)), { force: true });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
