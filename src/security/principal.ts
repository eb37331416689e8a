// Who a connection is, as Kafka's authorizer and quotas will see it: a KafkaPrincipal of type User, built by the
// listener's security protocol (Kafka's DefaultKafkaPrincipalBuilder): User:ANONYMOUS on PLAINTEXT and on SSL
// without a client certificate, the mapped certificate subject on SSL with one, the SASL authorization id on
// SASL_PLAINTEXT and SASL_SSL.

export interface KafkaPrincipal {
  readonly type: 'User';
  readonly name: string;
}

export const ANONYMOUS: KafkaPrincipal = Object.freeze({ type: 'User', name: 'ANONYMOUS' });

export function userPrincipal(name: string): KafkaPrincipal {
  return { type: 'User', name };
}

/** "User:alice", as Kafka prints principals in logs and ACLs. */
export function principalText(principal: KafkaPrincipal): string {
  return `${principal.type}:${principal.name}`;
}

export function samePrincipal(a: KafkaPrincipal, b: KafkaPrincipal): boolean {
  return a.type === b.type && a.name === b.name;
}
