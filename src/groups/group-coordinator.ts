// The group coordinator: the one object the broker and the group API handlers talk to. It owns the classic groups
// (Kafka's JoinGroup / SyncGroup / Heartbeat / LeaveGroup protocol, split over classic-join.ts,
// classic-membership.ts and the rebalance state machine in classic-rebalance.ts), the KIP-848 consumer groups
// (consumer-group-coordinator.ts; they share the group id space and the offsets), committed offsets
// (group-offsets.ts), and reloading all of it from __consumer_offsets at start. Everything that must survive a
// restart goes to __consumer_offsets first.
import { ErrorCode } from '../../codecs/protocol/errors';
import type { Logger } from '../logger';
import type { ClassicGroup } from './classic-group';
import { ClassicJoin, JoinGroupParams } from './classic-join';
import { JoinResult, SyncResult, joinError, syncError } from './classic-member';
import { ClassicMembership, HeartbeatParams, LeaveGroupResult, LeavingMember, SyncGroupParams } from './classic-membership';
import { ClassicGroupsContext, ClassicRebalancer } from './classic-rebalance';
import type { CoordinatorRecord } from './coordinator-records';
import { GroupStateRebuilder } from './group-persistence';
import { CONSUMER_PROTOCOL_TYPE } from './consumer-protocol';
import { CONSUMER_GROUP_TYPE, deadGroupDescription, describeGroup, GroupDescription, GroupListing, listGroup, matchesListFilters } from './group-views';
import type { GroupCoordinatorConfig } from './group-config';
import { GroupOffsets, OffsetCommitParams, OffsetDeleteResult, OffsetFetchResult, TopicPartitions, TxnOffsetCommitParams } from './group-offsets';
import { CoordinatorStorage, OFFSETS_TOPIC, OffsetsTopic } from './offsets-topic';
import { ClassicGroupsBridge, ConsumerGroupCoordinator, TopicCatalog } from './consumer-group-coordinator';
import { GroupMigration } from './group-migration';
import { ConsumerGroupDescription, describeConsumerGroup } from './consumer-group-description';

export type { GroupCoordinatorConfig } from './group-config';
export { groupCoordinatorConfig } from './group-config';
export type {
  OffsetCommitParams,
  OffsetCommitInput,
  OffsetDeleteResult,
  OffsetFetchResult,
  FetchedOffset,
  TopicPartitions,
  TxnOffsetCommitParams,
} from './group-offsets';
export type { JoinGroupParams } from './classic-join';
export type { SyncGroupParams, HeartbeatParams, LeavingMember, LeaveGroupResult } from './classic-membership';
export type { ConsumerGroupDescription, ConsumerGroupMemberDescription } from './consumer-group-description';

export interface GroupCoordinatorOptions {
  readonly storage: CoordinatorStorage;
  readonly config: GroupCoordinatorConfig;
  readonly logger: Logger;
  /** ms since the epoch; injectable for tests */
  readonly now?: () => number;
  /** Topic names, ids and partition counts, for KIP-848 server-side assignment (storage's LogManager). */
  readonly topics?: TopicCatalog;
}

