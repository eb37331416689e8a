// DeleteGroups: v0-2.
// - Deletes empty groups with their committed offsets (tombstones in __consumer_offsets).
// - A group with members: NON_EMPTY_GROUP; an unknown group: GROUP_ID_NOT_FOUND.
import { DeleteGroupsRequestCodec } from '../../codecs/generated/DeleteGroupsRequest';
import { DeleteGroupsResponseCodec, DeleteGroupsResponseInit } from '../../codecs/generated/DeleteGroupsResponse';
import { defineHandler } from './handler';

export const deleteGroupsHandler = defineHandler({
  request: DeleteGroupsRequestCodec,
  response: DeleteGroupsResponseCodec,
  async handle(request, ctx): Promise<DeleteGroupsResponseInit> {
    const results = await ctx.services.groups.deleteGroups(request.groupsNames);
    return { throttleTimeMs: 0, results };
  },
});
