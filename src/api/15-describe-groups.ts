// DescribeGroups: v0-6.
// - Classic groups as Kafka summarises them: members always; protocol, member metadata and assignments only
//   while the group is Stable.
// - A group that does not exist (or is a KIP-848 consumer group): state "Dead" with no error before v6;
//   GROUP_ID_NOT_FOUND with a message in v6+.
// - Groups the principal may not DESCRIBE: GROUP_AUTHORIZATION_FAILED, listed first (Kafka answers them before
//   asking the coordinator). Authorized operations (v3+, when asked) of groups answered without error: what the
//   authorizer allows (every group operation without one), as Kafka.
import { DescribeGroupsRequestCodec } from '../../codecs/generated/DescribeGroupsRequest';
import { DescribeGroupsResponseCodec, DescribeGroupsResponseInit } from '../../codecs/generated/DescribeGroupsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { GroupDescription } from '../groups/group-views';
import { groupOperations, OPERATIONS_OMITTED } from './authorized-operations';
import { AclOperation, allowsGroup } from './authorize';
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
    const refused = request.groups.filter((groupId) => !allowsGroup(ctx, AclOperation.DESCRIBE, groupId));
    const withOperations = (g: DescribedGroup): DescribedGroup =>
      ctx.apiVersion >= 3 && request.includeAuthorizedOperations && g.errorCode === ErrorCode.NONE
        ? { ...g, authorizedOperations: groupOperations(ctx, g.groupId ?? '') }
        : g;
    const unauthorized = (groupId: string): DescribedGroup => ({
      ...described(groups.deadGroup(groupId), ErrorCode.GROUP_AUTHORIZATION_FAILED, null),
      groupState: '',
      protocolType: '',
      protocolData: '',
    });
    const answered = request.groups
      .filter((groupId) => !refused.includes(groupId))
      .map((groupId) => {
        const d = groups.describeGroup(groupId);
        if (d) return described(d, ErrorCode.NONE, null);
        if (ctx.apiVersion >= 6) {
          const message = groups.isConsumerGroup(groupId) ? `Group ${groupId} is not a classic group.` : `Group ${groupId} not found.`;
          return described(groups.deadGroup(groupId), ErrorCode.GROUP_ID_NOT_FOUND, message);
        }
        return described(groups.deadGroup(groupId), ErrorCode.NONE, null);
      });
    return { throttleTimeMs: 0, groups: [...refused.map(unauthorized), ...answered.map(withOperations)] };
  },
});
