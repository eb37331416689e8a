// The broker's one logger factory. Every module takes a `Logger` (pino's type) from its caller instead of
// creating its own, so `--log-level` and test silencing apply everywhere.
import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createLogger(level: LogLevel = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ name: 'eddy', level, base: { pid: process.pid } }, destination ?? pino.destination(1));
}

/** A logger that discards everything; for unit tests and embedded use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
