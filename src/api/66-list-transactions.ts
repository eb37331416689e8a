// ListTransactions: v0-2.
// - Every transactional id the coordinator knows (Dead ones excluded), filtered by state names, producer ids,
//   v1's duration (open transactions running at least that many ms) and v2's transactional id pattern (a regular
//   expression the whole id must match). Unknown state names come back in unknown_state_filters and match nothing.
// - An invalid pattern: INVALID_REGULAR_EXPRESSION.
import { ListTransactionsRequestCodec } from '../../codecs/generated/ListTransactionsRequest';
import { ListTransactionsResponseCodec, ListTransactionsResponseInit } from '../../codecs/generated/ListTransactionsResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { TXN_STATE_IDS } from '../transactions/transaction-metadata';
import { defineHandler } from './handler';
import { AclOperation, allowsTransactionalId } from './authorize';

function compilePattern(pattern: string | null): RegExp | null | 'invalid' {
  if (pattern === null || pattern.length === 0) return null;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return 'invalid';
  }
}

export const listTransactionsHandler = defineHandler({
  request: ListTransactionsRequestCodec,
  response: ListTransactionsResponseCodec,
  handle(request, ctx): ListTransactionsResponseInit {
    const known = new Set(Object.keys(TXN_STATE_IDS));
    const states = new Set(request.stateFilters.filter((s) => known.has(s)));
    const unknownStateFilters = request.stateFilters.filter((s) => !known.has(s));
    const pattern = compilePattern(request.transactionalIdPattern);
    if (pattern === 'invalid') {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, unknownStateFilters: [], transactionStates: [] };
    }
    const pids = new Set(request.producerIdFilters);
    const now = BigInt(Date.now());
    const transactionStates = ctx.services.transactions
      .list()
      .filter((m) => m.state !== 'Dead')
      .filter((m) => request.stateFilters.length === 0 || states.has(m.state))
      .filter((m) => pids.size === 0 || pids.has(m.producerId))
      .filter((m) => request.durationFilter < 0n || (m.startTimestamp >= 0n && now - m.startTimestamp >= request.durationFilter))
      .filter((m) => pattern === null || pattern.test(m.transactionalId))
      .filter((m) => allowsTransactionalId(ctx, AclOperation.DESCRIBE, m.transactionalId))
      .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
  },
});