const NO_TOPICS: TopicCatalog = { topic: () => undefined, topicById: () => undefined };

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly offsetsTopic: OffsetsTopic;
  private readonly config: GroupCoordinatorConfig;
  private readonly logger: Logger;
  private readonly now: () => number;
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly offsets: GroupOffsets;
  private readonly rebalancer: ClassicRebalancer;
  private readonly joins: ClassicJoin;
  private readonly membership: ClassicMembership;
  /** Online upgrade and downgrade between classic and consumer groups. */
  private readonly migration: GroupMigration;
  /** KIP-848 consumer groups (ConsumerGroupHeartbeat); they share the group id space and offsets with classic groups. */
  readonly consumerGroups: ConsumerGroupCoordinator;
  private stopped = false;

  constructor(options: GroupCoordinatorOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.offsetsTopic = new OffsetsTopic(options.storage, options.config.offsetsTopicPartitions, options.logger, options.config.offsetsTopicConfigs);
    // The bridge is the migration, built below once the classic rebalancer it drives exists.
    const bridge: ClassicGroupsBridge = {
      inUse: (groupId) => this.migration.inUse(groupId),
      upgrade: (groupId) => this.migration.upgrade(groupId),
      downgradable: (group, leaving) => this.migration.downgradable(group, leaving),
      downgrade: (group, leaving, tombstones, rebalance) => this.migration.downgrade(group, leaving, tombstones, rebalance),
    };
    this.consumerGroups = new ConsumerGroupCoordinator(options.topics ?? NO_TOPICS, options.config.consumer, options.logger, bridge, (groupId, records) =>
      this.offsetsTopic.append(groupId, records),
    );
    const context: ClassicGroupsContext = {
      consumerGroups: this.consumerGroups,
      groups: this.groups,
      offsetsTopic: this.offsetsTopic,
      config: this.config,
      logger: this.logger,
      now: () => this.now(),
      isStopped: () => this.stopped,
    };
    this.rebalancer = new ClassicRebalancer(context);
    this.migration = new GroupMigration(context, this.rebalancer, options.topics ?? NO_TOPICS, options.config.migrationPolicy ?? 'bidirectional');
    this.joins = new ClassicJoin(context, this.rebalancer);
    this.membership = new ClassicMembership(context, this.rebalancer);
    this.offsets = new GroupOffsets({
      ...context,
      touchMember: (group, member) => this.rebalancer.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs),
    });
  }

  /** Builds the coordinator, reloads its state from __consumer_offsets and starts the offset-expiry timer. */
  static async start(options: GroupCoordinatorOptions): Promise<GroupCoordinator> {
    const coordinator = new GroupCoordinator(options);
    await coordinator.load();
    return coordinator.withOffsetExpiry();
  }

  /**
   * What `start` builds when __consumer_offsets does not exist: there is no state to reload, so this needs no
   * await, and the broker can build the coordinator on the first request that needs it.
   */
  static startWithoutState(options: GroupCoordinatorOptions): GroupCoordinator {
    if (options.storage.topic(OFFSETS_TOPIC) !== undefined) {
      throw new Error(`${OFFSETS_TOPIC} exists: its state must be reloaded with GroupCoordinator.start`);
    }
    return new GroupCoordinator(options).withOffsetExpiry();
  }

  private withOffsetExpiry(): this {
    this.scheduleOffsetExpiry();
    return this;
  }

  /** The partition of __consumer_offsets that holds the group (FindCoordinator answers with its leader: us). */
  partitionFor(groupId: string): number {
    return this.offsetsTopic.partitionFor(groupId);
  }

  /** Creates __consumer_offsets if it does not exist yet (FindCoordinator calls this, as Kafka does). */
  ensureOffsetsTopic(): Promise<void> {
    return this.offsetsTopic.ensureCreated();
  }

  group(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  /** Whether the id belongs to a KIP-848 consumer group (classic APIs then treat it as not theirs). */
  isConsumerGroup(groupId: string): boolean {
    return this.consumerGroups.group(groupId) !== undefined;
  }

  /** Stops timers and answers every waiting JoinGroup/SyncGroup with NOT_COORDINATOR, as Kafka does on unload. */
  shutdown(): void {
    this.stopped = true;
    this.consumerGroups.shutdown();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    for (const group of this.groups.values()) {
      group.clearTimers();
      for (const m of group.members.values()) {
        m.completeJoin(joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
        m.completeSync(syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Classic group membership (classic-join.ts, classic-membership.ts)

  joinGroup(p: JoinGroupParams): Promise<JoinResult> {
    return this.joins.joinGroup(p);
  }

  syncGroup(p: SyncGroupParams): Promise<SyncResult> {
    return this.membership.syncGroup(p);
  }

  heartbeat(p: HeartbeatParams): number {
    return this.membership.heartbeat(p);
  }

  leaveGroup(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    return this.membership.leaveGroup(groupId, leaving);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // DescribeGroups, ListGroups, DeleteGroups

  describeGroup(groupId: string): GroupDescription | undefined {
    if (this.isConsumerGroup(groupId)) return undefined;
    const group = this.groups.get(groupId);
    return group ? describeGroup(group) : undefined;
  }

  /** ConsumerGroupDescribe's view of a KIP-848 group (assignments with topic names); undefined when there is none. */
  describeConsumerGroup(groupId: string): ConsumerGroupDescription | undefined {
    return describeConsumerGroup(this.consumerGroups, groupId);
  }

  /** A missing group as versions before DescribeGroups v6 report it. */
  deadGroup(groupId: string): GroupDescription {
    return deadGroupDescription(groupId);
  }

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): GroupListing[] {
    const out: GroupListing[] = [];
    for (const c of this.consumerGroups.listings()) {
      const listing = { groupId: c.groupId, protocolType: CONSUMER_PROTOCOL_TYPE, state: c.state, groupType: CONSUMER_GROUP_TYPE };
      if (matchesListFilters(listing, statesFilter, typesFilter)) out.push(listing);
    }
    for (const group of this.groups.values()) {
      if (group.is('Dead') || this.consumerGroups.group(group.groupId)) continue;
      const listing = listGroup(group);
      if (matchesListFilters(listing, statesFilter, typesFilter)) out.push(listing);
    }
    return out;
  }

  async deleteGroups(groupIds: readonly string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    return this.offsets.deleteGroups(groupIds);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Offsets (see group-offsets.ts)

  commitOffsets(p: OffsetCommitParams): Promise<number[]> {
    return this.offsets.commitOffsets(p);
  }

  fetchOffsets(
    groupId: string,
    topics: readonly TopicPartitions[] | null,
    member?: { readonly memberId: string | null; readonly memberEpoch: number },
    requireStable = false,
  ): OffsetFetchResult {
    return this.offsets.fetchOffsets(groupId, topics, member, requireStable);
  }

  commitTransactionalOffsets(p: TxnOffsetCommitParams): Promise<number[]> {
    return this.offsets.commitTransactionalOffsets(p);
  }

  /** Called by the transaction coordinator once a transaction's markers are written. */
  completeTransaction(producerId: bigint, committed: boolean): void {
    this.offsets.completeTransaction(producerId, committed);
  }

  deleteOffsets(groupId: string, topics: readonly TopicPartitions[]): Promise<OffsetDeleteResult> {
    return this.offsets.deleteOffsets(groupId, topics);
  }

  expireOffsets(): Promise<void> {
    return this.offsets.expireOffsets();
  }

  private scheduleOffsetExpiry(): void {
    if (this.stopped) return;
    this.expiryTimer = setTimeout(() => {
      void this.expireOffsets()
        .catch((err: unknown) => this.logger.error({ err }, 'offset expiry failed'))
        .finally(() => this.scheduleOffsetExpiry());
    }, this.config.offsetsRetentionCheckIntervalMs);
    this.expiryTimer.unref();
  }
  // Persistence

  /** Rebuilds groups and offsets from __consumer_offsets; restored members must heartbeat within their session. */
  private async load(): Promise<void> {
    const started = Date.now();
    const rebuilder = new GroupStateRebuilder();
    const apply = (r: CoordinatorRecord): void => rebuilder.apply(r);
    const counts = await this.offsetsTopic.replay(apply, this.offsets.transactionalReplay(apply));
    this.consumerGroups.restore(rebuilder.buildConsumerGroups());
    for (const [groupId, group] of rebuilder.build(this.now())) {
      this.groups.set(groupId, group);
      for (const member of group.members.values()) this.rebalancer.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
    }
    if (this.offsetsTopic.exists) {
      this.logger.info(
        { groups: this.groups.size, records: counts.records, skipped: counts.skipped, ms: Date.now() - started },
        'loaded group coordinator state',
      );
    }
  }
}
