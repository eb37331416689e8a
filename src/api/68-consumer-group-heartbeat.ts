// ConsumerGroupHeartbeat: v0-1 (KIP-848, the consumer rebalance protocol with server-side assignment).
// - Joins (epoch 0), heartbeats, and leaves (epoch -1; -2, a static member's temporary leave, keeps its partitions
//   for its instance id until its session times out).
// - SubscribedTopicRegex in RE2 syntax (INVALID_REGULAR_EXPRESSION with RE2's reason), resolved by the coordinator.
// - Server assignors "uniform" (default) and "range"; others get UNSUPPORTED_ASSIGNOR.
// - v0: the broker generates the member id on join; v1 (KIP-1082): the client does, and it is never empty.
// - A member moves to a new assignment only after revoking what it must give up, so no partition has two owners.
// - The group's state is stored in __consumer_offsets (Kafka's ConsumerGroup* records) before the answer.
// - Member racks are kept and described; Kafka's server-side assignors ignore them, and so do Eddy's.
// - Left out: online migration between classic and consumer groups (a classic group with members is refused).
import { ConsumerGroupHeartbeatRequestCodec } from '../../codecs/generated/ConsumerGroupHeartbeatRequest';
import { ConsumerGroupHeartbeatResponseCodec, ConsumerGroupHeartbeatResponseInit } from '../../codecs/generated/ConsumerGroupHeartbeatResponse';
import { defineHandler } from './handler';
import { ErrorCode } from '../../codecs/protocol/errors';
import { AclOperation, allowsGroup, topicCheck } from './authorize';
import { clientHostOf } from './group-request-context';

function refusal(errorCode: number): ConsumerGroupHeartbeatResponseInit {
  return { throttleTimeMs: 0, errorCode, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
}

export const consumerGroupHeartbeatHandler = defineHandler({
  request: ConsumerGroupHeartbeatRequestCodec,
  response: ConsumerGroupHeartbeatResponseCodec,
  async handle(request, ctx): Promise<ConsumerGroupHeartbeatResponseInit> {
    if (!allowsGroup(ctx, AclOperation.READ, request.groupId)) return refusal(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    // As Kafka: a subscription naming a topic the member may not describe is refused whole, before the coordinator.
    const mayDescribe = topicCheck(ctx, AclOperation.DESCRIBE);
    if (request.subscribedTopicNames?.some((topic) => !mayDescribe(topic)) === true) return refusal(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const result = await ctx.services.groups.consumerGroups.heartbeat({
      apiVersion: ctx.apiVersion,
      groupId: request.groupId,
      memberId: request.memberId,
      memberEpoch: request.memberEpoch,
      instanceId: request.instanceId,
      rackId: request.rackId,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      subscribedTopicNames: request.subscribedTopicNames,
      subscribedTopicRegex: request.subscribedTopicRegex,
      serverAssignor: request.serverAssignor,
      topicPartitions: request.topicPartitions,
      clientId: ctx.clientId ?? '',
      clientHost: clientHostOf(ctx),
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      errorMessage: result.errorMessage,
      memberId: result.memberId,
      memberEpoch: result.memberEpoch,
      heartbeatIntervalMs: result.heartbeatIntervalMs,
      assignment: result.assignment === null ? null : { topicPartitions: result.assignment },
    };
  },
});
