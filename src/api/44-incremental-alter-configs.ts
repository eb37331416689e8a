// IncrementalAlterConfigs: v0-1.
// - SET, DELETE, APPEND and SUBTRACT (the last two for list configs such as cleanup.policy) on a topic's
//   overrides, validated as a whole before anything is stored; validate_only stores nothing.
// - BROKER resources: static in Eddy, so a non-empty change gets INVALID_CONFIG.
import { IncrementalAlterConfigsRequestCodec } from '../../codecs/generated/IncrementalAlterConfigsRequest';
import {
  IncrementalAlterConfigsResponseCodec,
  IncrementalAlterConfigsResponseInit,
} from '../../codecs/generated/IncrementalAlterConfigsResponse';
import { TOPIC_CONFIG_BY_NAME } from '../config/topic-configs';
import { defineHandler } from './handler';
import { applyIncremental } from './config-resources';
import { updateResourceConfigs } from './topic-config-update';

export const incrementalAlterConfigsHandler = defineHandler({
  request: IncrementalAlterConfigsRequestCodec,
  response: IncrementalAlterConfigsResponseCodec,
  async handle(request, ctx): Promise<IncrementalAlterConfigsResponseInit> {
    const responses = [];
    for (const r of request.resources) {
      responses.push(
        await updateResourceConfigs(ctx.services, r.resourceType, r.resourceName, request.validateOnly, (current) =>
          applyIncremental(
            current,
            r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value })),
            (name) => TOPIC_CONFIG_BY_NAME.get(name)?.defaultValue ?? null,
            (name) => TOPIC_CONFIG_BY_NAME.get(name)?.type === 'list',
          ),
        ),
      );
    }
    return { throttleTimeMs: 0, responses };
  },
});
