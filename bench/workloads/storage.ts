// Storage figures, in process on the storage engine alone: append throughput against a plain sequential fs write
// of the same bytes in the same write sizes (the ceiling), reads from offset 0 and while tailing, and recovery
// of a large active segment after an unclean shutdown.
import * as fs from 'fs';
import * as path from 'path';
import type { BenchContext } from '../lib/context';
import { record, section, Section } from '../lib/results';
import { LogManager, PartitionLog } from '../../storage';
import { CLEAN_SHUTDOWN_FILE } from '../../storage/file-names';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import { batchLastOffset } from '../../codecs/records/batch-header';
import { silentLogger } from '../../src/logger';

const MB = 1024 * 1024;

export function storageSection(): Section {
  return section(
    'storage',
    'Storage figures (in process)',
    [
      { key: 'eddy', label: 'Eddy' },
      { key: 'ceiling', label: 'fs write' },
    ],
    [['eddy', 'ceiling']],
  );
}

function batchOf(bytes: number): Buffer {
  const recordSize = Math.min(1000, bytes - 80);
  const count = Math.max(1, Math.floor((bytes - 61) / (recordSize + 10)));
  const records = Array.from({ length: count }, (_, i) => ({ value: Buffer.alloc(recordSize, 97 + (i % 26)) }));
  return encodeRecordBatch({ records });
}

async function openManager(dir: string): Promise<LogManager> {
  return LogManager.open({ dataDir: dir, logger: silentLogger(), retentionCheckIntervalMs: 3600_000 });
}

/** `n` copies of `batch`, as a producer's requests would each bring their own. */
function copiesOf(batch: Buffer, total: number): Buffer[] {
  const n = Math.max(1, Math.floor(total / batch.length));
  return Array.from({ length: n }, () => Buffer.from(batch));
}

/**
 * Appends `count` batches from `source`, round-robin over the partitions, `inFlight` appends at a time. The log
 * takes each buffer over (it patches offsets in and may keep it in its tail cache), so every append gets its own.
 * Each append goes the way the produce handler sends it: appendNow, and append() when that declines.
 */
async function appendAll(
  logs: readonly PartitionLog[],
  source: (i: number) => Buffer,
  count: number,
  inFlight: number,
  onAppended?: (log: PartitionLog, i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  let bytes = 0;
  const start = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const log = logs[i % logs.length];
      const batch = source(i);
      bytes += batch.length;
      if (log.appendNow(batch) === null) await log.append(batch);
      if (onAppended) await onAppended(log, i);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return bytes / MB / seconds;
}

/**
 * The ceiling: the same buffers Eddy was given, written in the same order and sizes, round-robin over as many
 * files, each with one plain fs.writeSync. Writing the very same memory matters: copying a hot 100 KB buffer into
 * the page cache over and over is several times faster on this machine than copying 128 MB of distinct buffers.
 * The files are laid out and created as Eddy's are: one directory per file, made before the clock starts (as
 * topic creation makes Eddy's partition directories), and each file created by its first write (as a partition's
 * segment file is created by its first append). Creating a file on this VM costs 100-300 µs (ext4 inode
 * allocation right after the previous run's deletes), so with 100 files a ceiling that opened them untimed was
 * ~10-30 ms ahead on a ~40 ms run for reasons that are not Eddy's overhead.
 */
function plainWrites(dir: string, files: number, buffers: readonly Buffer[]): number {
  const paths = Array.from({ length: files }, (_, i) => path.join(dir, `plain-${i}`, 'plain.log'));
  for (const file of paths) fs.mkdirSync(path.dirname(file), { recursive: true });
  const fds: number[] = [];
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < buffers.length; i++) {
    const f = i % files;
    if (fds[f] === undefined) fds[f] = fs.openSync(paths[f], 'w');
    bytes += fs.writeSync(fds[f], buffers[i]);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const fd of fds) fs.closeSync(fd);
  return bytes / MB / seconds;
}

/**
 * Writes and deletes the same volume once, untimed, before the measured pair. On this VM the first writes of a
 * process into the page cache run several times slower than later ones (measured: 128 MB of 100 KB writes at
 * ~600 MB/s, then ~2,500 MB/s), which would favour whichever of Eddy and the ceiling runs second.
 */
