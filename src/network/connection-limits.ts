// The limits connection-quotas.ts enforces, read from the broker config (static, then dynamic values laid over it):
// each listener's max.connections and max.connection.creation.rate are its listener-prefixed values, else the
// broker-wide ones (Kafka configures its listener quotas with valuesWithPrefixOverride). The inter-broker listener
// is inter.broker.listener.name, else the one named after security.inter.broker.protocol (PLAINTEXT by default).
import { BrokerConfigKeys as K, type BrokerConfig } from '../config/broker-config';
import { listenerValue } from '../security/listener-security';
import { parsePerIpOverrides, UNLIMITED, type ConnectionLimits } from './connection-quotas';

function intOr(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? NaN : Number(value.trim());
  return Number.isInteger(parsed) ? parsed : fallback;
}

export function connectionLimitsOf(config: BrokerConfig, listenerNames: readonly string[]): ConnectionLimits {
  const listeners = new Map<string, { maxConnections: number; maxConnectionCreationRate: number }>();
  for (const name of listenerNames) {
    listeners.set(name, {
      maxConnections: intOr(listenerValue(config, name, K.MAX_CONNECTIONS.name), UNLIMITED),
      maxConnectionCreationRate: intOr(listenerValue(config, name, K.MAX_CONNECTION_CREATION_RATE.name), UNLIMITED),
    });
  }
  return {
    maxConnections: config.get(K.MAX_CONNECTIONS),
    maxConnectionsPerIp: config.get(K.MAX_CONNECTIONS_PER_IP),
    maxConnectionsPerIpOverrides: parsePerIpOverrides(config.get(K.MAX_CONNECTIONS_PER_IP_OVERRIDES) ?? ''),
    maxConnectionCreationRate: config.get(K.MAX_CONNECTION_CREATION_RATE),
    listeners,
    interBrokerListener: config.explicit('inter.broker.listener.name') ?? config.explicit('security.inter.broker.protocol') ?? 'PLAINTEXT',
  };
}
