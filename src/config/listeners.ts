// Kafka-style listener lists: "NAME://host:port,OTHER://host:port". Each bound listener has a name; Metadata
// answers a client with the advertised address of the listener its connection arrived on.

export interface ListenerAddress {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export class ListenerConfigError extends Error {}

const LISTENER_PATTERN = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/;

export function parseListeners(spec: string): ListenerAddress[] {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const seen = new Set<string>();
  return entries.map((entry) => {
    const m = LISTENER_PATTERN.exec(entry);
    if (!m) throw new ListenerConfigError(`Invalid listener "${entry}": expected NAME://host:port`);
    const name = m[1].toUpperCase();
    if (seen.has(name)) throw new ListenerConfigError(`Listener name ${name} appears twice`);
    seen.add(name);
    const port = Number(m[3]);
    if (port < 0 || port > 65535) throw new ListenerConfigError(`Invalid port in listener "${entry}"`);
    return { name, host: m[2].replace(/^\[|\]$/g, ''), port };
  });
}

function isWildcard(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::';
}

/**
 * The address clients are told to use for each bound listener: the advertised entry of the same name, or else
 * the bound address itself with a wildcard host replaced by "localhost" (what a dev on the same machine, or a
 * host client of a container published with -p, can reach). `bound` carries the real port when 0 was asked.
 */
export function resolveAdvertised(bound: readonly ListenerAddress[], advertised: readonly ListenerAddress[]): ListenerAddress[] {
  const byName = new Map(advertised.map((a) => [a.name, a]));
  for (const a of advertised) {
    if (!bound.some((b) => b.name === a.name)) {
      throw new ListenerConfigError(`Advertised listener ${a.name} has no matching entry in listeners`);
    }
  }
  return bound.map((b) => {
    const a = byName.get(b.name);
    if (a) return { name: b.name, host: isWildcard(a.host) ? 'localhost' : a.host, port: a.port === 0 ? b.port : a.port };
    return { name: b.name, host: isWildcard(b.host) ? 'localhost' : b.host, port: b.port };
  });
}
