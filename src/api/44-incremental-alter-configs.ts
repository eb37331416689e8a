// IncrementalAlterConfigs: v0-1.
// - SET, DELETE, APPEND and SUBTRACT (the last two for list configs such as cleanup.policy) on a topic's
//   overrides, validated as a whole before anything is stored; validate_only stores nothing.
// - BROKER resources: static in Eddy, so a non-empty change gets INVALID_CONFIG.
import { IncrementalAlterConfigsRequestCodec } from '../../codecs/generated/IncrementalAlterConfigsRequest';
import { IncrementalAlterConfigsResponseCodec, IncrementalAlterConfigsResponseInit } from '../../codecs/generated/IncrementalAlterConfigsResponse';
import { defineHandler } from './handler';
import { applyIncremental, isListTopicConfig, topicConfigDefault } from './config-resources';
import { updateResources } from './topic-config-update';

export const incrementalAlterConfigsHandler = defineHandler({
  request: IncrementalAlterConfigsRequestCodec,
  response: IncrementalAlterConfigsResponseCodec,
  async handle(request, ctx): Promise<IncrementalAlterConfigsResponseInit> {
    const responses = await updateResources(ctx.services, request.resources, request.validateOnly, (r) => (current) => {
      const changes = r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value }));
      return applyIncremental(current, changes, topicConfigDefault, isListTopicConfig);
    });
    return { throttleTimeMs: 0, responses };
  },
});
