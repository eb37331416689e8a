// DeleteTopics: v0-6.
// - By name (all versions) or by topic id (v6+); unknown ones get UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID.
// - As Kafka's controller: a name with an id, neither, or a name or id given twice get INVALID_REQUEST (once per
//   duplicate); refusals come first, then unknown topics, then deletions (Kafka shuffles its answers anyway).
// - Kafka 4.3.1 deletes __consumer_offsets when asked; Eddy refuses internal topics, whose coordinators hold them.
// - Internal topics cannot be deleted (INVALID_TOPIC_EXCEPTION); delete.topic.enable=false gives
//   TOPIC_DELETION_DISABLED.
// - Deletion removes the partitions' files through storage.
import { DeleteTopicsRequestCodec } from '../../codecs/generated/DeleteTopicsRequest';
import { DeleteTopicsResponseCodec, DeleteTopicsResponseInit } from '../../codecs/generated/DeleteTopicsResponse';
import { BrokerConfigKeys } from '../config/broker-config';
import { ErrorCode } from '../../codecs/protocol/errors';
import { isInternalTopic } from '../topics/topic-names';
import { ZERO_UUID } from '../../codecs/protocol/uuid';
import type { TopicMetadata } from '../../storage';
import { defineHandler } from './handler';
import type { BrokerServices } from './services';
import { AclOperation, allowsCluster, topicCheck } from './authorize';
import { MUTATION_REFUSED_MESSAGE, mutationQuotaFor, settleMutationQuota } from './mutation-quota';

type Result = NonNullable<DeleteTopicsResponseInit['responses']>[number];

interface Wanted {
  readonly name: string | null;
  readonly topicId: string;
}

function failure(name: string | null, topicId: string, errorCode: number, errorMessage: string): Result {
  return { name, topicId, errorCode, errorMessage };
}

/**
 * Kafka's checks of the request itself, before any topic is looked up: a name and an id together, neither, or the
 * same name or id twice are refused (a duplicate once, not per occurrence). Returns the answers and what is left.
 */
function checkRequest(wanted: readonly Wanted[]): { refused: Result[]; names: string[]; ids: string[] } {
  const refused: Result[] = [];
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const w of wanted) {
    if (w.name === null && w.topicId === ZERO_UUID)
      refused.push(failure(null, ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Neither topic name nor id were specified.'));
    else if (w.name !== null && w.topicId !== ZERO_UUID)
      refused.push(failure(w.name, w.topicId, ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'));
    else if (w.name !== null) names.set(w.name, (names.get(w.name) ?? 0) + 1);
    else ids.set(w.topicId, (ids.get(w.topicId) ?? 0) + 1);
  }
  const once = (counts: Map<string, number>): string[] => [...counts].filter(([, n]) => n === 1).map(([key]) => key);
  const twice = (counts: Map<string, number>): string[] => [...counts].filter(([, n]) => n > 1).map(([key]) => key);
  for (const name of twice(names)) refused.push(failure(name, ZERO_UUID, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
  for (const id of twice(ids)) refused.push(failure(null, id, ErrorCode.INVALID_REQUEST, 'Duplicate topic id.'));
  return { refused, names: once(names), ids: once(ids) };
}

/** Why an existing topic may not be deleted (deletion disabled, an internal topic), or null when it may. */
export function topicDeletionRefusal(services: BrokerServices, topicName: string): { code: number; message: string } | null {
  if (!services.config.get(BrokerConfigKeys.DELETE_TOPIC_ENABLE)) return { code: ErrorCode.TOPIC_DELETION_DISABLED, message: 'Topic deletion is disabled.' };
  if (isInternalTopic(topicName)) return { code: ErrorCode.INVALID_TOPIC_EXCEPTION, message: `Cannot delete internal topic ${topicName}` };
  return null;
}

export const deleteTopicsHandler = defineHandler({
  request: DeleteTopicsRequestCodec,
  response: DeleteTopicsResponseCodec,
  async handle(request, ctx): Promise<DeleteTopicsResponseInit> {
    const services = ctx.services;
    const wanted: Wanted[] =
      ctx.apiVersion >= 6
        ? request.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
        : request.topicNames.map((name) => ({ name: name, topicId: ZERO_UUID }));
    const { refused, names, ids } = checkRequest(wanted);
    const responses: Result[] = [...refused];
    const found: TopicMetadata[] = [];
    // Kafka's ControllerApis: DELETE on the cluster covers every topic; else DESCRIBE and DELETE per topic.
    const clusterWide = allowsCluster(ctx, AclOperation.DELETE);
    const mayDescribe = clusterWide ? (): boolean => true : topicCheck(ctx, AclOperation.DESCRIBE);
    const mayDelete = clusterWide ? (): boolean => true : topicCheck(ctx, AclOperation.DELETE);
    const unauthorized = (name: string | null, id: string): Result => failure(name, id, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.');
    for (const id of ids) {
      const topic = services.topics.byId(id);
      if (topic && !mayDelete(topic.name)) responses.push(unauthorized(mayDescribe(topic.name) ? topic.name : null, id));
      else if (topic) found.push(topic);
      else responses.push(failure(null, id, ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.'));
    }
    for (const name of names) {
      const topic = services.topics.get(name);
      if (!mayDescribe(name) || (topic && !mayDelete(name))) responses.push(unauthorized(name, ZERO_UUID));
      else if (topic) found.push(topic);
      else responses.push(failure(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'));
    }
    const quota = mutationQuotaFor(ctx, 5);
    for (const topic of found) {
      const result = (errorCode: number, errorMessage: string | null = null): Result => ({ name: topic.name, topicId: topic.topicId, errorCode, errorMessage });
      const refusal = topicDeletionRefusal(services, topic.name);
      if (refusal !== null) {
        responses.push(result(refusal.code, refusal.message));
      } else if (!quota.admit(topic.partitions)) {
        responses.push(result(ErrorCode.THROTTLING_QUOTA_EXCEEDED, MUTATION_REFUSED_MESSAGE));
      } else {
        await services.topics.delete(topic.name);
        responses.push(result(ErrorCode.NONE));
      }
    }
    return { throttleTimeMs: settleMutationQuota(ctx, quota), responses };
  },
});
