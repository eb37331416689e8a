// AlterConfigs: v0-2.
// - TOPIC resources: the given configs replace all of the topic's overrides (the legacy, non-incremental
//   semantics), after validation; validate_only stores nothing. A null value is INVALID_REQUEST, as in Kafka.
// - BROKER resources: the given configs replace every dynamic broker config of the cluster-wide default ("") or of
//   this broker (its id), after Kafka's checks; deleting a key this way restores the static value.
import { AlterConfigsRequestCodec } from '../../codecs/generated/AlterConfigsRequest';
import { AlterConfigsResponseCodec, AlterConfigsResponseInit } from '../../codecs/generated/AlterConfigsResponse';
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { configRefusal, inRequestOrder, type ResourceRef } from './authorize';
import { updateResources } from './topic-config-update';

/** The values given, which become the resource's whole set of overrides; a null value is refused, as Kafka does. */
function replacement(configs: ReadonlyArray<{ name: string; value: string | null }>): Record<string, string> {
  const next: Record<string, string> = {};
  for (const c of configs) {
    if (c.value === null) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`);
    next[c.name] = c.value;
  }
  return next;
}

export const alterConfigsHandler = defineHandler({
  request: AlterConfigsRequestCodec,
  response: AlterConfigsResponseCodec,
  async handle(request, ctx): Promise<AlterConfigsResponseInit> {
    const refused = (r: ResourceRef) => configRefusal(ctx, r.resourceType, r.resourceName, true);
    const allowed = request.resources.filter((r) => refused(r) === null);
    const updated = await updateResources(ctx.services, allowed, request.validateOnly, (r) => () => replacement(r.configs));
    return { throttleTimeMs: 0, responses: inRequestOrder(request.resources, updated, refused) };
  },
});
