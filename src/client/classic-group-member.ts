// A consumer group member of the classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup; protocol type
// "consumer"), as Kafka's consumer joins with group.protocol=classic: for brokers before Kafka 3.7, which have no
// ConsumerGroupHeartbeat, and for groups other classic clients (kafkajs, librdkafka) are members of.
// - The member joins with the "range" assignor; the coordinator picks a leader among the members, and the leader
//   computes every member's partitions (Kafka's RangeAssignor) from their subscriptions and sends them in its
//   SyncGroup; the others send none and get theirs back.
// - Eager rebalancing, as the range assignor asks: when a heartbeat answers REBALANCE_IN_PROGRESS (another member
//   came or went), what was read is committed, the partitions are given up, and the member joins again.
// - Offsets are committed with the member id and the generation; leaving sends LeaveGroup.
import type { JoinGroupResponse } from '../../codecs/generated/JoinGroupResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, encodeAssignment, type NamedTopicPartitions } from '../groups/consumer-protocol';
import { Writer } from '../../codecs/primitives/writer';
import { ConsumerProtocolSubscriptionCodec } from '../../codecs/generated/ConsumerProtocolSubscription';
import { Apis } from './apis';
import { checkErrorCode, KafkaResponseError } from './errors';
import { assignmentOf, HeartbeatingMember, type Assignment, type BeforeChange, type ConsumerGroupMember, type MemberIdentity } from './group-member';
import type { KafkaClient } from './kafka-client';

export const RANGE_ASSIGNOR = 'range';
/** Kafka's consumer defaults (session.timeout.ms, heartbeat.interval.ms); the rebalance timeout is the tool's own. */
const SESSION_TIMEOUT_MS = 45_000;
const HEARTBEAT_INTERVAL_MS = 3_000;
const REBALANCE_TIMEOUT_MS = 30_000;
/** The subscription version sent: v0 (topics and user data), which every consumer-protocol client reads. */
const SUBSCRIPTION_VERSION = 0;
const NO_GENERATION = -1;
/** How long a member waits before joining again after the coordinator asked it to. */
const RETRY_PAUSE_MS = 100;
/** Answers after which the member joins again (with its id, or a new one for UNKNOWN_MEMBER_ID). */
const REJOIN: ReadonlySet<number> = new Set([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID]);
/** Answers after which the coordinator is looked up again. */
const NEW_COORDINATOR: ReadonlySet<number> = new Set([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

/** A member's subscription, as the leader reads it from the JoinGroup answer. */
export interface Subscriber {
  readonly memberId: string;
  readonly topics: readonly string[];
}

/**
 * Kafka's RangeAssignor: for each topic, the members subscribed to it in member id order each take a consecutive
 * range of its partitions, the first (partitions % members) one more than the rest.
 */
export function rangeAssign(subscribers: readonly Subscriber[], partitionCounts: ReadonlyMap<string, number>): Map<string, NamedTopicPartitions[]> {
  const out = new Map<string, NamedTopicPartitions[]>(subscribers.map((s) => [s.memberId, []]));
  const topics = [...new Set(subscribers.flatMap((s) => s.topics))].sort();
  for (const topic of topics) {
    const count = partitionCounts.get(topic) ?? 0;
    const members = subscribers
      .filter((s) => s.topics.includes(topic))
      .map((s) => s.memberId)
      .sort();
    const each = Math.floor(count / members.length);
    const extra = count % members.length;
    members.forEach((memberId, i) => {
      const start = i * each + Math.min(i, extra);
      const length = each + (i < extra ? 1 : 0);
      if (length > 0) out.get(memberId)?.push({ topic, partitions: Array.from({ length }, (_, k) => start + k) });
    });
  }
  return out;
}

function subscriptionBytes(topics: readonly string[]): Buffer {
  const w = new Writer();
  w.writeInt16(SUBSCRIPTION_VERSION);
  ConsumerProtocolSubscriptionCodec.encode(
    { topics: [...topics], userData: null, ownedPartitions: [], generationId: -1, rackId: null },
    w,
    SUBSCRIPTION_VERSION,
  );
  return w.toBuffer();
}

/** Resolves false after `ms`: "join again", after a pause. */
function pause(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms));
}

export class ClassicGroupMember extends HeartbeatingMember implements ConsumerGroupMember {
  private memberId = '';
  private generation = NO_GENERATION;
  /** Partitions by topic name. */
  private owned: ReadonlyMap<string, readonly number[]> = new Map();

  /** Joins `group` subscribed to `topics` and waits for the first assignment (up to `timeoutMs`). */
  static async join(
    client: KafkaClient,
    group: string,
    topics: readonly string[],
    timeoutMs: number,
    beforeChange: BeforeChange = () => Promise.resolve(),
  ): Promise<ClassicGroupMember> {
    const member = new ClassicGroupMember(client, group, topics, await client.groupCoordinator(group), beforeChange);
    const deadline = Date.now() + timeoutMs;
    while (!(await member.joinOnce())) {
      if (Date.now() > deadline) throw new KafkaResponseError(ErrorCode.REBALANCE_IN_PROGRESS, `group '${group}': no assignment within ${timeoutMs} ms`);
    }
    member.schedule(HEARTBEAT_INTERVAL_MS);
    return member;
  }

