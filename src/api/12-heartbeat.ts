// Heartbeat: v0-4.
// - Keeps a classic group member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
// - v3+: group.instance.id, so a fenced static member learns it with FENCED_INSTANCE_ID.
import { HeartbeatRequestCodec } from '../../codecs/generated/HeartbeatRequest';
import { HeartbeatResponseCodec, HeartbeatResponseInit } from '../../codecs/generated/HeartbeatResponse';
import { defineHandler } from './handler';
import { ErrorCode } from '../../codecs/protocol/errors';
import { AclOperation, allowsGroup } from './authorize';

export const heartbeatHandler = defineHandler({
  request: HeartbeatRequestCodec,
  response: HeartbeatResponseCodec,
  handle(request, ctx): HeartbeatResponseInit {
    if (!allowsGroup(ctx, AclOperation.READ, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const errorCode = ctx.services.groups.heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
    });
    return { throttleTimeMs: 0, errorCode };
  },
});
