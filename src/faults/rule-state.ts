// A rule as it runs: when it was added, how often it fired, and its own random sequence. Deciding whether a rule
// fires is pure given that state, the time and the request's facts, so the same seed and the same requests give
// the same faults: each rule draws from its own generator, and only for requests that match it.
import { APIS_WITHOUT_ERROR_ANSWER } from './error-responses';
import type { FaultRule } from './fault-rules';
import { bodyMatches, type TopicNameOf } from './request-match';

/** The header facts of a request, known before its body is looked at. */
export interface RequestHeaderFacts {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly clientId: string | null;
}

/** mulberry32: a small, fast generator whose whole state is one 32-bit number, so a seed fixes the sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The API keys whose answer is precomputed per rule (Kafka's are below 100). */
const API_KEY_LIMIT = 256;

export class RuleState {
  fired = 0;
  /** Whether the rule looks at the request's body (topics, groups, transactional ids). */
  readonly needsBody: boolean;
  /**
   * Whether the rule has a time window, so that deciding needs the clock. Reading it costs about as much as the
   * rest of the header check (Date.now is a call out of JavaScript), and every request of a matching API is
   * decided, so a rule without a window never reads it.
   */
  readonly windowed: boolean;
  /** By API key, whether the rule's APIs include it: one indexed read per request instead of a list search. */
  private readonly apis: Uint8Array;
  private readonly random: () => number;

  constructor(
    readonly rule: FaultRule,
    readonly addedAtMs: number,
  ) {
    this.random = seededRandom(rule.seed);
    const m = rule.match;
    this.needsBody = m.topic !== null || m.partition !== null || m.group !== null || m.transactionalId !== null;
    this.windowed = rule.afterMs > 0 || rule.forMs !== null;
    this.apis = new Uint8Array(API_KEY_LIMIT);
    for (let key = 0; key < API_KEY_LIMIT; key++) {
      // A rule for every API answers with an error only those whose answer can carry it.
      const answerable = !(rule.action.type === 'error' && APIS_WITHOUT_ERROR_ANSWER.has(key));
      this.apis[key] = answerable && (m.apiKeys === null || m.apiKeys.includes(key)) ? 1 : 0;
    }
  }

  /** Whether the header alone rules the request out (checked first: it costs no look at the body). */
  headerMatches(header: RequestHeaderFacts): boolean {
    const m = this.rule.match;
    const named = this.apis[header.apiKey] as number | undefined;
    // Keys outside the table (none the broker serves) are looked up in the rule's list.
    if (named === undefined ? m.apiKeys !== null && !m.apiKeys.includes(header.apiKey) : named !== 1) return false;
    if (m.minVersion !== null && header.apiVersion < m.minVersion) return false;
    if (m.maxVersion !== null && header.apiVersion > m.maxVersion) return false;
    return m.clientId === null || header.clientId === m.clientId;
  }

  /** Whether the decoded request names what the rule asks of its body; allocates nothing (see request-match.ts). */
  bodyMatches(apiKey: number, request: unknown, nameOf: TopicNameOf): boolean {
    return bodyMatches(this.rule.match, apiKey, request, nameOf);
  }

  /** Whether `topic` and one of `partitions` (any, when the request names none) are the rule's. */
  partitionMatches(topic: string, partitions: readonly number[]): boolean {
    const m = this.rule.match;
    if (m.topic !== null && topic !== m.topic) return false;
    return m.partition === null || partitions.length === 0 || partitions.includes(m.partition);
  }

  /** Whether the rule is within its window and has firings left; false once it never will be again. */
  live(nowMs: number): boolean {
    return this.hasFiringsLeft() && this.inWindow(nowMs);
  }

  hasFiringsLeft(): boolean {
    return this.rule.times === null || this.fired < this.rule.times;
  }

  /** Whether `nowMs` is within the rule's window (always, for a rule without one). */
  inWindow(nowMs: number): boolean {
    const r = this.rule;
    const since = nowMs - this.addedAtMs;
    if (since < r.afterMs) return false;
    return r.forMs === null || since < r.afterMs + r.forMs;
  }

  /** For a matching request within the window: draws (when the rule has a probability) and counts a firing. */
  fire(): boolean {
    if (this.rule.probability < 1 && this.random() >= this.rule.probability) return false;
    this.fired++;
    return true;
  }
}
