// JoinGroup: v0-9.
// - Served by the group coordinator (src/groups); the response waits until the rebalance's join phase completes.
// - v0 has no rebalance timeout: the session timeout stands in for it, as in Kafka.
// - v4+: a new member without group.instance.id first gets MEMBER_ID_REQUIRED with its member id (KIP-394).
// - v5+: static membership (group.instance.id, KIP-345). v7+: protocol type echoed, protocol name nullable.
// - v8+: the client's reason is logged. v9+: a restarted static leader may be told to skip assignment (KIP-814).
import { JoinGroupRequestCodec } from '../../codecs/generated/JoinGroupRequest';
import { JoinGroupResponseCodec, JoinGroupResponseInit } from '../../codecs/generated/JoinGroupResponse';
import { defineHandler } from './handler';
import { ErrorCode } from '../../codecs/protocol/errors';
import { AclOperation, allowsGroup } from './authorize';
import { clientHostOf } from './group-request-context';

export const joinGroupHandler = defineHandler({
  request: JoinGroupRequestCodec,
  response: JoinGroupResponseCodec,
  async handle(request, ctx): Promise<JoinGroupResponseInit> {
    const v = ctx.apiVersion;
    if (!allowsGroup(ctx, AclOperation.READ, request.groupId)) {
      const unauthorized = { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, generationId: -1, protocolName: v >= 7 ? null : '', leader: '', memberId: '' };
      return { throttleTimeMs: 0, ...unauthorized, protocolType: null, skipAssignment: false, members: [] };
    }
    const result = await ctx.services.groups.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      requireKnownMemberId: v >= 4 && request.groupInstanceId === null,
      supportSkippingAssignment: v >= 9,
      clientId: ctx.clientId ?? '',
      clientHost: clientHostOf(ctx),
      rebalanceTimeoutMs: v === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      reason: request.reason,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      // Before v7 the protocol name is not nullable: an error answer carries the empty string.
      protocolName: result.protocolName ?? (v >= 7 ? null : ''),
      leader: result.leaderId,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
});
