// Which security protocol each listener speaks (listener.security.protocol.map) and the per-listener view of the
// security configs: Kafka reads `listener.name.<listener>.<mechanism>.<key>`, then `listener.name.<listener>.<key>`,
// then the broker-wide `<key>`, with the listener name lower-cased in the prefix.
import type { BrokerConfig } from '../config/broker-config';
import { BrokerConfigKeys } from '../config/broker-config';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

const PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export class SecurityConfigError extends Error {}

export function isTls(protocol: SecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}

export function isSasl(protocol: SecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}

function asProtocol(text: string, entry: string): SecurityProtocol {
  const protocol = PROTOCOLS.find((p) => p === text.trim().toUpperCase());
  if (protocol === undefined) throw new SecurityConfigError(`Invalid security protocol in listener.security.protocol.map entry "${entry}"`);
  return protocol;
}

/** "NAME:PROTOCOL,..." into a map keyed by upper-case listener name. */
export function parseProtocolMap(entries: readonly string[]): ReadonlyMap<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new SecurityConfigError(`Invalid listener.security.protocol.map entry "${entry}": expected NAME:PROTOCOL`);
    map.set(entry.slice(0, colon).trim().toUpperCase(), asProtocol(entry.slice(colon + 1), entry));
  }
  return map;
}

/**
 * The protocol of a listener. An explicit map must name every listener, as Kafka requires. Without one, Kafka's
 * default maps each protocol name to itself, and (an Eddy leniency kept from before listeners had protocols) any
 * other name is PLAINTEXT, so `HOST://...,DOCKER://...` setups keep working unchanged.
 */
export function securityProtocolOf(config: BrokerConfig, listenerName: string): SecurityProtocol {
  const name = listenerName.toUpperCase();
  const explicit = config.explicit(BrokerConfigKeys.LISTENER_SECURITY_PROTOCOL_MAP) !== undefined;
  const map = parseProtocolMap(config.get(BrokerConfigKeys.LISTENER_SECURITY_PROTOCOL_MAP));
  const mapped = map.get(name);
  if (mapped !== undefined) return mapped;
  if (explicit) throw new SecurityConfigError(`No security protocol defined for listener ${name} in listener.security.protocol.map`);
  return PROTOCOLS.find((p) => p === name) ?? 'PLAINTEXT';
}

/** The value of `key` for one listener (and, for SASL keys, one mechanism), most specific first. */
export function listenerValue(config: BrokerConfig, listenerName: string, key: string, mechanism?: string): string | undefined {
  const prefix = `listener.name.${listenerName.toLowerCase()}.`;
  if (mechanism !== undefined) {
    const byMechanism = config.explicit(`${prefix}${mechanism.toLowerCase()}.${key}`);
    if (byMechanism !== undefined) return byMechanism;
  }
  return config.explicit(`${prefix}${key}`) ?? config.explicit(key);
}

/** Like listenerValue, falling back to the key's definition default. */
export function listenerSetting(
  config: BrokerConfig,
  listenerName: string,
  key: { readonly name: string; readonly defaultValue: string | null },
  mechanism?: string,
): string | null {
  return listenerValue(config, listenerName, key.name, mechanism) ?? key.defaultValue;
}

export function listOf(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
