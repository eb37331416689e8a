// Which configured quota holds a client, as Kafka's DefaultQuotaCallback decides (ClientQuotaManager.scala), in
// two steps kept apart as Kafka keeps them:
// 1. metric tags: the first of eight levels that has a quota of this type picks which clients share one rate:
//      1 /users/<user>/clients/<client-id>     (user, client-id)
//      2 /users/<user>/clients/<default>       (user, client-id)
//      3 /users/<user>                         (user, "")
//      4 /users/<default>/clients/<client-id>  (user, client-id)
//      5 /users/<default>/clients/<default>    (user, client-id)
//      6 /users/<default>                      (user, "")
//      7 /clients/<client-id>                  ("", client-id)
//      8 /clients/<default>                    ("", client-id)
//    so a quota on a user is shared by all of that user's clients, one on a client id by all users of it;
// 2. the limit for those tags, looked up again through the levels the tags allow.
// Quotas of each type (producer_byte_rate, consumer_byte_rate, ...) are looked up on their own: a user may have a
// produce quota of its own and a fetch quota from the client-id default.

/** What a rate is shared by: the user and the client id, "" where the level that matched leaves one out. */
export interface QuotaTags {
  readonly user: string;
  readonly clientId: string;
}

/**
 * Quotas of one type by entity: `user` and `clientId` are a name, null for the type's default, or undefined when
 * the entity has no such component.
 */
export type QuotaLookup = (user: string | null | undefined, clientId: string | null | undefined) => number | undefined;

/** Kafka's DefaultQuotaCallback.quotaMetricTags. */
export function quotaTags(quotas: QuotaLookup, user: string, clientId: string): QuotaTags {
  const has = (u: string | null | undefined, c: string | null | undefined): boolean => quotas(u, c) !== undefined;
  if (has(user, clientId) || has(user, null)) return { user, clientId };
  if (has(user, undefined)) return { user, clientId: '' };
  if (has(null, clientId) || has(null, null)) return { user, clientId };
  if (has(null, undefined)) return { user, clientId: '' };
  return { user: '', clientId };
}

/** Kafka's DefaultQuotaCallback.quotaLimit: the quota for the tags, undefined when none applies. */
export function quotaLimit(quotas: QuotaLookup, tags: QuotaTags): number | undefined {
  const { user, clientId } = tags;
  if (user !== '' && clientId !== '') {
    return quotas(user, clientId) ?? quotas(user, null) ?? quotas(null, clientId) ?? quotas(null, null);
  }
  if (user !== '') return quotas(user, undefined) ?? quotas(null, undefined);
  if (clientId !== '') return quotas(undefined, clientId) ?? quotas(undefined, null);
  return undefined;
}
