// Heartbeat: v0-4.
// - Keeps a classic group member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
// - v3+: group.instance.id, so a fenced static member learns it with FENCED_INSTANCE_ID.
import { HeartbeatRequestCodec } from '../../codecs/generated/HeartbeatRequest';
import { HeartbeatResponseCodec, HeartbeatResponseInit } from '../../codecs/generated/HeartbeatResponse';
import { defineHandler } from './handler';

export const heartbeatHandler = defineHandler({
  request: HeartbeatRequestCodec,
  response: HeartbeatResponseCodec,
  handle(request, ctx): HeartbeatResponseInit {
    const errorCode = ctx.services.groups.heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
    });
    return { throttleTimeMs: 0, errorCode };
  },
});
