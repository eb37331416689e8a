// LeaveGroup: v0-5.
// - v0-2: one member id; the member's own error is the top-level error, as Kafka reports it.
// - v3+: a batch of members, by member id and/or group.instance.id (KIP-345 admin removal of static members
//   by instance id alone), each with its own error.
// - v5+: each member's reason is logged.
import { LeaveGroupRequestCodec } from '../../codecs/generated/LeaveGroupRequest';
import { LeaveGroupResponseCodec, LeaveGroupResponseInit } from '../../codecs/generated/LeaveGroupResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, allowsGroup } from './authorize';

export const leaveGroupHandler = defineHandler({
  request: LeaveGroupRequestCodec,
  response: LeaveGroupResponseCodec,
  handle(request, ctx): LeaveGroupResponseInit {
    if (!allowsGroup(ctx, AclOperation.READ, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    const batched = ctx.apiVersion >= 3;
    const leaving = batched
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason }))
      : [{ memberId: request.memberId, groupInstanceId: null, reason: null }];
    const result = ctx.services.groups.leaveGroup(request.groupId, leaving);
    if (batched) return { throttleTimeMs: 0, errorCode: result.errorCode, members: [...result.members] };
    const memberError = result.members[0]?.errorCode ?? ErrorCode.NONE;
    return { throttleTimeMs: 0, errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError };
  },
});