  get identity(): MemberIdentity {
    return { memberId: this.memberId, memberEpoch: this.generation };
  }

  get assignment(): Assignment {
    return assignmentOf(this.owned, (topic) => topic.name);
  }

  async leave(): Promise<void> {
    await this.stopHeartbeats();
    if (this.memberId === '') return;
    await this.client
      .send(
        Apis.LeaveGroup,
        (version) =>
          version >= 3
            ? { groupId: this.group, members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'eddy consume is stopping' }] }
            : { groupId: this.group, memberId: this.memberId },
        this.coordinator,
      )
      .catch(() => undefined);
  }

  /** One heartbeat; a rebalance makes the member give its partitions up and join again. */
  protected async heartbeat(): Promise<number> {
    const answer = await this.client.send(
      Apis.Heartbeat,
      () => ({ groupId: this.group, generationId: this.generation, memberId: this.memberId, groupInstanceId: null }),
      this.coordinator,
    );
    if (answer.errorCode === ErrorCode.NONE) return HEARTBEAT_INTERVAL_MS;
    if (NEW_COORDINATOR.has(answer.errorCode)) {
      this.coordinator = await this.client.groupCoordinator(this.group);
      return HEARTBEAT_INTERVAL_MS;
    }
    if (!REJOIN.has(answer.errorCode)) checkErrorCode(answer.errorCode, `group '${this.group}'`);
    this.rebalancing = true;
    await this.revoke();
    if (answer.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
    const deadline = Date.now() + REBALANCE_TIMEOUT_MS;
    while (!this.left && !(await this.joinOnce())) {
      if (Date.now() > deadline) throw new KafkaResponseError(ErrorCode.REBALANCE_IN_PROGRESS, `group '${this.group}': no assignment after a rebalance`);
    }
    this.rebalancing = false;
    return HEARTBEAT_INTERVAL_MS;
  }

  /** Commits what was read of the owned partitions and gives them up (eager rebalancing). */
  private async revoke(): Promise<void> {
    try {
      await this.beforeChange(this.assignment);
    } catch (err) {
      // The generation may already be over; what was not committed is read again by the next owner, as in Kafka.
      if (!(err instanceof KafkaResponseError) || !REJOIN.has(err.code)) throw err;
    }
    this.owned = new Map();
    this.assignmentVersion++;
  }

  /** JoinGroup then SyncGroup; true with an assignment, false when the member has to join again. */
  private async joinOnce(): Promise<boolean> {
    const joined: JoinGroupResponse = await this.client.send(
      Apis.JoinGroup,
      () => ({
        groupId: this.group,
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
        rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocols: [{ name: RANGE_ASSIGNOR, metadata: subscriptionBytes(this.topics) }],
        reason: null,
      }),
      this.coordinator,
      // The coordinator answers once every member has joined, which may take the whole rebalance timeout.
      REBALANCE_TIMEOUT_MS + this.client.timeout,
    );
    if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = joined.memberId;
      return false;
    }
    if (joined.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
      this.memberId = '';
      return false;
    }
    if (NEW_COORDINATOR.has(joined.errorCode)) {
      this.coordinator = await this.client.groupCoordinator(this.group);
      return false;
    }
    if (joined.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) return pause(RETRY_PAUSE_MS);
    checkErrorCode(joined.errorCode, `group '${this.group}'`);
    this.memberId = joined.memberId;
    this.generation = joined.generationId;
    const assignments = joined.leader === joined.memberId && !joined.skipAssignment ? await this.assignAsLeader(joined) : [];
    const synced = await this.client.send(
      Apis.SyncGroup,
      () => ({
        groupId: this.group,
        generationId: this.generation,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocolName: RANGE_ASSIGNOR,
        assignments,
      }),
      this.coordinator,
    );
    if (REJOIN.has(synced.errorCode)) {
      if (synced.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
      return pause(RETRY_PAUSE_MS);
    }
    checkErrorCode(synced.errorCode, `group '${this.group}'`);
    this.owned = new Map(decodeAssignment(synced.assignment).map((tp) => [tp.topic, [...tp.partitions].sort((a, b) => a - b)]));
    this.assignmentVersion++;
    return true;
  }

  /** The leader's part: every member's partitions, from their subscriptions and the topics' partition counts. */
  private async assignAsLeader(joined: JoinGroupResponse): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const subscribers = joined.members.map((m) => {
      const { version, subscription } = decodeSubscription(m.metadata);
      return { memberId: m.memberId, topics: subscription.topics, version };
    });
    const metadata = await this.client.metadata([...new Set(subscribers.flatMap((s) => s.topics))]);
    const counts = new Map(
      metadata.topics.filter((t) => t.errorCode === ErrorCode.NONE && t.name !== null).map((t) => [t.name as string, t.partitions.length]),
    );
    const assigned = rangeAssign(subscribers, counts);
    // Each member gets its assignment in the version of its own subscription, as Kafka's ConsumerProtocol writes it.
    return subscribers.map((s) => ({ memberId: s.memberId, assignment: encodeAssignment(assigned.get(s.memberId) ?? [], s.version) }));
  }
}