function warmPageCache(dir: string, files: number, buffers: readonly Buffer[]): void {
  fs.mkdirSync(dir, { recursive: true });
  plainWrites(dir, files, buffers);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Reads from `from` up to the high watermark in 1 MB reads; returns where it stopped and the bytes read. */
async function readToEnd(log: PartitionLog, from: bigint): Promise<{ next: bigint; bytes: number }> {
  let next = from;
  let bytes = 0;
  while (next < log.highWatermark) {
    const res = await log.read(next, MB, { minOneBatch: true });
    if (res.batches.length === 0) break;
    bytes += res.bytes;
    next = batchLastOffset(res.batches[res.batches.length - 1]) + 1n;
  }
  return { next, bytes };
}

async function readAllFromStart(log: PartitionLog): Promise<number> {
  const start = process.hrtime.bigint();
  const { bytes } = await readToEnd(log, log.logStartOffset);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return bytes / MB / seconds;
}

export async function runStorage(ctx: BenchContext, out: Section): Promise<void> {
  const total = ctx.quick ? 16 * MB : 128 * MB;
  const runs = ctx.quick ? 1 : ctx.runs;
  const root = path.join(ctx.workDir, 'storage');
  for (let r = 0; r < runs; r++) {
    for (const batchBytes of [1024, 100 * 1024]) {
      for (const partitions of [1, 100]) {
        ctx.progress(`storage run ${r + 1}/${runs}: append ${batchBytes / 1024} KB batches to ${partitions} partition(s)`);
        const dir = path.join(root, `append-${r}-${batchBytes}-${partitions}`);
        const manager = await openManager(dir);
        await manager.createTopic('bench', partitions);
        // Topic creation makes the partition directories in the background; that is not append work.
        await manager.directoriesCreated('bench');
        const logs = Array.from({ length: partitions }, (_, p) => manager.partition('bench', p) as PartitionLog);
        const name = `append ${batchBytes / 1024} KB batches, ${partitions} partition${partitions > 1 ? 's' : ''}`;
        const copies = copiesOf(batchOf(batchBytes), total);
        warmPageCache(path.join(root, `warm-${r}`), partitions, copies);
        record(out, name, 'MB/s', 'eddy', await appendAll(logs, (i) => copies[i], copies.length, partitions === 1 ? 16 : 64));
        if (batchBytes === 1024 && partitions === 1) {
          record(out, 'read 1 partition from offset 0 (1 KB batches, 1 MB reads)', 'MB/s', 'eddy', await readAllFromStart(logs[0]));
        }
        if (batchBytes === 100 * 1024 && partitions === 1) {
          record(out, 'read 1 partition from offset 0 (100 KB batches, 1 MB reads)', 'MB/s', 'eddy', await readAllFromStart(logs[0]));
        }
        await manager.close();
        fs.rmSync(dir, { recursive: true, force: true });
        const plainDir = path.join(root, `plain-${r}`);
        fs.mkdirSync(plainDir, { recursive: true });
        record(out, name, 'MB/s', 'ceiling', plainWrites(plainDir, partitions, copies));
        fs.rmSync(plainDir, { recursive: true, force: true });
      }
    }
    ctx.progress(`storage run ${r + 1}/${runs}: tailing reads`);
    const tailDir = path.join(root, `tail-${r}`);
    const manager = await openManager(tailDir);
    await manager.createTopic('bench', 1);
    const log = manager.partition('bench', 0) as PartitionLog;
    let readNs = 0n;
    let readBytes = 0;
    let position = 0n;
    const tailCopies = copiesOf(batchOf(16 * 1024), total / 2);
    await appendAll(
      [log],
      (i) => tailCopies[i],
      tailCopies.length,
      1,
      async (l) => {
        const t = process.hrtime.bigint();
        const read = await readToEnd(l, position);
        position = read.next;
        readBytes += read.bytes;
        readNs += process.hrtime.bigint() - t;
      },
    );
    record(out, 'read while tailing (each 16 KB batch read right after its append)', 'MB/s', 'eddy', readBytes / MB / (Number(readNs) / 1e9));
    await manager.close();
    fs.rmSync(tailDir, { recursive: true, force: true });
  }
  await runRecovery(ctx, out, root);
  out.notes.push(
    `${total / MB} MB per append figure${ctx.quick ? ' (--quick)' : ''}; the fs write ceiling uses fs.writeSync with the same write size, file count and layout (a directory per file, each file created by its first write, as Eddy's segment files are); data stays in the page cache (no fsync, as Kafka's defaults).`,
  );
}

async function runRecovery(ctx: BenchContext, out: Section, root: string): Promise<void> {
  const segmentBytes = ctx.quick ? 32 * MB : 1024 * MB;
  const runs = ctx.quick ? 1 : ctx.runs;
  const dir = path.join(root, 'recovery');
  ctx.progress(`storage: writing a ${segmentBytes / MB} MB active segment for recovery`);
  const manager = await openManager(dir);
  await manager.createTopic('bench', 1);
  const log = manager.partition('bench', 0) as PartitionLog;
  // A fresh buffer per append, dropped once the log lets go of it: 1 GB is written without holding 1 GB.
  const batch = batchOf(16 * 1024);
  await appendAll([log], () => Buffer.from(batch), Math.floor(segmentBytes / batch.length), 16);
  const segments = log.segmentCount();
  await manager.close();
  for (let r = 0; r < runs; r++) {
    fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
    let t = process.hrtime.bigint();
    const m = await openManager(dir);
    record(
      out,
      `open after unclean shutdown: recover a ${segmentBytes / MB} MB active segment (16 KB batches)`,
      'ms',
      'eddy',
      Number(process.hrtime.bigint() - t) / 1e6,
    );
    await m.close();
    t = process.hrtime.bigint();
    const clean = await openManager(dir);
    record(out, `open after clean shutdown (same ${segmentBytes / MB} MB segment)`, 'ms', 'eddy', Number(process.hrtime.bigint() - t) / 1e6);
    await clean.close();
  }
  if (segments !== 1) out.notes.push(`recovery log had ${segments} segments, not one active segment`);
  fs.rmSync(dir, { recursive: true, force: true });
}
