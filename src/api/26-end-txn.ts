// EndTxn: v0-5.
// - Commits or aborts the producer's transaction: the coordinator records the decision in __transaction_state,
//   writes a COMMIT/ABORT marker to every partition of the transaction (offsets partitions included, which makes
//   transactional offset commits visible or drops them), records completion, then answers.
// - Retrying the same decision after it completed answers NONE; the opposite decision is INVALID_TXN_STATE.
// - Errors: INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED (INVALID_PRODUCER_EPOCH below v2), INVALID_TXN_STATE
//   (nothing to end), CONCURRENT_TRANSACTIONS.
// - v5 answers with the producer id and epoch to use next; Eddy runs transaction protocol version 1 (no epoch bump
//   per transaction, KIP-890 part 2 is not implemented), so they are the request's own.
import { EndTxnRequestCodec } from '../../codecs/generated/EndTxnRequest';
import { EndTxnResponseCodec, EndTxnResponseInit } from '../../codecs/generated/EndTxnResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';

export const endTxnHandler = defineHandler({
  request: EndTxnRequestCodec,
  response: EndTxnResponseCodec,
  async handle(request, ctx): Promise<EndTxnResponseInit> {
    let errorCode = await ctx.services.transactions.endTransaction(request.transactionalId, request.producerId, request.producerEpoch, request.committed);
    if (errorCode === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
    const ok = errorCode === ErrorCode.NONE;
    return { throttleTimeMs: 0, errorCode, producerId: ok ? request.producerId : -1n, producerEpoch: ok ? request.producerEpoch : -1 };
  },
});
