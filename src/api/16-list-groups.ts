// ListGroups: v0-5.
// - Every group the coordinator knows, including groups that only hold committed offsets (protocol type "").
// - v4+: state filter (case-insensitive). v5+: type filter; Eddy's groups are all of type "classic".
import { ListGroupsRequestCodec } from '../../codecs/generated/ListGroupsRequest';
import { ListGroupsResponseCodec, ListGroupsResponseInit } from '../../codecs/generated/ListGroupsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, allowsCluster, allowsGroup } from './authorize';

export const listGroupsHandler = defineHandler({
  request: ListGroupsRequestCodec,
  response: ListGroupsResponseCodec,
  handle(request, ctx): ListGroupsResponseInit {
    // Without DESCRIBE on the cluster, Kafka lists only the groups the principal may describe.
    const everyGroup = allowsCluster(ctx, AclOperation.DESCRIBE);
    const listed = ctx.services.groups
      .listGroups(request.statesFilter, request.typesFilter)
      .filter((g) => everyGroup || allowsGroup(ctx, AclOperation.DESCRIBE, g.groupId));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: listed.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: g.groupType })),
    };
  },
});
