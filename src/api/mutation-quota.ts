// The controller mutation quota (KIP-599) as the topic-changing APIs apply it: strict from the version whose
// clients know THROTTLING_QUOTA_EXCEEDED (CreateTopics v6, DeleteTopics v5, CreatePartitions v3), permissive
// before; the answer carries the throttle time and the connection is muted for it.
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import { quotaClientOf } from '../security/quotas/client-quotas';
import type { MutationQuota } from '../security/quotas/client-quota-manager';
import type { RequestContext } from './handler';

/** Kafka's message for a topic the quota refused (the error's own default message). */
export const MUTATION_REFUSED_MESSAGE = 'The throttling quota has been exceeded.';

export function mutationQuotaFor(ctx: RequestContext, strictSinceVersion: number): MutationQuota {
  return ctx.services.quotas.enforcement.mutationQuota(quotaClientOf(ctx), ctx.apiVersion >= strictSinceVersion, Date.now);
}

/** Takes the tokens of a topic's partitions, or throws Kafka's refusal (the error's own message) when overdrawn. */
export function admitMutation(quota: MutationQuota, partitions: number): void {
  if (!quota.admit(partitions)) throw new KafkaError(ErrorCode.THROTTLING_QUOTA_EXCEEDED, MUTATION_REFUSED_MESSAGE);
}

/** The throttle time to answer with, muting the connection for it. */
export function settleMutationQuota(ctx: RequestContext, quota: MutationQuota): number {
  const throttleMs = quota.throttleMs();
  ctx.throttle(throttleMs);
  return throttleMs;
}
