// ConsumerGroupDescribe: v0-1 (KIP-848 consumer groups).
// - Group epoch, assignment epoch, assignor, and each member's current and target assignment (topic ids and names).
// - Unknown ids and classic groups: GROUP_ID_NOT_FOUND with Kafka's messages and no state; an empty id: INVALID_GROUP_ID,
//   answered first.
// - Authorized operations are reported as "not requested" (INT32 min): Eddy has no ACLs. v1 member type: consumer.
import { ConsumerGroupDescribeRequestCodec } from '../../codecs/generated/ConsumerGroupDescribeRequest';
import { ConsumerGroupDescribeResponseCodec, ConsumerGroupDescribeResponseInit } from '../../codecs/generated/ConsumerGroupDescribeResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { OPERATIONS_OMITTED } from './authorized-operations';
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
      return { errorCode: ErrorCode.NONE, errorMessage: null, ...described, authorizedOperations: OPERATIONS_OMITTED };
    };
    // Invalid ids are answered first, as Kafka completes them before asking the coordinator shards.
    const ordered = [...request.groupIds.filter((id) => id === ''), ...request.groupIds.filter((id) => id !== '')];
    return { throttleTimeMs: 0, groups: ordered.map(describe) };
  },
});
