// A consumer group member of the consumer rebalance protocol (KIP-848), as `eddy consume --group` joins a group:
// the coordinator assigns the partitions, the member heartbeats at the interval it is told, acknowledges each new
// assignment by reporting what it owns in the next heartbeat, commits with its member id and epoch, and leaves with
// epoch -1. No client-side assignor is involved. Brokers without ConsumerGroupHeartbeat (before Kafka 3.7) and
// classic groups are joined with JoinGroup/SyncGroup instead (classic-group-member.ts); both kinds of member look the
// same to `eddy consume` (ConsumerGroupMember).
import { randomBytes } from 'crypto';
import type { ConsumerGroupHeartbeatResponse } from '../../codecs/generated/ConsumerGroupHeartbeatResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { Apis } from './apis';
import { checkErrorCode } from './errors';
import type { KafkaClient } from './kafka-client';

const LEAVE_EPOCH = -1;
const REBALANCE_TIMEOUT_MS = 30_000;
/** Errors after which a member joins again from epoch 0 with the same id (Kafka's consumer does the same). */
const REJOIN: ReadonlySet<number> = new Set([ErrorCode.FENCED_MEMBER_EPOCH, ErrorCode.UNKNOWN_MEMBER_ID]);
/** Errors after which the coordinator is looked up again. */
const NEW_COORDINATOR: ReadonlySet<number> = new Set([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

/** A topic as the group protocols name it: the consumer protocol by id, the classic one by name. */
export interface GroupTopic {
  readonly name: string;
  readonly topicId: string;
}

/** What a member owns. */
export interface Assignment {
  partitionsOf(topic: GroupTopic): readonly number[];
}

/** An assignment held as partitions by topic id (consumer protocol) or by name (classic), as `keyOf` says. */
export function assignmentOf(partitions: ReadonlyMap<string, readonly number[]>, keyOf: (topic: GroupTopic) => string): Assignment {
  return { partitionsOf: (topic) => partitions.get(keyOf(topic)) ?? [] };
}

/** Who commits: the member id, and its epoch (consumer protocol) or generation (classic). */
export interface MemberIdentity {
  readonly memberId: string;
  readonly memberEpoch: number;
}

/** A member of a consumer group as `eddy consume --group` uses one, whichever protocol it speaks. */
export interface ConsumerGroupMember {
  readonly identity: MemberIdentity;
  readonly assignment: Assignment;
  /** Bumped on each new assignment, so the reader sees that it changed. */
  readonly assignmentVersion: number;
  /** True while the member owns nothing because it is joining again (the classic protocol's eager rebalance). */
  readonly rebalancing: boolean;
  readonly coordinatorNode: number;
  /** Throws what made the background heartbeats fail (a fatal group error), if anything did. */
  throwIfFailed(): void;
  /** Leaves the group, so the coordinator gives its partitions to the others at once. */
  leave(): Promise<void>;
}

/** Runs before the assignment changes, with the one it replaces (to commit what was read). */
export type BeforeChange = (previous: Assignment) => Promise<void>;

/**
 * What the members of both protocols share: the group's coordinator, and the heartbeats sent in the background
 * until the member leaves or one fails (its error is thrown by the next throwIfFailed).
 */
export abstract class HeartbeatingMember {
  assignmentVersion = 0;
  rebalancing = false;
  protected coordinator: number;
  protected left = false;
  private timer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private beating: Promise<void> | null = null;

  protected constructor(
    protected readonly client: KafkaClient,
    readonly group: string,
    protected readonly topics: readonly string[],
    coordinator: number,
    protected readonly beforeChange: BeforeChange,
  ) {
    this.coordinator = coordinator;
  }

  get coordinatorNode(): number {
    return this.coordinator;
  }

  throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }

  /** One heartbeat; resolves with how long to wait before the next. */
  protected abstract heartbeat(): Promise<number>;

  /** Sends the next heartbeat in `ms`, and so on, until the member leaves or a heartbeat fails. */
  protected schedule(ms: number): void {
    if (this.left || this.failure !== null) return;
    this.timer = setTimeout(() => {
      this.beating = this.heartbeat()
        .then((next) => this.schedule(next))
        .catch((err: unknown) => {
          this.failure = err instanceof Error ? err : new Error(String(err));
        })
        .finally(() => (this.beating = null));
    }, ms);
    this.timer.unref();
  }

  /** Stops the heartbeats, once the one under way (if any) is done. */
  protected async stopHeartbeats(): Promise<void> {
    this.left = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.beating;
  }
}

export class GroupMember extends HeartbeatingMember implements ConsumerGroupMember {
  /** A new id, as Kafka's clients make one (16 random bytes, base64url), sent from the first heartbeat on. */
  readonly memberId = randomBytes(16).toString('base64url');
  private epoch = 0;
  /** Partitions by topic id. */
  private owned: ReadonlyMap<string, readonly number[]> = new Map();

  /** Joins `group` subscribed to `topics` and waits for the first assignment (up to `timeoutMs`). */
  static async join(
    client: KafkaClient,
    group: string,
    topics: readonly string[],
    timeoutMs: number,
    beforeChange: BeforeChange = () => Promise.resolve(),
  ): Promise<GroupMember> {
    const member = new GroupMember(client, group, topics, await client.groupCoordinator(group), beforeChange);
    const deadline = Date.now() + timeoutMs;
    let next = 0;
    while (member.assignmentVersion === 0 && Date.now() < deadline) {
      next = await member.heartbeat();
      if (member.assignmentVersion === 0) await new Promise((resolve) => setTimeout(resolve, Math.min(next, 100)));
    }
    member.schedule(next);
    return member;
  }

  get identity(): MemberIdentity {
    return { memberId: this.memberId, memberEpoch: this.epoch };
  }

  get assignment(): Assignment {
    return assignmentOf(this.owned, (topic) => topic.topicId);
  }

  /** Leaves the group (epoch -1). */
  async leave(): Promise<void> {
    await this.stopHeartbeats();
    await this.client.send(Apis.ConsumerGroupHeartbeat, () => this.request(LEAVE_EPOCH), this.coordinator).catch(() => undefined);
  }

  private request(memberEpoch: number): Record<string, unknown> {
    return {
      groupId: this.group,
      memberId: this.memberId,
      memberEpoch,
      rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
      subscribedTopicNames: [...this.topics],
      topicPartitions: [...this.owned].map(([topicId, partitions]) => ({ topicId, partitions: [...partitions] })),
    };
  }

  /** One heartbeat; takes a new assignment when the answer carries one. Resolves with when to send the next. */
  protected async heartbeat(): Promise<number> {
    const answer: ConsumerGroupHeartbeatResponse = await this.client.send(Apis.ConsumerGroupHeartbeat, () => this.request(this.epoch), this.coordinator);
    if (REJOIN.has(answer.errorCode)) {
      this.epoch = 0;
      return 0;
    }
    if (NEW_COORDINATOR.has(answer.errorCode)) {
      this.coordinator = await this.client.groupCoordinator(this.group);
      return 100;
    }
    checkErrorCode(answer.errorCode, `group '${this.group}'`, answer.errorMessage);
    this.epoch = answer.memberEpoch;
    if (answer.assignment !== null) {
      await this.beforeChange(this.assignment);
      this.owned = new Map(answer.assignment.topicPartitions.map((t) => [t.topicId, [...t.partitions].sort((a, b) => a - b)]));
      this.assignmentVersion++;
    }
    return answer.heartbeatIntervalMs > 0 ? answer.heartbeatIntervalMs : 1000;
  }
}
