// The dispatch table: every API Eddy serves, keyed by API key. ApiVersions advertises exactly this table.
import type { ApiHandler } from './handler';
import { produceHandler } from './00-produce';
import { fetchHandler } from './01-fetch';
import { listOffsetsHandler } from './02-list-offsets';
import { metadataHandler } from './03-metadata';
import { apiVersionsHandler } from './18-api-versions';
import { createTopicsHandler } from './19-create-topics';
import { deleteTopicsHandler } from './20-delete-topics';
import { deleteRecordsHandler } from './21-delete-records';
import { offsetForLeaderEpochHandler } from './23-offset-for-leader-epoch';
import { describeConfigsHandler } from './32-describe-configs';
import { alterConfigsHandler } from './33-alter-configs';
import { describeLogDirsHandler } from './35-describe-log-dirs';
import { createPartitionsHandler } from './37-create-partitions';
import { incrementalAlterConfigsHandler } from './44-incremental-alter-configs';
import { describeClusterHandler } from './60-describe-cluster';
import { offsetCommitHandler } from './08-offset-commit';
import { offsetFetchHandler } from './09-offset-fetch';
import { findCoordinatorHandler } from './10-find-coordinator';
import { joinGroupHandler } from './11-join-group';
import { heartbeatHandler } from './12-heartbeat';
import { leaveGroupHandler } from './13-leave-group';
import { syncGroupHandler } from './14-sync-group';
import { describeGroupsHandler } from './15-describe-groups';
import { listGroupsHandler } from './16-list-groups';
import { deleteGroupsHandler } from './42-delete-groups';
import { offsetDeleteHandler } from './47-offset-delete';
import { consumerGroupHeartbeatHandler } from './68-consumer-group-heartbeat';
import { consumerGroupDescribeHandler } from './69-consumer-group-describe';

export const HANDLERS: readonly ApiHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler,
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  offsetForLeaderEpochHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  describeLogDirsHandler,
  createPartitionsHandler,
  incrementalAlterConfigsHandler,
  describeClusterHandler,
  // group coordinator
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  deleteGroupsHandler,
  offsetDeleteHandler,
  consumerGroupHeartbeatHandler,
  consumerGroupDescribeHandler,
];

export function buildHandlerTable(extra: readonly ApiHandler[] = []): ReadonlyMap<number, ApiHandler> {
  const table = new Map<number, ApiHandler>();
  for (const h of [...HANDLERS, ...extra]) {
    if (table.has(h.apiKey)) throw new Error(`two handlers registered for API key ${h.apiKey}`);
    table.set(h.apiKey, h);
  }
  return table;
}
