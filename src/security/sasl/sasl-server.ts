// One SASL exchange on the broker's side, as Kafka's SaslServer: tokens in, challenges out, then the authorization
// id. Two kinds of failure, as in Kafka: SaslAuthenticationError's message is safe to send to the client (it is the
// error message of the SaslAuthenticate answer); SaslError's is for the log only, and the client gets Kafka's
// generic "Authentication failed during authentication due to invalid credentials with SASL mechanism X".

export interface SaslServer {
  readonly mechanism: string;
  /** The challenge for `token` (empty when there is none); throws SaslAuthenticationError or SaslError. */
  evaluate(token: Buffer): Buffer;
  readonly complete: boolean;
  /** The authenticated user name; only once complete. */
  authorizationId(): string;
  /** When the credential expires (ms since the epoch), for credentials that do (an OAUTHBEARER token); else null. */
  credentialExpiresAtMs(): number | null;
}

/** A failure whose message goes to the client. */
export class SaslAuthenticationError extends Error {}

/** A failure whose message stays in the log. */
export class SaslError extends Error {}

export const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export function isMechanism(name: string): name is Mechanism {
  return (MECHANISMS as readonly string[]).includes(name);
}
