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

export class RuleState {
  fired = 0;
  /** Whether the rule looks at the request's body (topics, groups, transactional ids). */
  readonly needsBody: boolean;
  private readonly random: () => number;

  constructor(
    readonly rule: FaultRule,
    readonly addedAtMs: number,
  ) {
    this.random = seededRandom(rule.seed);
    const m = rule.match;
    this.needsBody = m.topic !== null || m.partition !== null || m.group !== null || m.transactionalId !== null;
  }

  /** Whether the header alone rules the request out (checked first: it costs no look at the body). */
  headerMatches(header: RequestHeaderFacts): boolean {
    const m = this.rule.match;
    if (m.apiKeys !== null && !m.apiKeys.includes(header.apiKey)) return false;
    if (m.minVersion !== null && header.apiVersion < m.minVersion) return false;
    if (m.maxVersion !== null && header.apiVersion > m.maxVersion) return false;
    if (m.clientId !== null && header.clientId !== m.clientId) return false;
    // A rule for every API answers with an error only those whose answer can carry it.
    return !(this.rule.action.type === 'error' && APIS_WITHOUT_ERROR_ANSWER.has(header.apiKey));
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
    const r = this.rule;
    if (r.times !== null && this.fired >= r.times) return false;
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
