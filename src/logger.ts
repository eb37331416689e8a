// The broker's one logger factory. Every module takes a `Logger` (pino's type) from its caller instead of
// creating its own, so `--log-level` and test silencing apply everywhere. Lines are JSON for machines; a person at
// a terminal gets the same events as readable lines (`--log-format pretty`, the default on a TTY), formatted here
// on the main thread because the events are few and pino-pretty's transport would start a worker thread.
import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** `auto`: pretty when stdout is a terminal, JSON otherwise. */
export type LogFormat = 'json' | 'pretty' | 'auto';

export const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];

export function createLogger(level: LogLevel = 'info', destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  const out = destination ?? pino.destination(1);
  const pretty = format === 'pretty' || (format === 'auto' && destination === undefined && process.stdout.isTTY === true);
  return pino(
    { name: 'eddy', level, base: { pid: process.pid } },
    pretty ? prettyDestination(out, destination === undefined && process.stdout.isTTY === true) : out,
  );
}

/** A logger that discards everything; for unit tests and embedded use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** ANSI colours by level, used only on a terminal. */
const LEVEL_COLOURS: Readonly<Record<number, string>> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields every line carries that a person does not need to read. */
const HIDDEN_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'name', 'hostname', 'err']);

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** One pino JSON line as `HH:MM:SS.mmm LEVEL message key=value ...`, an error's stack on the lines after. */
export function prettyLogLine(json: string, colour: boolean): string {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = typeof event.level === 'number' ? event.level : 30;
  const time = typeof event.time === 'number' ? new Date(event.time).toISOString().slice(11, 23) : '';
  const name = (LEVEL_NAMES[level] ?? String(level)).padEnd(5);
  const levelText = colour ? `\u001b[${LEVEL_COLOURS[level] ?? '0'}m${name}\u001b[0m` : name;
  const fields = Object.entries(event)
    .filter(([key]) => !HIDDEN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  const err = event.err as { stack?: unknown; message?: unknown } | undefined;
  const errDetail = err === undefined ? '' : typeof err.stack === 'string' ? err.stack : typeof err.message === 'string' ? err.message : JSON.stringify(err);
  const errText = err === undefined ? '' : `\n    ${errDetail.replace(/\n/g, '\n    ')}`;
  const msg = typeof event.msg === 'string' ? event.msg : '';
  return `${time} ${levelText} ${msg}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}${errText}\n`;
}

function prettyDestination(out: pino.DestinationStream, colour: boolean): pino.DestinationStream {
  return { write: (line: string) => out.write(prettyLogLine(line, colour)) };
}
