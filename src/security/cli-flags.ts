// The `eddy start` flags for security, each with its EDDY_* variable and the broker config it sets (Kafka's key,
// or Eddy's users file). Kept apart from cli-args.ts so the command line grows by a loop, not by a flag per hunk;
// importing nothing, it costs the start path nothing.

export interface SecurityFlag {
  readonly flag: string;
  readonly config: string;
  readonly describe: string;
}

export const SECURITY_FLAGS: readonly SecurityFlag[] = [
  {
    flag: 'security-protocol-map',
    config: 'listener.security.protocol.map',
    describe:
      'Security protocol per listener name, e.g. "CLIENT:SASL_SSL,INTERNAL:PLAINTEXT" (names PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL map to themselves)',
  },
  {
    flag: 'ssl-keystore',
    config: 'ssl.keystore.location',
    describe: 'Server key and certificate chain for SSL and SASL_SSL listeners: a PEM file (key then chain) or PKCS12',
  },
  { flag: 'ssl-keystore-password', config: 'ssl.keystore.password', describe: 'Password of a PKCS12 key store' },
  { flag: 'ssl-key-password', config: 'ssl.key.password', describe: 'Password of an encrypted PEM private key' },
  {
    flag: 'ssl-truststore',
    config: 'ssl.truststore.location',
    describe: 'CA certificates client certificates are checked against (PEM or PKCS12)',
  },
  { flag: 'ssl-truststore-password', config: 'ssl.truststore.password', describe: 'Password of a PKCS12 trust store' },
  { flag: 'ssl-client-auth', config: 'ssl.client.auth', describe: 'Client certificates: none (default), requested or required' },
  {
    flag: 'sasl-mechanisms',
    config: 'sasl.enabled.mechanisms',
    describe: 'SASL mechanisms of SASL listeners (default PLAIN,SCRAM-SHA-256,SCRAM-SHA-512; OAUTHBEARER too if listed)',
  },
  {
    flag: 'users-file',
    config: 'eddy.users.file',
    describe: 'File of name=password lines: users for PLAIN and SCRAM on every SASL listener',
  },
];

/** A flag's EDDY_* variable, named as every start option's is: `ssl-keystore` is EDDY_SSL_KEYSTORE. */
export function envVariableOf(flag: SecurityFlag): string {
  return `EDDY_${flag.flag.toUpperCase().replace(/-/g, '_')}`;
}

/** The broker configs the security flags and variables set, as key=value pairs; flags win over variables. */
export function securityConfigPairs(args: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const pairs: string[] = [];
  for (const f of SECURITY_FLAGS) {
    const fromFlag = args[f.flag];
    const value = typeof fromFlag === 'string' ? fromFlag : env[envVariableOf(f)];
    if (value !== undefined && value !== '') pairs.push(`${f.config}=${value}`);
  }
  return pairs;
}
