// Requests and settings the group coordinator unit tests share: a small classic-group configuration and a
// ConsumerGroupHeartbeat with every field at its "not sent" value, for each test to override what it exercises.
import { GroupCoordinator, GroupCoordinatorConfig } from '../../../src/groups/group-coordinator';
import type { ConsumerHeartbeatParams, TopicCatalog } from '../../../src/groups/consumer-group-coordinator';
import { silentLogger } from '../../../src/logger';
import { MemoryStorage } from './memory-storage';

export const BASE_CONFIG: GroupCoordinatorConfig = {
  offsetsTopicPartitions: 5,
  initialRebalanceDelayMs: 0,
  minSessionTimeoutMs: 100,
  maxSessionTimeoutMs: 60_000,
  maxGroupSize: 100,
  offsetsRetentionMs: 60_000,
  offsetsRetentionCheckIntervalMs: 3_600_000,
  offsetMetadataMaxBytes: 100,
  newMemberJoinTimeoutMs: 300_000,
  consumer: { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5_000, maxGroupSize: 100 },
};

/** A ConsumerGroupHeartbeat v1 joining group "g" with nothing set beyond what `over` gives. */
export function heartbeatParams(over: Partial<ConsumerHeartbeatParams>): ConsumerHeartbeatParams {
  return {
    apiVersion: 1,
    groupId: 'g',
    memberId: '',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    ...over,
  };
}

/**
 * Registers fake timers and fresh in-memory storage around each test and returns how to start coordinators on it;
 * every coordinator started is shut down after the test.
 */
export function coordinatorsOnMemoryStorage(topics?: TopicCatalog): (over?: Partial<GroupCoordinatorConfig>) => Promise<GroupCoordinator> {
  let storage = new MemoryStorage();
  let started: GroupCoordinator[] = [];
  beforeEach(() => {
    jest.useFakeTimers();
    storage = new MemoryStorage();
    started = [];
  });
  afterEach(() => {
    for (const c of started) c.shutdown();
    jest.useRealTimers();
  });
  return async (over = {}) => {
    const c = await GroupCoordinator.start({ storage, config: { ...BASE_CONFIG, ...over }, logger: silentLogger(), topics });
    started.push(c);
    return c;
  };
}
