import { spawn } from 'child_process';
import * as path from 'path';
import { batchBaseOffset, batchLastOffset, batchCrc, computeBatchCrc } from '../../../codecs/records/batch-header';
import { openManager, freshDataDirs } from './helpers';

interface Ack {
  baseOffset: bigint;
  lastOffset: bigint;
  tag: string;
}

/** Runs the appending child until it has acknowledged `acks` appends, then kills it with SIGKILL. */
function runAndKill(dataDir: string, acks: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'append-child.js'), dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: Ack[] = [];
    let pending = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const parts = line.split(' ');
        if (parts.length === 3) acked.push({ baseOffset: BigInt(parts[0]), lastOffset: BigInt(parts[1]), tag: parts[2] });
      }
      if (!killed && acked.length >= acks) {
        killed = true;
        process.kill(child.pid as number, 'SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('kill -9 while appending', () => {
  const data = freshDataDirs({ closeFailures: 'fail' });

  it('loses no acknowledged append', async () => {
    const acked = await runAndKill(data.dir, 1500);
    expect(acked.length).toBeGreaterThanOrEqual(1500);
    data.manager = await openManager(data.dir, { tailCacheBytes: 0 });
    const log = await data.manager.loadedPartition('crash', 0);
    if (log === undefined) throw new Error('partition missing after crash');
    const maxAcked = acked.reduce((m, a) => (a.lastOffset > m ? a.lastOffset : m), -1n);
    expect(log.logEndOffset).toBeGreaterThan(maxAcked);
    for (const ack of acked) {
      const r = await log.read(ack.baseOffset, 1, { minOneBatch: true });
      expect(r.batches).toHaveLength(1);
      const [b] = r.batches;
      expect(batchBaseOffset(b)).toBe(ack.baseOffset);
      expect(batchLastOffset(b)).toBe(ack.lastOffset);
      expect(batchCrc(b)).toBe(computeBatchCrc(b));
      expect(b.includes(Buffer.from(`${ack.tag}-0`))).toBe(true);
    }
    // The log continues from where the recovered data ends.
    const recoveredEnd = log.logEndOffset;
    const next = await log.append(Buffer.from((await log.read(0n, 1, { minOneBatch: true })).batches[0]));
    expect(next.baseOffset).toBe(recoveredEnd);
  });
});
