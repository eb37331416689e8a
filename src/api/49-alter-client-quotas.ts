// AlterClientQuotas: v0–1. Sets or removes quotas per entity (user, client-id, user + client-id, each name or
// <default>; ip for connection_creation_rate) with the checks and messages of Kafka's controller
// (ClientQuotaControlManager); each entity succeeds or fails on its own, validate_only checks without changing.
// Changes are written to the data dir and reach enforcement at once. Eddy has no authorizer yet, so no
// CLUSTER_AUTHORIZATION_FAILED (Kafka checks ALTER_CONFIGS on the cluster).
import { AlterClientQuotasRequestCodec } from '../../codecs/generated/AlterClientQuotasRequest';
import { AlterClientQuotasResponseCodec, AlterClientQuotasResponseInit } from '../../codecs/generated/AlterClientQuotasResponse';
import { entityComponents } from '../security/quotas/quota-entities';
import { defineHandler } from './handler';

export const alterClientQuotasHandler = defineHandler({
  request: AlterClientQuotasRequestCodec,
  response: AlterClientQuotasResponseCodec,
  handle(request, ctx): AlterClientQuotasResponseInit {
    const alterations = request.entries.map((entry) => ({
      // A type named twice keeps its last name, as the Java map Kafka builds from the request does.
      entity: new Map(entry.entity.map((e): [string, string | null] => [e.entityType, e.entityName])),
      ops: entry.ops.map((op) => ({ key: op.key, value: op.remove ? null : op.value })),
    }));
    const outcomes = ctx.services.quotas.store.alter(alterations, request.validateOnly);
    return {
      throttleTimeMs: 0,
      entries: outcomes.map((o) => ({
        errorCode: o.errorCode,
        errorMessage: o.errorMessage,
        entity: entityComponents(o.entity).map(([entityType, entityName]) => ({ entityType, entityName })),
      })),
    };
  },
});
