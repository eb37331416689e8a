// DeleteGroups: v0-2.
// - Deletes empty groups with their committed offsets (tombstones in __consumer_offsets).
// - A group with members: NON_EMPTY_GROUP; an unknown group: GROUP_ID_NOT_FOUND.
import { DeleteGroupsRequestCodec } from '../../codecs/generated/DeleteGroupsRequest';
import { DeleteGroupsResponseCodec, DeleteGroupsResponseInit } from '../../codecs/generated/DeleteGroupsResponse';
import { defineHandler } from './handler';
import { ErrorCode } from '../../codecs/protocol/errors';
import { AclOperation, allowsGroup } from './authorize';

export const deleteGroupsHandler = defineHandler({
  request: DeleteGroupsRequestCodec,
  response: DeleteGroupsResponseCodec,
  async handle(request, ctx): Promise<DeleteGroupsResponseInit> {
    const mayDelete = (groupId: string): boolean => allowsGroup(ctx, AclOperation.DELETE, groupId);
    const results = await ctx.services.groups.deleteGroups(request.groupsNames.filter(mayDelete));
    const refused = request.groupsNames
      .filter((groupId) => !mayDelete(groupId))
      .map((groupId) => ({ groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED }));
    return { throttleTimeMs: 0, results: [...results, ...refused] };
  },
});
