// FindCoordinator: v0-6.
// - Key type 0 (group) and 1 (transaction): this node coordinates everything. Other key types: INVALID_REQUEST.
// - A group lookup creates __consumer_offsets on first use (Kafka creates it on the first lookup too, but answers
//   COORDINATOR_NOT_AVAILABLE until it exists; Eddy creates it before answering, so clients need no retry).
// - v0-3 carry one key; v4+ batch several keys (KIP-699) with a result per key.
// - Left out: share-group coordinators (key type 2), since Eddy serves no share groups.
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec, FindCoordinatorResponseInit } from '../../codecs/generated/FindCoordinatorResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler, RequestContext } from './handler';
import { AclOperation, allowsGroup, allowsTransactionalId } from './authorize';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

interface CoordinatorAnswer {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

async function coordinatorFor(keyType: number, key: string, ctx: RequestContext): Promise<CoordinatorAnswer> {
  const failure = (errorCode: number, errorMessage: string): CoordinatorAnswer => ({ errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
  // Kafka checks DESCRIBE on the group or transactional id before anything else, with Errors' own messages.
  if (keyType === KEY_TYPE_GROUP && !allowsGroup(ctx, AclOperation.DESCRIBE, key))
    return failure(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.');
  if (keyType === KEY_TYPE_TRANSACTION && !allowsTransactionalId(ctx, AclOperation.DESCRIBE, key)) {
    return failure(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Transactional Id authorization failed.');
  }
  if (keyType !== KEY_TYPE_GROUP && keyType !== KEY_TYPE_TRANSACTION) {
    return failure(ErrorCode.INVALID_REQUEST, `Unknown coordinator type: ${keyType}`);
  }
  if (keyType === KEY_TYPE_GROUP) {
    try {
      await ctx.services.groups.ensureOffsetsTopic();
    } catch (err) {
      ctx.logger.error({ err }, 'could not create the offsets topic');
      return failure(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
    }
  }
  const address = ctx.services.listeners.advertisedFor(ctx.listenerName);
  return { errorCode: ErrorCode.NONE, errorMessage: '', nodeId: ctx.services.node.nodeId, host: address.host, port: address.port };
}

export const findCoordinatorHandler = defineHandler({
  request: FindCoordinatorRequestCodec,
  response: FindCoordinatorResponseCodec,
  async handle(request, ctx): Promise<FindCoordinatorResponseInit> {
    if (ctx.apiVersion < 4) {
      const a = await coordinatorFor(request.keyType, request.key, ctx);
      return { throttleTimeMs: 0, ...a, errorMessage: a.errorCode === ErrorCode.NONE ? 'NONE' : a.errorMessage };
    }
    const coordinators = [];
    for (const key of request.coordinatorKeys) {
      const a = await coordinatorFor(request.keyType, key, ctx);
      // Kafka's v4+ answer carries an empty message for a refused key.
      coordinators.push({
        key,
        ...a,
        errorMessage:
          a.errorCode === ErrorCode.GROUP_AUTHORIZATION_FAILED || a.errorCode === ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED ? '' : a.errorMessage,
      });
    }
    return { throttleTimeMs: 0, coordinators };
  },
});
