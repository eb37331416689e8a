// EndTxn: v0-5.
// - Commits or aborts the producer's transaction: the coordinator records the decision in __transaction_state,
//   writes a COMMIT/ABORT marker to every partition of the transaction (offsets partitions included, which makes
//   transactional offset commits visible or drops them), records completion, then answers.
// - v0-4 run transaction protocol 1: retrying the same decision after it completed answers NONE; the opposite
//   decision is INVALID_TXN_STATE; nothing to end is INVALID_TXN_STATE.
// - v5 is transaction protocol 2 (KIP-890 part 2), as Kafka decides from the version: every commit or abort bumps
//   the epoch and the answer carries the producer id and epoch to continue with (a new producer id at epoch 0 once
//   the epoch is exhausted); an abort with nothing in the transaction is allowed and bumps too; a retry whose
//   answer was lost (the epoch before the bump) gets the current id and epoch again.
// - Errors: INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED (INVALID_PRODUCER_EPOCH below v2), INVALID_TXN_STATE,
//   CONCURRENT_TRANSACTIONS; an error answers producer id and epoch -1.
import { EndTxnRequestCodec } from '../../codecs/generated/EndTxnRequest';
import { EndTxnResponseCodec, EndTxnResponseInit } from '../../codecs/generated/EndTxnResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { TV_2, TV_CLIENT_LEGACY } from '../transactions/transaction-transitions';
import { defineHandler } from './handler';
import { AclOperation, allowsTransactionalId } from './authorize';

/** Kafka's TransactionVersion.transactionVersionForEndTxn: v5 and later speak protocol 2. */
const FIRST_TV2_VERSION = 5;

export const endTxnHandler = defineHandler({
  request: EndTxnRequestCodec,
  response: EndTxnResponseCodec,
  async handle(request, ctx): Promise<EndTxnResponseInit> {
    if (!allowsTransactionalId(ctx, AclOperation.WRITE, request.transactionalId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
    }
    const tv = ctx.apiVersion >= FIRST_TV2_VERSION ? TV_2 : TV_CLIENT_LEGACY;
    const result = await ctx.services.transactions.endTransaction(request.transactionalId, request.producerId, request.producerEpoch, request.committed, tv);
    const errorCode = result.errorCode === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : result.errorCode;
    return { throttleTimeMs: 0, errorCode, producerId: result.producerId, producerEpoch: result.producerEpoch };
  },
});
