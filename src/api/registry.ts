// The dispatch table: every API Eddy serves, keyed by API key, with the version range ApiVersions advertises.
// A handler's module (and the generated codecs it imports) loads on the first request with its API key, not at
// start: loading all of them eagerly was the largest part of startup, while a client's first request, ApiVersions,
// needs only the ranges below. A test loads every handler and checks it serves exactly the range written here.
import type { ApiHandler } from './handler';

/** Stands in for a handler until its first use, then forwards to the loaded one. */
export function lazyHandler(apiKey: number, minVersion: number, maxVersion: number, load: () => ApiHandler): ApiHandler {
  let loaded: ApiHandler | undefined;
  const handler = (): ApiHandler => {
    if (loaded === undefined) {
      const h = load();
      if (h.apiKey !== apiKey || h.minVersion !== minVersion || h.maxVersion !== maxVersion) {
        throw new Error(
          `handler for API key ${apiKey} serves key ${h.apiKey} v${h.minVersion}-${h.maxVersion}, ` +
            `but the dispatch table advertises v${minVersion}-${maxVersion}`,
        );
      }
      loaded = h;
    }
    return loaded;
  };
  return {
    apiKey,
    minVersion,
    maxVersion,
    decodeRequest: (reader, version) => handler().decodeRequest(reader, version),
    handle: (request, ctx) => handler().handle(request, ctx),
    encodeResponse: (response, writer, version) => handler().encodeResponse(response, writer, version),
  };
}

