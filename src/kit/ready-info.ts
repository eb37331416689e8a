// What a started broker tells the code that waits for it: where each listener is bound, the address a client
// bootstraps from, the HTTP console's URL and the process id. `startBroker` returns it in-process; `eddy start
// --ready-file F` writes it as JSON once everything listens, for scripts and tests in other languages, which then
// need neither a fixed port nor a log parser. The file is written under a temporary name and renamed, so a reader
// that sees it sees all of it.
import * as fs from 'fs';
import * as path from 'path';
import type { ListenerAddress } from '../config/listeners';

export interface ReadyListener {
  readonly name: string;
  /** The interface bound, as configured ('0.0.0.0' for every interface). */
  readonly host: string;
  /** The port actually bound (the one the system picked when 0 was asked). */
  readonly port: number;
  /** host:port clients are told to connect to (advertised.listeners; `localhost` for a wildcard host). */
  readonly advertised: string;
}

export interface ReadyInfo {
  /** The first listener's advertised host:port, what a client's bootstrap.servers takes. */
  readonly bootstrap: string;
  readonly listeners: readonly ReadyListener[];
  /** The HTTP console's base URL, or null when it is off. */
  readonly http: string | null;
  readonly pid: number;
}

/** host:port, with an IPv6 literal in brackets as clients expect it. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The parts of a broker the description reads: its listeners once bound, in the configured order. */
export interface BoundBroker {
  readonly boundListeners: readonly ListenerAddress[];
  advertisedFor(listenerName: string): ListenerAddress;
}

/** The ready description of a broker whose listeners are bound. */
export function readyInfo(broker: BoundBroker, httpUrl: string | null, pid: number = process.pid): ReadyInfo {
  const listeners = broker.boundListeners.map((bound) => {
    const advertised = broker.advertisedFor(bound.name);
    return { name: bound.name, host: bound.host || '0.0.0.0', port: bound.port, advertised: hostPort(advertised.host, advertised.port) };
  });
  if (listeners.length === 0) throw new Error('the broker has no bound listener yet');
  return { bootstrap: listeners[0].advertised, listeners, http: httpUrl, pid };
}

/** Writes the file whole or not at all: a temporary file beside it, then a rename over it. */
export function writeReadyFile(file: string, info: ReadyInfo): void {
  const target = path.resolve(file);
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(info)}\n`);
  fs.renameSync(temporary, target);
}

/**
 * Removes a ready file left by an earlier run (before this one starts, so a waiting script never reads a stale
 * address) or by this one (on shutdown). A missing file is fine.
 */
export function removeReadyFile(file: string): void {
  fs.rmSync(path.resolve(file), { force: true });
}
