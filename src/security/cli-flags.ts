// The `eddy start` flags for security, each with its EDDY_* variable and the broker config it sets (Kafka's key,
// or Eddy's users file). Kept apart from cli-args.ts so the command line grows by a loop, not by a flag per hunk;
// importing nothing, it costs the start path nothing.

export interface SecurityFlag {
  readonly flag: string;
  readonly env: string;
  readonly config: string;
  readonly describe: string;
}

export const SECURITY_FLAGS: readonly SecurityFlag[] = [
  {
    flag: 'security-protocol-map',
    env: 'EDDY_SECURITY_PROTOCOL_MAP',
    config: 'listener.security.protocol.map',
    describe:
      'Security protocol per listener name, e.g. "CLIENT:SASL_SSL,INTERNAL:PLAINTEXT" (names PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL map to themselves)',
  },
  {
    flag: 'ssl-keystore',
    env: 'EDDY_SSL_KEYSTORE',
    config: 'ssl.keystore.location',
    describe: 'Server key and certificate chain for SSL and SASL_SSL listeners: a PEM file (key then chain) or PKCS12',
  },
  { flag: 'ssl-keystore-password', env: 'EDDY_SSL_KEYSTORE_PASSWORD', config: 'ssl.keystore.password', describe: 'Password of a PKCS12 key store' },
  { flag: 'ssl-key-password', env: 'EDDY_SSL_KEY_PASSWORD', config: 'ssl.key.password', describe: 'Password of an encrypted PEM private key' },
  {
    flag: 'ssl-truststore',
    env: 'EDDY_SSL_TRUSTSTORE',
    config: 'ssl.truststore.location',
    describe: 'CA certificates client certificates are checked against (PEM or PKCS12)',
  },
  { flag: 'ssl-truststore-password', env: 'EDDY_SSL_TRUSTSTORE_PASSWORD', config: 'ssl.truststore.password', describe: 'Password of a PKCS12 trust store' },
  { flag: 'ssl-client-auth', env: 'EDDY_SSL_CLIENT_AUTH', config: 'ssl.client.auth', describe: 'Client certificates: none (default), requested or required' },
  {
    flag: 'sasl-mechanisms',
    env: 'EDDY_SASL_MECHANISMS',
    config: 'sasl.enabled.mechanisms',
    describe: 'SASL mechanisms of SASL listeners (default PLAIN,SCRAM-SHA-256,SCRAM-SHA-512; OAUTHBEARER too if listed)',
  },
  {
    flag: 'users-file',
    env: 'EDDY_USERS_FILE',
    config: 'eddy.users.file',
    describe: 'File of name=password lines: users for PLAIN and SCRAM on every SASL listener',
  },
];

/** The broker configs the security flags and variables set, as key=value pairs; flags win over variables. */
export function securityConfigPairs(args: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const pairs: string[] = [];
  for (const f of SECURITY_FLAGS) {
    const fromFlag = args[f.flag];
    const value = typeof fromFlag === 'string' ? fromFlag : env[f.env];
    if (value !== undefined && value !== '') pairs.push(`${f.config}=${value}`);
  }
  return pairs;
}
