// AddOffsetsToTxn: v0-4.
// - Adds the __consumer_offsets partition that owns the group to the producer's transaction, so the commit or
//   abort marker reaches the offsets committed with TxnOffsetCommit. Creates the offsets topic if needed.
// - Errors as AddPartitionsToTxn: INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED (INVALID_PRODUCER_EPOCH below v2),
//   CONCURRENT_TRANSACTIONS; COORDINATOR_NOT_AVAILABLE when the offsets topic cannot be created.
import { AddOffsetsToTxnRequestCodec } from '../../codecs/generated/AddOffsetsToTxnRequest';
import { AddOffsetsToTxnResponseCodec, AddOffsetsToTxnResponseInit } from '../../codecs/generated/AddOffsetsToTxnResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { OFFSETS_TOPIC } from '../groups/offsets-topic';
import { defineHandler } from './handler';
import { AclOperation, allowsGroup, allowsTransactionalId } from './authorize';

export const addOffsetsToTxnHandler = defineHandler({
  request: AddOffsetsToTxnRequestCodec,
  response: AddOffsetsToTxnResponseCodec,
  async handle(request, ctx): Promise<AddOffsetsToTxnResponseInit> {
    const services = ctx.services;
    if (!allowsTransactionalId(ctx, AclOperation.WRITE, request.transactionalId))
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (!allowsGroup(ctx, AclOperation.READ, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    try {
      await services.groups.ensureOffsetsTopic();
    } catch (err) {
      ctx.logger.error({ err }, 'could not create the offsets topic');
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    }
    const partition = services.groups.partitionFor(request.groupId);
    let errorCode = await services.transactions.addPartitions(request.transactionalId, request.producerId, request.producerEpoch, [
      { topic: OFFSETS_TOPIC, partitions: [partition] },
    ]);
    if (errorCode === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
    return { throttleTimeMs: 0, errorCode };
  },
});
