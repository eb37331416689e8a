// AlterClientQuotas: v0–1. Sets or removes quotas per entity (user, client-id, user + client-id, each name or
// <default>; ip for connection_creation_rate) with the checks and messages of Kafka's controller
// (ClientQuotaControlManager); each entity succeeds or fails on its own, validate_only checks without changing.
// Changes are written to the data dir and reach enforcement at once. With an authorizer, ALTER_CONFIGS on the
// cluster is needed; without it every entry is refused with CLUSTER_AUTHORIZATION_FAILED, as Kafka answers.
import { AlterClientQuotasRequestCodec } from '../../codecs/generated/AlterClientQuotasRequest';
import { AlterClientQuotasResponseCodec, AlterClientQuotasResponseInit } from '../../codecs/generated/AlterClientQuotasResponse';
import { entityComponents } from '../security/quotas/quota-entities';
import { defineHandler } from './handler';
import { AclOperation, allowsCluster } from './authorize';
import { ErrorCode } from '../../codecs/protocol/errors';

export const alterClientQuotasHandler = defineHandler({
  request: AlterClientQuotasRequestCodec,
  response: AlterClientQuotasResponseCodec,
  handle(request, ctx): AlterClientQuotasResponseInit {
    if (!allowsCluster(ctx, AclOperation.ALTER_CONFIGS)) {
      return {
        throttleTimeMs: 0,
        entries: request.entries.map((entry) => ({
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          errorMessage: 'Cluster authorization failed.',
          entity: entry.entity.map((e) => ({ entityType: e.entityType, entityName: e.entityName })),
        })),
      };
    }
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
