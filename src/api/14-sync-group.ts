// SyncGroup: v0-5.
// - The leader sends every member's assignment; each member's response waits until the leader's assignment is
//   stored in __consumer_offsets, then carries that member's share.
// - v3+: group.instance.id (static membership). v5+: protocol type and name are checked against the group's
//   (INCONSISTENT_GROUP_PROTOCOL) and echoed back.
import { SyncGroupRequestCodec } from '../../codecs/generated/SyncGroupRequest';
import { SyncGroupResponseCodec, SyncGroupResponseInit } from '../../codecs/generated/SyncGroupResponse';
import { defineHandler } from './handler';
import { ErrorCode } from '../../codecs/protocol/errors';
import { AclOperation, allowsGroup } from './authorize';

export const syncGroupHandler = defineHandler({
  request: SyncGroupRequestCodec,
  response: SyncGroupResponseCodec,
  async handle(request, ctx): Promise<SyncGroupResponseInit> {
    if (!allowsGroup(ctx, AclOperation.READ, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    }
    const result = await ctx.services.groups.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: result.assignment,
    };
  },
});
