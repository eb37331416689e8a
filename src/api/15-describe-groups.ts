// DescribeGroups: v0-6.
// - Classic groups as Kafka summarises them: members always; protocol, member metadata and assignments only
//   while the group is Stable.
// - A group that does not exist (or is a KIP-848 consumer group): state "Dead" with no error before v6;
//   GROUP_ID_NOT_FOUND with a message in v6+.
// - Authorized operations (v3+) are reported as "not requested" (INT32 min): Eddy has no ACLs.
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec, DescribeGroupsResponseInit } from '../../codecs/generated/DescribeGroupsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { GroupDescription } from '../groups/group-views';
import { OPERATIONS_OMITTED } from './authorized-operations';
import { defineHandler } from './handler';

type DescribedGroup = NonNullable<DescribeGroupsResponseInit['groups']>[number];

function described(d: GroupDescription, errorCode: number, errorMessage: string | null): DescribedGroup {
  return {
    errorCode,
    errorMessage,
    groupId: d.groupId,
    groupState: d.state,
    protocolType: d.protocolType,
    protocolData: d.protocolData,
    members: d.members.map((m) => ({ ...m })),
    authorizedOperations: OPERATIONS_OMITTED,
  };
}

export const describeGroupsHandler = defineHandler({
  request: DescribeGroupsRequestCodec,
  response: DescribeGroupsResponseCodec,
  handle(request, ctx): DescribeGroupsResponseInit {
    const groups = ctx.services.groups;
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        const d = groups.describeGroup(groupId);
        if (d) return described(d, ErrorCode.NONE, null);
        if (ctx.apiVersion >= 6) {
          const message = groups.isConsumerGroup(groupId) ? `Group ${groupId} is not a classic group.` : `Group ${groupId} not found.`;
          return described(groups.deadGroup(groupId), ErrorCode.GROUP_ID_NOT_FOUND, message);
        }
        return described(groups.deadGroup(groupId), ErrorCode.NONE, null);
      }),
    };
  },
});
