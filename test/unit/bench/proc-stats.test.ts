import { Worker } from 'worker_threads';
import { spawn } from 'child_process';
import { cpuMs } from '../../../bench/lib/proc-stats';
import { untilQuiet } from '../../../bench/lib/settle';

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

(linux ? describe : describe.skip)('untilQuiet', () => {
  it('returns at once for an idle process and waits while one is busy', async () => {
    const options = { windowMs: 50, busyShare: 0.2, timeoutMs: 3000 };
    const idle = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 10000)']);
    // Busy for 600 ms of wall time, then idle until killed.
    const busy = spawn(process.execPath, ['-e', 'const end = Date.now() + 600; while (Date.now() < end); setTimeout(() => undefined, 10000)']);
    try {
      await new Promise((r) => setTimeout(r, 150));
      expect(await untilQuiet([idle.pid as number], options)).toBeLessThan(500);
      const waited = await untilQuiet([idle.pid as number, busy.pid as number], options);
      expect(waited).toBeGreaterThanOrEqual(200);
      expect(waited).toBeLessThan(3000);
    } finally {
      idle.kill();
      busy.kill();
    }
  });

  it('gives up after its timeout on a process that never goes quiet', async () => {
    const spinning = spawn(process.execPath, ['-e', 'for (;;);']);
    try {
      await new Promise((r) => setTimeout(r, 150));
      const waited = await untilQuiet([spinning.pid as number], { windowMs: 50, busyShare: 0.2, timeoutMs: 300 });
      expect(waited).toBeGreaterThanOrEqual(300);
      expect(waited).toBeLessThan(1500);
    } finally {
      spinning.kill();
    }
  });
});
