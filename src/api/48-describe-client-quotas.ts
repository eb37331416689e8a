// DescribeClientQuotas: v0–1. The quotas set through AlterClientQuotas whose entity matches the filter, as Kafka's
// broker answers from its metadata image (ClientQuotasImage.describe): components match a name exactly, the
// type's default, or any entity that has the type; strict leaves out entities with other components. A bad filter
// fails the whole request with Kafka's error and message and no entries. Quotas are never reported through
// DescribeConfigs: Kafka 4.3.1 has no user or client-id config resource.
import { DescribeClientQuotasRequestCodec } from '../../codecs/generated/DescribeClientQuotasRequest';
import { DescribeClientQuotasResponseCodec, DescribeClientQuotasResponseInit } from '../../codecs/generated/DescribeClientQuotasResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { entityComponents, isProblem, parseFilter } from '../security/quotas/quota-entities';
import { defineHandler } from './handler';
import { AclOperation, allowsCluster } from './authorize';

export const describeClientQuotasHandler = defineHandler({
  request: DescribeClientQuotasRequestCodec,
  response: DescribeClientQuotasResponseCodec,
  handle(request, ctx): DescribeClientQuotasResponseInit {
    // Kafka asks the authorizer before it reads the filter.
    if (!allowsCluster(ctx, AclOperation.DESCRIBE_CONFIGS)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null, entries: null };
    }
    const filter = parseFilter(request.components, request.strict);
    if (isProblem(filter)) return { throttleTimeMs: 0, errorCode: filter.errorCode, errorMessage: filter.message, entries: null };
    const entries = ctx.services.quotas.store.describe(filter).map(({ entity, values }) => ({
      entity: entityComponents(entity).map(([entityType, entityName]) => ({ entityType, entityName })),
      values: values.map(([key, value]) => ({ key, value })),
    }));
    // Kafka's answer data defaults the message to the empty string, and a success keeps it.
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: '', entries };
  },
});