export const HANDLERS: readonly ApiHandler[] = [
  lazyHandler(0, 0, 13, () => (require('./00-produce') as typeof import('./00-produce')).produceHandler),
  lazyHandler(1, 0, 18, () => (require('./01-fetch') as typeof import('./01-fetch')).fetchHandler),
  lazyHandler(2, 0, 11, () => (require('./02-list-offsets') as typeof import('./02-list-offsets')).listOffsetsHandler),
  lazyHandler(3, 0, 13, () => (require('./03-metadata') as typeof import('./03-metadata')).metadataHandler),
  lazyHandler(8, 0, 10, () => (require('./08-offset-commit') as typeof import('./08-offset-commit')).offsetCommitHandler),
  lazyHandler(9, 0, 10, () => (require('./09-offset-fetch') as typeof import('./09-offset-fetch')).offsetFetchHandler),
  lazyHandler(10, 0, 6, () => (require('./10-find-coordinator') as typeof import('./10-find-coordinator')).findCoordinatorHandler),
  lazyHandler(11, 0, 9, () => (require('./11-join-group') as typeof import('./11-join-group')).joinGroupHandler),
  lazyHandler(12, 0, 4, () => (require('./12-heartbeat') as typeof import('./12-heartbeat')).heartbeatHandler),
  lazyHandler(13, 0, 5, () => (require('./13-leave-group') as typeof import('./13-leave-group')).leaveGroupHandler),
  lazyHandler(14, 0, 5, () => (require('./14-sync-group') as typeof import('./14-sync-group')).syncGroupHandler),
  lazyHandler(15, 0, 6, () => (require('./15-describe-groups') as typeof import('./15-describe-groups')).describeGroupsHandler),
  lazyHandler(16, 0, 5, () => (require('./16-list-groups') as typeof import('./16-list-groups')).listGroupsHandler),
  lazyHandler(17, 0, 1, () => (require('./17-sasl-handshake') as typeof import('./17-sasl-handshake')).saslHandshakeHandler),
  lazyHandler(18, 0, 4, () => (require('./18-api-versions') as typeof import('./18-api-versions')).apiVersionsHandler),
  lazyHandler(19, 0, 7, () => (require('./19-create-topics') as typeof import('./19-create-topics')).createTopicsHandler),
  lazyHandler(20, 0, 6, () => (require('./20-delete-topics') as typeof import('./20-delete-topics')).deleteTopicsHandler),
  lazyHandler(21, 0, 2, () => (require('./21-delete-records') as typeof import('./21-delete-records')).deleteRecordsHandler),
  lazyHandler(22, 0, 5, () => (require('./22-init-producer-id') as typeof import('./22-init-producer-id')).initProducerIdHandler),
  lazyHandler(23, 0, 4, () => (require('./23-offset-for-leader-epoch') as typeof import('./23-offset-for-leader-epoch')).offsetForLeaderEpochHandler),
  lazyHandler(24, 0, 5, () => (require('./24-add-partitions-to-txn') as typeof import('./24-add-partitions-to-txn')).addPartitionsToTxnHandler),
  lazyHandler(25, 0, 4, () => (require('./25-add-offsets-to-txn') as typeof import('./25-add-offsets-to-txn')).addOffsetsToTxnHandler),
  lazyHandler(26, 0, 5, () => (require('./26-end-txn') as typeof import('./26-end-txn')).endTxnHandler),
  lazyHandler(28, 0, 5, () => (require('./28-txn-offset-commit') as typeof import('./28-txn-offset-commit')).txnOffsetCommitHandler),
  lazyHandler(29, 0, 3, () => (require('./29-describe-acls') as typeof import('./29-describe-acls')).describeAclsHandler),
  lazyHandler(30, 0, 3, () => (require('./30-create-acls') as typeof import('./30-create-acls')).createAclsHandler),
  lazyHandler(31, 0, 3, () => (require('./31-delete-acls') as typeof import('./31-delete-acls')).deleteAclsHandler),
  lazyHandler(32, 0, 4, () => (require('./32-describe-configs') as typeof import('./32-describe-configs')).describeConfigsHandler),
  lazyHandler(33, 0, 2, () => (require('./33-alter-configs') as typeof import('./33-alter-configs')).alterConfigsHandler),
  lazyHandler(35, 0, 5, () => (require('./35-describe-log-dirs') as typeof import('./35-describe-log-dirs')).describeLogDirsHandler),
  lazyHandler(36, 0, 2, () => (require('./36-sasl-authenticate') as typeof import('./36-sasl-authenticate')).saslAuthenticateHandler),
  lazyHandler(37, 0, 3, () => (require('./37-create-partitions') as typeof import('./37-create-partitions')).createPartitionsHandler),
  lazyHandler(42, 0, 2, () => (require('./42-delete-groups') as typeof import('./42-delete-groups')).deleteGroupsHandler),
  lazyHandler(44, 0, 1, () => (require('./44-incremental-alter-configs') as typeof import('./44-incremental-alter-configs')).incrementalAlterConfigsHandler),
  lazyHandler(47, 0, 0, () => (require('./47-offset-delete') as typeof import('./47-offset-delete')).offsetDeleteHandler),
  lazyHandler(48, 0, 1, () => (require('./48-describe-client-quotas') as typeof import('./48-describe-client-quotas')).describeClientQuotasHandler),
  lazyHandler(49, 0, 1, () => (require('./49-alter-client-quotas') as typeof import('./49-alter-client-quotas')).alterClientQuotasHandler),
  lazyHandler(
    50,
    0,
    0,
    () => (require('./50-describe-user-scram-credentials') as typeof import('./50-describe-user-scram-credentials')).describeUserScramCredentialsHandler,
  ),
  lazyHandler(
    51,
    0,
    0,
    () => (require('./51-alter-user-scram-credentials') as typeof import('./51-alter-user-scram-credentials')).alterUserScramCredentialsHandler,
  ),
  lazyHandler(60, 0, 2, () => (require('./60-describe-cluster') as typeof import('./60-describe-cluster')).describeClusterHandler),
  lazyHandler(61, 0, 0, () => (require('./61-describe-producers') as typeof import('./61-describe-producers')).describeProducersHandler),
  lazyHandler(65, 0, 0, () => (require('./65-describe-transactions') as typeof import('./65-describe-transactions')).describeTransactionsHandler),
  lazyHandler(66, 0, 2, () => (require('./66-list-transactions') as typeof import('./66-list-transactions')).listTransactionsHandler),
  lazyHandler(68, 0, 1, () => (require('./68-consumer-group-heartbeat') as typeof import('./68-consumer-group-heartbeat')).consumerGroupHeartbeatHandler),
  lazyHandler(69, 0, 1, () => (require('./69-consumer-group-describe') as typeof import('./69-consumer-group-describe')).consumerGroupDescribeHandler),
  lazyHandler(75, 0, 0, () => (require('./75-describe-topic-partitions') as typeof import('./75-describe-topic-partitions')).describeTopicPartitionsHandler),
];

export function buildHandlerTable(extra: readonly ApiHandler[] = []): ReadonlyMap<number, ApiHandler> {
  const table = new Map<number, ApiHandler>();
  for (const h of [...HANDLERS, ...extra]) {
    if (table.has(h.apiKey)) throw new Error(`two handlers registered for API key ${h.apiKey}`);
    table.set(h.apiKey, h);
  }
  return table;
}
