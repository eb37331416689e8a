// One member of a classic group: what it declared in JoinGroup, its assignment, and the JoinGroup/SyncGroup
// responses it is waiting for (resolved by the coordinator when the rebalance gets there).

export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinResult {
  readonly errorCode: number;
  readonly memberId: string;
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly leaderId: string;
  readonly skipAssignment: boolean;
  /** Filled for the leader only: every member with its metadata for the chosen protocol. */
  readonly members: readonly JoinResultMember[];
}

export interface JoinResultMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly metadata: Buffer;
}

export interface SyncResult {
  readonly errorCode: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
}

export const EMPTY_BUFFER: Buffer = Buffer.alloc(0);

export function joinError(errorCode: number, memberId = ''): JoinResult {
  return {
    errorCode,
    memberId,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leaderId: '',
    skipAssignment: false,
    members: [],
  };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BUFFER };
}

export class ClassicMember {
  protocols: readonly MemberProtocol[];
  assignment: Buffer = EMPTY_BUFFER;
  /** Set while the member waits for its JoinGroup response. */
  awaitingJoin: ((result: JoinResult) => void) | null = null;
  /** Set while the member waits for its SyncGroup response. */
  awaitingSync: ((result: SyncResult) => void) | null = null;
  /** A member that has not yet received a JoinGroup response (it cannot heartbeat yet). */
  isNew = false;
  /** Session expiry timer (heartbeats push it back). */
  heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(
    /** Changes only when a static member is replaced by a restarted instance. */
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    protocols: readonly MemberProtocol[],
  ) {
    this.protocols = protocols;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  metadataFor(protocolName: string): Buffer {
    const p = this.protocols.find((x) => x.name === protocolName);
    if (!p) throw new Error(`member ${this.memberId} does not support protocol ${protocolName}`);
    return p.metadata;
  }

  /** The member's most preferred protocol among the candidates (its list is in preference order). */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of the candidate protocols`);
    return choice.name;
  }

  /** Same protocols with the same metadata bytes, in the same order. */
  matches(protocols: readonly MemberProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata));
  }

  /** Answers a waiting JoinGroup; returns whether there was one. */
  completeJoin(result: JoinResult): boolean {
    const waiting = this.awaitingJoin;
    this.awaitingJoin = null;
    return answer(waiting, result);
  }

  /** Answers a waiting SyncGroup; returns whether there was one. */
  completeSync(result: SyncResult): boolean {
    const waiting = this.awaitingSync;
    this.awaitingSync = null;
    return answer(waiting, result);
  }

  clearHeartbeatTimer(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }
}

/** Calls a waiting request's callback, if there is one; returns whether there was. */
function answer<T>(waiting: ((result: T) => void) | null, result: T): boolean {
  if (!waiting) return false;
  waiting(result);
  return true;
}
