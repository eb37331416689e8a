// InitProducerId: v0-5 (v6, KIP-939 two-phase commit, is unstable in Kafka and not served).
// - No transactional id: a new producer id with epoch 0, unique across restarts (ids are reserved in blocks
//   persisted in the data dir). An idempotent producer asking again (KIP-360, v3+) also gets a new id.
// - With a transactional id: through the transaction coordinator. The first call creates the id's state; later
//   calls bump the epoch, fencing older instances, and abort a transaction the previous instance left open.
//   v3+ may name the producer id/epoch the client had (KIP-360): a mismatch is PRODUCER_FENCED, a retry of a bump
//   that already happened gets the same answer again.
// - Errors: INVALID_TRANSACTION_TIMEOUT (timeout <= 0 or above transaction.max.timeout.ms), INVALID_REQUEST (empty
//   transactional id), CONCURRENT_TRANSACTIONS (the id is mid-commit), PRODUCER_FENCED (reported as
//   INVALID_PRODUCER_EPOCH below v4, which older clients understand, as Kafka does).
import { InitProducerIdRequestCodec } from '../../codecs/generated/InitProducerIdRequest';
import { InitProducerIdResponseCodec, InitProducerIdResponseInit } from '../../codecs/generated/InitProducerIdResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, allowsCluster, allowsSomeOf, allowsTransactionalId, ResourceType } from './authorize';

export const initProducerIdHandler = defineHandler({
  request: InitProducerIdRequestCodec,
  response: InitProducerIdResponseCodec,
  maxVersion: 5,
  async handle(request, ctx): Promise<InitProducerIdResponseInit> {
    // Kafka: WRITE on the transactional id; an idempotent producer needs IDEMPOTENT_WRITE or WRITE on some topic.
    const refused =
      request.transactionalId !== null
        ? !allowsTransactionalId(ctx, AclOperation.WRITE, request.transactionalId) && ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
        : !allowsCluster(ctx, AclOperation.IDEMPOTENT_WRITE) &&
          !allowsSomeOf(ctx, AclOperation.WRITE, ResourceType.TOPIC) &&
          ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
    if (refused !== false) return { throttleTimeMs: 0, errorCode: refused, producerId: -1n, producerEpoch: -1 };
    const result = await ctx.services.transactions.initProducerId({
      transactionalId: request.transactionalId,
      transactionTimeoutMs: request.transactionTimeoutMs,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
    });
    const errorCode = result.errorCode === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : result.errorCode;
    return { throttleTimeMs: 0, errorCode, producerId: result.producerId, producerEpoch: result.producerEpoch };
  },
});
