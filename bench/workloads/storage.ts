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
import { silentLogger } from '../../src/logger';

const MB = 1024 * 1024;

export function storageSection(): Section {
  return section('storage', 'Storage figures (in process)', [
    { key: 'eddy', label: 'Eddy' },
    { key: 'ceiling', label: 'fs write' },
  ], [['eddy', 'ceiling']]);
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

/** Appends `total` bytes of copies of `batch`, round-robin over the partitions, `inFlight` appends at a time. */
async function appendAll(logs: readonly PartitionLog[], batch: Buffer, total: number, inFlight: number, onAppended?: (log: PartitionLog, i: number) => Promise<void>): Promise<number> {
  const n = Math.max(1, Math.floor(total / batch.length));
  const copies = Array.from({ length: n }, () => Buffer.from(batch));
  let next = 0;
  const start = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const log = logs[i % logs.length];
      await log.append(copies[i]);
      if (onAppended) await onAppended(log, i);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return (n * batch.length) / MB / seconds;
}

function plainWrites(dir: string, files: number, writeSize: number, total: number): number {
  const fds = Array.from({ length: files }, (_, i) => fs.openSync(path.join(dir, `plain-${i}.log`), 'w'));
  const buf = Buffer.alloc(writeSize, 120);
  const n = Math.max(1, Math.floor(total / writeSize));
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fs.writeSync(fds[i % files], buf);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const fd of fds) fs.closeSync(fd);
  return (n * writeSize) / MB / seconds;
}

async function readAllFromStart(log: PartitionLog): Promise<number> {
  let offset = log.logStartOffset;
  let bytes = 0;
  const start = process.hrtime.bigint();
  while (offset < log.highWatermark) {
    const res = await log.read(offset, MB, { minOneBatch: true });
    if (res.batches.length === 0) break;
    bytes += res.bytes;
    const last = res.batches[res.batches.length - 1];
    offset = last.readBigInt64BE(0) + BigInt(last.readInt32BE(23)) + 1n;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return bytes / MB / seconds;
}

export async function runStorage(ctx: BenchContext, out: Section): Promise<void> {
  const total = ctx.quick ? 16 * MB : 128 * MB;
  const runs = ctx.quick ? 1 : Math.min(ctx.runs, 2);
  const root = path.join(ctx.workDir, 'storage');
  for (let r = 0; r < runs; r++) {
    for (const batchBytes of [1024, 100 * 1024]) {
      for (const partitions of [1, 100]) {
        ctx.progress(`storage run ${r + 1}/${runs}: append ${batchBytes / 1024} KB batches to ${partitions} partition(s)`);
        const dir = path.join(root, `append-${r}-${batchBytes}-${partitions}`);
        const manager = await openManager(dir);
        await manager.createTopic('bench', partitions);
        const logs = Array.from({ length: partitions }, (_, p) => manager.partition('bench', p) as PartitionLog);
        const name = `append ${batchBytes / 1024} KB batches, ${partitions} partition${partitions > 1 ? 's' : ''}`;
        record(out, name, 'MB/s', 'eddy', await appendAll(logs, batchOf(batchBytes), total, partitions === 1 ? 16 : 64));
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
        record(out, name, 'MB/s', 'ceiling', plainWrites(plainDir, partitions, batchBytes, total));
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
    await appendAll([log], batchOf(16 * 1024), total / 2, 1, async (l) => {
      const t = process.hrtime.bigint();
      while (position < l.highWatermark) {
        const res = await l.read(position, MB, { minOneBatch: true });
        if (res.batches.length === 0) break;
        readBytes += res.bytes;
        const last = res.batches[res.batches.length - 1];
        position = last.readBigInt64BE(0) + BigInt(last.readInt32BE(23)) + 1n;
      }
      readNs += process.hrtime.bigint() - t;
    });
    record(out, 'read while tailing (each 16 KB batch read right after its append)', 'MB/s', 'eddy', readBytes / MB / (Number(readNs) / 1e9));
    await manager.close();
    fs.rmSync(tailDir, { recursive: true, force: true });
  }
  await runRecovery(ctx, out, root);
  out.notes.push(`${total / MB} MB per append figure${ctx.quick ? ' (--quick)' : ''}; the fs write ceiling uses fs.writeSync with the same write size and file count; data stays in the page cache (no fsync, as Kafka's defaults).`);
}

async function runRecovery(ctx: BenchContext, out: Section, root: string): Promise<void> {
  const segmentBytes = ctx.quick ? 32 * MB : 512 * MB;
  const runs = ctx.quick ? 1 : Math.min(ctx.runs, 2);
  const dir = path.join(root, 'recovery');
  ctx.progress(`storage: writing a ${segmentBytes / MB} MB active segment for recovery`);
  const manager = await openManager(dir);
  await manager.createTopic('bench', 1);
  const log = manager.partition('bench', 0) as PartitionLog;
  await appendAll([log], batchOf(16 * 1024), segmentBytes, 16);
  const segments = log.segmentCount();
  await manager.close();
  for (let r = 0; r < runs; r++) {
    fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
    let t = process.hrtime.bigint();
    const m = await openManager(dir);
    record(out, `open after unclean shutdown: recover a ${segmentBytes / MB} MB active segment (16 KB batches)`, 'ms', 'eddy', Number(process.hrtime.bigint() - t) / 1e6);
    await m.close();
    t = process.hrtime.bigint();
    const clean = await openManager(dir);
    record(out, `open after clean shutdown (same ${segmentBytes / MB} MB segment)`, 'ms', 'eddy', Number(process.hrtime.bigint() - t) / 1e6);
    await clean.close();
  }
  if (segments !== 1) out.notes.push(`recovery log had ${segments} segments, not one active segment`);
  fs.rmSync(dir, { recursive: true, force: true });
}
