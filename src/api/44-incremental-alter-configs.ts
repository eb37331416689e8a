// IncrementalAlterConfigs: v0-1.
// - SET, DELETE, APPEND and SUBTRACT (the last two for list configs such as cleanup.policy) on a topic's
//   overrides, validated as a whole before anything is stored; validate_only stores nothing.
// - BROKER resources: the same operations on the dynamic broker configs of the cluster-wide default ("") or of this
//   broker (its id), checked as Kafka checks them (topic-config-update.ts, config/dynamic-broker-config-rules.ts).
import { IncrementalAlterConfigsRequestCodec } from '../../codecs/generated/IncrementalAlterConfigsRequest';
import { IncrementalAlterConfigsResponseCodec, IncrementalAlterConfigsResponseInit } from '../../codecs/generated/IncrementalAlterConfigsResponse';
import { defineHandler } from './handler';
import { configRefusal, inRequestOrder, type ResourceRef } from './authorize';
import { applyBrokerIncremental, applyIncremental, isListTopicConfig, ResourceType, topicConfigDefault } from './config-resources';
import { updateResources } from './topic-config-update';

export const incrementalAlterConfigsHandler = defineHandler({
  request: IncrementalAlterConfigsRequestCodec,
  response: IncrementalAlterConfigsResponseCodec,
  async handle(request, ctx): Promise<IncrementalAlterConfigsResponseInit> {
    const refused = (r: ResourceRef) => configRefusal(ctx, r.resourceType, r.resourceName, true);
    const allowed = request.resources.filter((r) => refused(r) === null);
    const updated = await updateResources(ctx.services, allowed, request.validateOnly, (r) => (current) => {
      const changes = r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value }));
      if (r.resourceType === ResourceType.BROKER) return applyBrokerIncremental(current, changes);
      return applyIncremental(current, changes, topicConfigDefault, isListTopicConfig);
    });
    return { throttleTimeMs: 0, responses: inRequestOrder(request.resources, updated, refused) };
  },
});
