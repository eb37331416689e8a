// ConsumerGroupDescribe: v0-1 (KIP-848 consumer groups).
// - Group epoch, assignment epoch, assignor, and each member's current and target assignment (topic ids and names).
// - Unknown ids and classic groups: GROUP_ID_NOT_FOUND with Kafka's messages and no state; an empty id: INVALID_GROUP_ID,
//   answered first.
// - Groups the principal may not DESCRIBE: GROUP_AUTHORIZATION_FAILED, listed first. Authorized operations, when
//   asked, of groups answered without error: what the authorizer allows (all without one). v1 member type: consumer.
import { ConsumerGroupDescribeRequestCodec } from '../../codecs/generated/ConsumerGroupDescribeRequest';
import { ConsumerGroupDescribeResponseCodec, ConsumerGroupDescribeResponseInit } from '../../codecs/generated/ConsumerGroupDescribeResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { groupOperations, OPERATIONS_OMITTED } from './authorized-operations';
import { AclOperation, allowsGroup } from './authorize';
import { defineHandler } from './handler';

type DescribedGroup = NonNullable<ConsumerGroupDescribeResponseInit['groups']>[number];

export const consumerGroupDescribeHandler = defineHandler({
  request: ConsumerGroupDescribeRequestCodec,
  response: ConsumerGroupDescribeResponseCodec,
  handle(request, ctx): ConsumerGroupDescribeResponseInit {
    const groups = ctx.services.groups;
    const describe = (groupId: string): DescribedGroup => {
      // Kafka refuses an empty id before any lookup, without a message.
      if (groupId === '')
        return { errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: null, groupId, groupState: '', authorizedOperations: OPERATIONS_OMITTED };
      const described = groups.describeConsumerGroup(groupId);
      if (!described) {
        const classic = groups.group(groupId) !== undefined;
        return {
          errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
          errorMessage: classic ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`,
          groupId,
          groupState: '',
          authorizedOperations: OPERATIONS_OMITTED,
        };
      }
      const authorizedOperations = request.includeAuthorizedOperations ? groupOperations(ctx, groupId) : OPERATIONS_OMITTED;
      return { errorCode: ErrorCode.NONE, errorMessage: null, ...described, authorizedOperations };
    };
    // Invalid ids are answered first, as Kafka completes them before asking the coordinator shards.
    const mayDescribe = (id: string): boolean => allowsGroup(ctx, AclOperation.DESCRIBE, id);
    const refused = request.groupIds.filter((id) => !mayDescribe(id));
    const asked = request.groupIds.filter(mayDescribe);
    const ordered = [...asked.filter((id) => id === ''), ...asked.filter((id) => id !== '')];
    const unauthorized = (groupId: string): DescribedGroup => ({
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      errorMessage: null,
      groupId,
      groupState: '',
      authorizedOperations: OPERATIONS_OMITTED,
    });
    return { throttleTimeMs: 0, groups: [...refused.map(unauthorized), ...ordered.map(describe)] };
  },
});
