import { Worker } from 'worker_threads';
import { cpuMs } from '../../../bench/lib/proc-stats';

const linux = process.platform === 'linux';

(linux ? describe : describe.skip)('cpuMs', () => {
  it('follows the CPU time the process reports for itself, to better than a clock tick', () => {
    const before = cpuMs(process.pid);
    const usageBefore = process.cpuUsage();
    // Work on the main thread until the process has used 200 ms of CPU.
    let spins = 0;
    while (process.cpuUsage(usageBefore).user < 200_000) spins++;
    const usage = process.cpuUsage(usageBefore);
    const after = cpuMs(process.pid);
    expect(spins).toBeGreaterThan(0);
    expect(before).toBeDefined();
    expect(after).toBeDefined();
    const measured = (after as number) - (before as number);
    const reported = (usage.user + usage.system) / 1000;
    // Other threads (GC, the thread pool) may add a little on top; ticks alone would be off by up to a tick (10 ms) at each end.
    expect(measured).toBeGreaterThanOrEqual(reported - 1);
    expect(measured).toBeLessThan(reported + 150);
  });

  it('keeps the time of a thread that has exited', async () => {
    const before = cpuMs(process.pid) as number;
    // A worker thread that does a fixed amount of work (about 150 ms of CPU here, however busy the machine), read
    // once while it runs, then gone.
    const worker = new Worker('let x = 0; for (let i = 0; i < 3e8; i++) x = (x + i) | 0; if (x === 1) console.log(x);', { eval: true });
    await new Promise((r) => setTimeout(r, 100));
    const during = cpuMs(process.pid) as number;
    await new Promise((r) => worker.once('exit', r));
    const after = cpuMs(process.pid) as number;
    expect(during).toBeGreaterThan(before);
    expect(after).toBeGreaterThanOrEqual(during);
    expect(after - before).toBeGreaterThan(50);
  });

  it('is undefined for a process that does not exist', () => {
    expect(cpuMs(2 ** 22 + 12345)).toBeUndefined();
  });
});
