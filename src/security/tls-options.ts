// The TLS side of an SSL or SASL_SSL listener, from Kafka's ssl.* keys (each may be set per listener): the key
// store as PEM (a file holding key and chain, or ssl.keystore.certificate.chain/ssl.keystore.key inline) or PKCS12,
// the trust store as PEM (a file or ssl.truststore.certificates inline) or PKCS12, ssl.client.auth, and the TLS
// versions. Node's TLS reads PEM and a PKCS12 key store itself; a PKCS12 trust store holds no key, which Node's
// loader needs, so its certificates are extracted with the openssl command once, at start.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import type * as tls from 'tls';
import type { BrokerConfig } from '../config/broker-config';
import { BrokerConfigKeys as K } from '../config/broker-config';
import { listenerSetting, listOf, SecurityConfigError } from './listener-security';

export type ClientAuth = 'none' | 'requested' | 'required';

export interface ListenerTls {
  readonly serverOptions: tls.TlsOptions;
  readonly clientAuth: ClientAuth;
}

type StoreType = 'PEM' | 'PKCS12';

const TLS_VERSIONS: readonly tls.SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function readStoreFile(location: string, what: string): Buffer {
  try {
    return fs.readFileSync(location);
  } catch (err) {
    throw new SecurityConfigError(`Cannot read ${what} ${location}: ${(err as Error).message}`);
  }
}

/** Kafka's ssl.*.type, or (when left at Kafka's JKS default) what the file's first bytes say. */
function storeType(declared: string | null, explicit: boolean, contents: Buffer | null, what: string): StoreType {
  const type = (declared ?? 'JKS').toUpperCase();
  if (type === 'PEM' || type === 'PKCS12') return type;
  if (!explicit) return contents === null || contents.subarray(0, 64).toString('latin1').includes('-----BEGIN') ? 'PEM' : 'PKCS12';
  throw new SecurityConfigError(`${what} type ${type} is not supported: use PEM or PKCS12`);
}

function keyStoreOptions(config: BrokerConfig, listener: string): tls.TlsOptions {
  const setting = (key: { readonly name: string; readonly defaultValue: string | null }): string | null => listenerSetting(config, listener, key);
  const location = setting(K.SSL_KEYSTORE_LOCATION);
  const inlineChain = setting(K.SSL_KEYSTORE_CERTIFICATE_CHAIN);
  const inlineKey = setting(K.SSL_KEYSTORE_KEY);
  const keyPassword = setting(K.SSL_KEY_PASSWORD) ?? undefined;
  if (location === null) {
    if (inlineChain === null || inlineKey === null) {
      throw new SecurityConfigError(
        `Listener ${listener} uses TLS but has no key store: set ssl.keystore.location, or ssl.keystore.certificate.chain and ssl.keystore.key`,
      );
    }
    return { cert: inlineChain, key: inlineKey, passphrase: keyPassword };
  }
  const contents = readStoreFile(location, 'key store');
  const explicitType = listenerSetting(config, listener, { name: K.SSL_KEYSTORE_TYPE.name, defaultValue: null }) !== null;
  if (storeType(setting(K.SSL_KEYSTORE_TYPE), explicitType, contents, 'key store') === 'PEM') {
    return { cert: contents, key: contents, passphrase: keyPassword };
  }
  return { pfx: contents, passphrase: setting(K.SSL_KEYSTORE_PASSWORD) ?? keyPassword };
}

/** The PEM certificates of a PKCS12 trust store, through `openssl pkcs12` (the password passes in its environment). */
function pkcs12Certificates(location: string, password: string | null): string {
  try {
    return execFileSync('openssl', ['pkcs12', '-in', location, '-nokeys', '-passin', 'env:EDDY_TRUSTSTORE_PASSWORD'], {
      env: { ...process.env, EDDY_TRUSTSTORE_PASSWORD: password ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString('latin1');
  } catch (err) {
    throw new SecurityConfigError(`Cannot read PKCS12 trust store ${location} with the openssl command: ${(err as Error).message.split('\n')[0]}`);
  }
}

function trustStoreCertificates(config: BrokerConfig, listener: string): string | Buffer | undefined {
  const setting = (key: { readonly name: string; readonly defaultValue: string | null }): string | null => listenerSetting(config, listener, key);
  const inline = setting(K.SSL_TRUSTSTORE_CERTIFICATES);
  if (inline !== null) return inline;
  const location = setting(K.SSL_TRUSTSTORE_LOCATION);
  if (location === null) return undefined;
  const contents = readStoreFile(location, 'trust store');
  const explicitType = listenerSetting(config, listener, { name: K.SSL_TRUSTSTORE_TYPE.name, defaultValue: null }) !== null;
  if (storeType(setting(K.SSL_TRUSTSTORE_TYPE), explicitType, contents, 'trust store') === 'PEM') return contents;
  return pkcs12Certificates(location, setting(K.SSL_TRUSTSTORE_PASSWORD));
}

function clientAuthOf(config: BrokerConfig, listener: string): ClientAuth {
  const value = (listenerSetting(config, listener, K.SSL_CLIENT_AUTH) ?? 'none').toLowerCase();
  if (value === 'none' || value === 'requested' || value === 'required') return value;
  throw new SecurityConfigError(`Invalid ssl.client.auth "${value}" for listener ${listener}: expected required, requested or none`);
}

function versionRange(config: BrokerConfig, listener: string): Pick<tls.TlsOptions, 'minVersion' | 'maxVersion'> {
  const enabled = listOf(listenerSetting(config, listener, K.SSL_ENABLED_PROTOCOLS)).filter((v): v is tls.SecureVersion =>
    TLS_VERSIONS.includes(v as tls.SecureVersion),
  );
  if (enabled.length === 0) throw new SecurityConfigError(`ssl.enabled.protocols of listener ${listener} names no TLS version Eddy knows`);
  const order = enabled.map((v) => TLS_VERSIONS.indexOf(v)).sort();
  return { minVersion: TLS_VERSIONS[order[0]], maxVersion: TLS_VERSIONS[order[order.length - 1]] };
}

/** Everything a TLS listener needs, read and checked at start so a bad file fails the start, not a client. */
export function listenerTls(config: BrokerConfig, listener: string): ListenerTls {
  const clientAuth = clientAuthOf(config, listener);
  const ca = trustStoreCertificates(config, listener);
  if (clientAuth !== 'none' && ca === undefined) {
    throw new SecurityConfigError(`Listener ${listener} asks for client certificates (ssl.client.auth=${clientAuth}) but has no trust store`);
  }
  return {
    clientAuth,
    serverOptions: {
      ...keyStoreOptions(config, listener),
      ...(ca === undefined ? {} : { ca }),
      ...versionRange(config, listener),
      requestCert: clientAuth !== 'none',
      // 'requested' lets a client without a certificate in; one presenting a certificate that does not verify is
      // closed after the handshake (Kafka's want-client-auth fails such a handshake).
      rejectUnauthorized: clientAuth === 'required',
    },
  };
}
