// What every `eddy` tool shares for talking to people and scripts: exit codes a script can rely on, the one-line
// message for a failure, tables for people, JSON for scripts, and a progress line on a terminal.
import { BrokerUnreachableError, ClientProtocolError, KafkaResponseError } from '../client/errors';

/** Exit codes; README's "`eddy` tools" section lists them. */
export const ExitCode = {
  OK: 0,
  /** The broker answered with a Kafka error (the message starts with its name), or the command failed. */
  FAILED: 1,
  /** The command line or the input is malformed. */
  USAGE: 2,
  /** No broker could be reached, or one stopped answering. */
  UNREACHABLE: 3,
} as const;

/** A mistake in the command line or the input (a malformed offset, an unreadable file). */
export class UsageError extends Error {}

export interface Failure {
  readonly message: string;
  readonly exitCode: number;
}

/** The line printed on stderr for an error, and the exit code it gives. */
export function describeFailure(err: unknown): Failure {
  if (err instanceof UsageError) return { message: err.message, exitCode: ExitCode.USAGE };
  if (err instanceof BrokerUnreachableError) return { message: `BROKER_UNREACHABLE: ${err.message}`, exitCode: ExitCode.UNREACHABLE };
  if (err instanceof KafkaResponseError || err instanceof ClientProtocolError) return { message: err.message, exitCode: ExitCode.FAILED };
  const message = err instanceof Error ? err.message : String(err);
  return { message, exitCode: ExitCode.FAILED };
}

export type Cell = string | number | bigint | boolean | null;

/** Columns padded to their widest cell; the header in capitals, as Kafka's tools print theirs. */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = (cell: Cell): string => (cell === null ? '-' : String(cell));
  const cells = [headers.map((h) => h.toUpperCase()), ...rows.map((row) => row.map(text))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

/** JSON for scripts: one document, bigints as numbers (offsets and timestamps stay below 2^53 in practice). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

export interface Progress {
  add(count: number): void;
  done(): void;
}

const NO_PROGRESS: Progress = { add: () => undefined, done: () => undefined };
const REDRAW_MS = 100;
const BAR_WIDTH = 30;

/**
 * A progress line on stderr, redrawn at most ten times a second, only when stderr is a terminal (never in a
 * pipe or a test): a bar when the total is known, else a count, with the rate.
 */
export function startProgress(label: string, total: number | null, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return NO_PROGRESS;
  const started = Date.now();
  let count = 0;
  let drawnAt = 0;
  const draw = (): void => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    const rate = `${Math.round(count / seconds).toLocaleString('en')}/s`;
    const bar =
      total !== null && total > 0
        ? `[${'#'.repeat(Math.round((Math.min(count, total) / total) * BAR_WIDTH)).padEnd(BAR_WIDTH)}] ${count.toLocaleString('en')}/${total.toLocaleString('en')}`
        : count.toLocaleString('en');
    stream.write(`\r${label} ${bar} ${rate}\x1b[K`);
  };
  return {
    add: (n) => {
      count += n;
      const now = Date.now();
      if (now - drawnAt >= REDRAW_MS) {
        drawnAt = now;
        draw();
      }
    },
    done: () => {
      draw();
      stream.write('\n');
    },
  };
}

/** Writes to stdout, waiting when the pipe is full so that a large output never piles up in memory. */
export function writeOut(text: string): Promise<void> | void {
  if (process.stdout.write(text)) return;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}
