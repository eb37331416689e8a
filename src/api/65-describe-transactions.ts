// DescribeTransactions: v0.
// - The coordinator's view of each transactional id: state name (Kafka's: Empty, Ongoing, PrepareCommit, ...),
//   timeout, start time of the open transaction (-1 if none), producer id and epoch, and its partitions.
// - Ids the coordinator does not know (or that are Dead): TRANSACTIONAL_ID_NOT_FOUND; an empty id: INVALID_REQUEST.
import { DescribeTransactionsRequestCodec } from '../../codecs/generated/DescribeTransactionsRequest';
import { DescribeTransactionsResponseCodec, DescribeTransactionsResponseInit } from '../../codecs/generated/DescribeTransactionsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import { AclOperation, allowsTransactionalId, topicCheck } from './authorize';

export const describeTransactionsHandler = defineHandler({
  request: DescribeTransactionsRequestCodec,
  response: DescribeTransactionsResponseCodec,
  handle(request, ctx): DescribeTransactionsResponseInit {
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((transactionalId) => {
        const mayDescribe = topicCheck(ctx, AclOperation.DESCRIBE);
        if (!allowsTransactionalId(ctx, AclOperation.DESCRIBE, transactionalId)) {
          const refused = { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, transactionalId, transactionState: '', transactionTimeoutMs: 0 };
          return { ...refused, transactionStartTimeMs: -1n, producerId: 0n, producerEpoch: 0, topics: [] };
        }
        const m = ctx.services.transactions.describe(transactionalId);
        // An error answer keeps the schema's defaults (producer id and epoch 0), as Kafka's does.
        if (transactionalId === '' || m === undefined || m.state === 'Dead') {
          return {
            errorCode: transactionalId === '' ? ErrorCode.INVALID_REQUEST : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
            transactionalId,
            transactionState: '',
            transactionTimeoutMs: 0,
            transactionStartTimeMs: -1n,
            producerId: 0n,
            producerEpoch: 0,
            topics: [],
          };
        }
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: m.state,
          transactionTimeoutMs: m.timeoutMs,
          transactionStartTimeMs: m.startTimestamp,
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          // Only the partitions of topics the principal may describe, as Kafka.
          topics: [...m.partitions.entries()]
            .filter(([topic]) => mayDescribe(topic))
            .map(([topic, parts]) => ({ topic, partitions: [...parts].sort((a, b) => a - b) })),
        };
      }),
    };
  },
});
