// OffsetCommit: v0-10.
// - Commits through the group coordinator into __consumer_offsets; group membership and generation are checked
//   as Kafka does (generation -1 with no member id = admin / manual-assignment commit, only while the group is
//   empty; such a commit to an unknown group creates it).
// - Unknown topics or partitions: UNKNOWN_TOPIC_OR_PARTITION (v10 addresses topics by id: UNKNOWN_TOPIC_ID).
// - Metadata longer than offset.metadata.max.bytes: OFFSET_METADATA_TOO_LARGE for that partition.
// - Partitions refused here (unknown topic or partition) come first, as Kafka's response builder lists them.
// - v1: per-partition commit timestamp (-1 = now). v2-4: retention time, turned into an explicit expiry.
// - v9+: committing to a group that does not exist with a generation reports GROUP_ID_NOT_FOUND (older versions:
//   ILLEGAL_GENERATION).
import { OffsetCommitRequestCodec } from '../../codecs/generated/OffsetCommitRequest';
import { OffsetCommitResponseCodec, OffsetCommitResponseInit } from '../../codecs/generated/OffsetCommitResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import type { OffsetCommitInput } from '../groups/group-coordinator';
import { defineHandler } from './handler';
import { AclOperation, allowsGroup, topicCheck } from './authorize';
import { refusedFirst } from './per-partition';

interface PartitionSlot {
  readonly partitionIndex: number;
  errorCode: number;
}

export const offsetCommitHandler = defineHandler({
  request: OffsetCommitRequestCodec,
  response: OffsetCommitResponseCodec,
  async handle(request, ctx): Promise<OffsetCommitResponseInit> {
    const byId = ctx.apiVersion >= 10;
    const mayGroup = allowsGroup(ctx, AclOperation.READ, request.groupId);
    const mayRead = topicCheck(ctx, AclOperation.READ);
    const inputs: OffsetCommitInput[] = [];
    // Where each accepted partition's error goes once the coordinator answers.
    const slots: PartitionSlot[] = [];
    const topics = request.topics.map((t) => {
      const ref = ctx.services.topics.find(byId ? null : t.name, t.topicId, byId);
      const partitions = t.partitions.map((p) => {
        const slot: PartitionSlot = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
        if (!mayGroup) slot.errorCode = ErrorCode.GROUP_AUTHORIZATION_FAILED;
        else if ((ref.topic !== undefined || !byId) && !mayRead(ref.topic?.name ?? t.name)) slot.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        else if (!ref.topic) slot.errorCode = ref.missingCode;
        else if (p.partitionIndex < 0 || p.partitionIndex >= ref.topic.partitions) slot.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else {
          inputs.push({
            topic: ref.topic.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata: p.committedMetadata,
            commitTimestamp: ctx.apiVersion === 1 ? p.commitTimestamp : -1n,
          });
          slots.push(slot);
        }
        return slot;
      });
      return { name: t.name, topicId: t.topicId, partitions };
    });
    if (inputs.length > 0) {
      const errors = await ctx.services.groups.commitOffsets({
        groupId: request.groupId,
        generationId: request.generationIdOrMemberEpoch,
        memberId: request.memberId,
        groupInstanceId: request.groupInstanceId,
        retentionTimeMs: ctx.apiVersion >= 2 && ctx.apiVersion <= 4 ? request.retentionTimeMs : -1n,
        apiVersion: ctx.apiVersion,
        partitions: inputs,
      });
      errors.forEach((code, i) => (slots[i].errorCode = code));
    }
    const accepted = new Set(slots);
    return { throttleTimeMs: 0, topics: refusedFirst(topics, (p) => !accepted.has(p)) };
  },
});
