// AlterConfigs: v0-2.
// - TOPIC resources: the given configs replace all of the topic's overrides (the legacy, non-incremental
//   semantics), after validation; validate_only stores nothing.
// - BROKER resources: Eddy's broker configs are static, so a non-empty change gets INVALID_CONFIG.
import { AlterConfigsRequestCodec } from '../../codecs/generated/AlterConfigsRequest';
import { AlterConfigsResponseCodec, AlterConfigsResponseInit } from '../../codecs/generated/AlterConfigsResponse';
import { defineHandler } from './handler';
import { updateResourceConfigs } from './topic-config-update';

export const alterConfigsHandler = defineHandler({
  request: AlterConfigsRequestCodec,
  response: AlterConfigsResponseCodec,
  async handle(request, ctx): Promise<AlterConfigsResponseInit> {
    const responses = [];
    for (const r of request.resources) {
      responses.push(
        await updateResourceConfigs(ctx.services, r.resourceType, r.resourceName, request.validateOnly, () => {
          const next: Record<string, string> = {};
          for (const c of r.configs) if (c.value !== null) next[c.name] = c.value;
          return next;
        }),
      );
    }
    return { throttleTimeMs: 0, responses };
  },
});
