// A long-lived driver process spoken to in JSON lines: one job in, one result out, in order. Lines starting
// with "#" are progress notes (e.g. "#ready"), delivered to whoever waits for them.
import type { ChildProcess } from 'child_process';
import * as readline from 'readline';
import { spawnTracked, stopChild } from './processes';

export type JsonObject = Record<string, unknown>;

export class DriverError extends Error {}

export class LineChild {
  private readonly child: ChildProcess;
  private readonly results: ((line: string) => void)[] = [];
  private readonly notes: { note: string; resolve: () => void }[] = [];
  private readonly stderrTail: string[] = [];
  private exited = false;

  constructor(
    readonly label: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.child = spawnTracked(command, args, { env });
    const rl = readline.createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
    rl.on('line', (line) => this.onLine(line));
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail.push(d.toString());
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    });
    this.child.once('exit', () => {
      this.exited = true;
      for (const r of this.results.splice(0)) r('');
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private onLine(line: string): void {
    if (line.startsWith('#')) {
      const i = this.notes.findIndex((n) => n.note === line);
      if (i >= 0) this.notes.splice(i, 1)[0].resolve();
      return;
    }
    const next = this.results.shift();
    if (next) next(line);
  }

  /** Sends one job; resolves with its result object, rejects when the driver reports a failure. */
  run(job: JsonObject): Promise<JsonObject> {
    if (this.exited) return Promise.reject(new DriverError(`${this.label} driver has exited: ${this.stderrTail.join('')}`));
    const answer = new Promise<string>((resolve) => this.results.push(resolve));
    this.child.stdin?.write(`${JSON.stringify(job)}\n`);
    return answer.then((line) => {
      if (line === '') throw new DriverError(`${this.label} driver exited during ${String(job.kind)}: ${this.stderrTail.join('')}`);
      const parsed = JSON.parse(line) as JsonObject;
      if (parsed.ok !== true) throw new DriverError(`${this.label} ${String(job.kind)} failed: ${String(parsed.error)}`);
      return parsed;
    });
  }

  waitForNote(note: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new DriverError(`${this.label}: no "${note}" within ${timeoutMs} ms`)), timeoutMs);
      this.notes.push({
        note,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    this.child.stdin?.end();
    await stopChild(this.child);
  }
}

export function num(result: JsonObject, key: string): number {
  const v = result[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DriverError(`result field ${key} is not a number: ${String(v)}`);
  return v;
}
