// ConsumerGroupDescribe: v0-1 (KIP-848 consumer groups).
// - Group epoch, assignment epoch, assignor, and each member's current and target assignment (topic ids and names).
// - Unknown ids and classic groups: GROUP_ID_NOT_FOUND with Kafka's messages.
// - Authorized operations are reported as "not requested" (INT32 min): Eddy has no ACLs. v1 member type: consumer.
import { ConsumerGroupDescribeRequestCodec } from '../../codecs/generated/ConsumerGroupDescribeRequest';
import {
  ConsumerGroupDescribeResponseCodec,
  ConsumerGroupDescribeResponseInit,
} from '../../codecs/generated/ConsumerGroupDescribeResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { TopicPartitionsById } from '../groups/consumer-group-coordinator';
import { defineHandler } from './handler';

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
/** KIP-1099 member types: 0 classic, 1 consumer. */
const MEMBER_TYPE_CONSUMER = 1;

export const consumerGroupDescribeHandler = defineHandler({
  request: ConsumerGroupDescribeRequestCodec,
  response: ConsumerGroupDescribeResponseCodec,
  handle(request, ctx): ConsumerGroupDescribeResponseInit {
    const groups = ctx.services.groups;
    const consumer = groups.consumerGroups;
    const named = (list: readonly TopicPartitionsById[]) => ({
      topicPartitions: list.map((t) => ({ topicId: t.topicId, topicName: consumer.topicName(t.topicId), partitions: t.partitions })),
    });
    return {
      throttleTimeMs: 0,
      groups: request.groupIds.map((groupId) => {
        const d = consumer.describe(groupId);
        if (!d) {
          const classic = groups.group(groupId) !== undefined;
          return {
            errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
            errorMessage: classic ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`,
            groupId,
            groupState: 'Dead',
            authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
          };
        }
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          groupId,
          groupState: d.state,
          groupEpoch: d.groupEpoch,
          assignmentEpoch: d.assignmentEpoch,
          assignorName: d.assignorName,
          members: d.members.map((m) => ({
            memberId: m.memberId,
            instanceId: m.instanceId,
            rackId: m.rackId,
            memberEpoch: m.memberEpoch,
            clientId: m.clientId,
            clientHost: m.clientHost,
            subscribedTopicNames: [...m.subscribedTopicNames],
            subscribedTopicRegex: null,
            assignment: named(m.assignment),
            targetAssignment: named(m.targetAssignment),
            memberType: MEMBER_TYPE_CONSUMER,
          })),
          authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
        };
      }),
    };
  },
});
