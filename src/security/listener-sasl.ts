// The SASL side of one SASL_PLAINTEXT or SASL_SSL listener: its enabled mechanisms (sasl.enabled.mechanisms), the
// users PLAIN checks (listener.name.<listener>.plain.sasl.jaas.config user_<name> entries, then the users file),
// SCRAM's credential store, OAUTHBEARER's validator, and the session limits (connections.max.reauth.ms,
// sasl.server.max.receive.size). Built at start, so a config mistake fails the start with a message.
import type { BrokerConfig } from '../config/broker-config';
import { BrokerConfigKeys as K } from '../config/broker-config';
import { listenerSetting, listenerValue, listOf, SecurityConfigError } from './listener-security';
import type { ScramCredentialStore } from './scram-store';
import { parseJaasConfig, plainUsers, type JaasEntry } from './sasl/jaas';
import { loadJwks, OAuthBearerSaslServer, type TokenValidation } from './sasl/oauthbearer';
import { PlainSaslServer } from './sasl/plain';
import { isMechanism, type SaslServer } from './sasl/sasl-server';
import { ScramSaslServer } from './sasl/scram';
import { isScramMechanism } from './sasl/scram-crypto';

export interface ListenerSasl {
  /** In the order configured; SaslHandshake answers with this list. */
  readonly enabledMechanisms: readonly string[];
  newServer(mechanism: string): SaslServer;
  /** connections.max.reauth.ms for the mechanism; 0 when sessions do not expire. */
  reauthMs(mechanism: string): number;
  readonly maxReceiveBytes: number;
}

function jaasEntries(config: BrokerConfig, listener: string, mechanism: string): JaasEntry[] {
  const text = listenerValue(config, listener, 'sasl.jaas.config', mechanism);
  return text === undefined ? [] : parseJaasConfig(text);
}

function numberOption(entries: readonly JaasEntry[], name: string, fallback: number): number {
  for (const e of entries) {
    const v = e.options.get(name);
    if (v !== undefined && Number.isFinite(Number(v))) return Number(v);
  }
  return fallback;
}

function stringOption(entries: readonly JaasEntry[], name: string): string | undefined {
  for (const e of entries) {
    const v = e.options.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

function tokenValidation(config: BrokerConfig, listener: string): TokenValidation {
  const setting = (key: { readonly name: string; readonly defaultValue: string | null }): string | null =>
    listenerSetting(config, listener, key, 'OAUTHBEARER');
  const jwks = setting(K.SASL_OAUTHBEARER_JWKS_ENDPOINT_URL);
  const skewMs = Number(setting(K.SASL_OAUTHBEARER_CLOCK_SKEW_SECONDS) ?? '30') * 1000;
  if (jwks !== null) {
    return {
      kind: 'jwks',
      keys: loadJwks(jwks),
      principalClaim: setting(K.SASL_OAUTHBEARER_SUB_CLAIM_NAME) ?? 'sub',
      expectedAudience: listOf(setting(K.SASL_OAUTHBEARER_EXPECTED_AUDIENCE)),
      expectedIssuer: setting(K.SASL_OAUTHBEARER_EXPECTED_ISSUER),
      allowableClockSkewMs: skewMs,
    };
  }
  const entries = jaasEntries(config, listener, 'OAUTHBEARER');
  return {
    kind: 'unsecured',
    principalClaim: stringOption(entries, 'unsecuredValidatorPrincipalClaimName') ?? 'sub',
    allowableClockSkewMs: numberOption(entries, 'unsecuredValidatorAllowableClockSkewMs', 0),
  };
}

export function listenerSasl(config: BrokerConfig, listener: string, scram: ScramCredentialStore, fileUsers: ReadonlyMap<string, string>): ListenerSasl {
  const enabledMechanisms = listOf(listenerSetting(config, listener, K.SASL_ENABLED_MECHANISMS));
  for (const m of enabledMechanisms) {
    if (!isMechanism(m))
      throw new SecurityConfigError(`SASL mechanism ${m} of listener ${listener} is not supported: use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER`);
  }
  if (enabledMechanisms.length === 0) throw new SecurityConfigError(`Listener ${listener} is a SASL listener with no sasl.enabled.mechanisms`);
  const jaasUsers = plainUsers(jaasEntries(config, listener, 'PLAIN'));
  const validation = enabledMechanisms.includes('OAUTHBEARER') ? tokenValidation(config, listener) : null;
  const reauth = (mechanism: string): number => Number(listenerSetting(config, listener, K.CONNECTIONS_MAX_REAUTH_MS, mechanism) ?? '0');
  return {
    enabledMechanisms,
    maxReceiveBytes: Number(listenerSetting(config, listener, K.SASL_SERVER_MAX_RECEIVE_SIZE)),
    reauthMs: reauth,
    newServer(mechanism: string): SaslServer {
      if (mechanism === 'PLAIN') return new PlainSaslServer((user) => jaasUsers.get(user) ?? fileUsers.get(user) ?? null);
      if (isScramMechanism(mechanism)) return new ScramSaslServer(mechanism, (user, m) => scram.credential(user, m));
      if (mechanism === 'OAUTHBEARER' && validation !== null) return new OAuthBearerSaslServer(validation);
      throw new SecurityConfigError(`SASL mechanism ${mechanism} is not enabled`);
    },
  };
}
