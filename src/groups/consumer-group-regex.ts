// Regular-expression subscriptions of a KIP-848 consumer group, resolved as Kafka resolves them: a member bringing a
// new pattern has it checked at once (INVALID_REGULAR_EXPRESSION) but resolved only after its heartbeat is
// answered, so its first answer assigns nothing from it; a resolution that changes the matched topics bumps the
// group epoch. Resolutions are batched: at most one per group every 10 seconds, on a heartbeat, which is how a topic
// created after subscribing joins the assignment (Kafka's coordinator does the same from its metadata image).
import type { ConsumerGroup, ConsumerMember } from './consumer-group';
import { compileTopicRegex } from './topic-regex';

/** Kafka's REGEX_BATCH_REFRESH_MIN_INTERVAL_MS: resolutions of one group are at least this far apart. */
export const REGEX_REFRESH_MIN_INTERVAL_MS = 10_000;

/**
 * What a heartbeat's regex does to the group (Kafka's UpdateRegularExpressionStatus): "updated-and-resolved" bumps
 * the group epoch now; "updated" waits for the resolution, which bumps it if the pattern matches anything.
 */
export type RegexUpdate = 'unchanged' | 'updated' | 'updated-and-resolved';

/** Classifies a member's regex change; a pattern no other member uses is compiled first (throws TopicRegexError). */
export function regexUpdate(group: ConsumerGroup, member: ConsumerMember | undefined, regex: string): RegexUpdate {
  const old = member?.subscribedTopicRegex ?? '';
  if (old === regex) return 'unchanged';
  if (regex !== '') {
    if (group.regexSubscribers(regex, member ?? null) === 0) {
      compileTopicRegex(regex);
      return 'updated';
    }
    return group.resolvedRegexes.has(regex) ? 'updated-and-resolved' : 'updated';
  }
  return 'updated-and-resolved';
}

/** Whether the group's regexes are due for a resolution (one is pending, or none ran for the minimum interval). */
export function regexRefreshDue(group: ConsumerGroup, now: number): boolean {
  if (group.regexRefreshPending || group.subscribedRegexes().size === 0) return false;
  return now > group.lastRegexRefreshMs + REGEX_REFRESH_MIN_INTERVAL_MS;
}

/**
 * Matches every subscribed regex against the whole names of `topicNames` (internal topics included, as in Kafka),
 * forgets regexes nobody subscribes to any more, and says whether any regex now matches different topics.
 */
export function resolveRegexes(group: ConsumerGroup, topicNames: readonly string[], now: number): boolean {
  const subscribed = group.subscribedRegexes();
  let changed = false;
  for (const regex of [...group.resolvedRegexes.keys()]) if (!subscribed.has(regex)) group.resolvedRegexes.delete(regex);
  for (const regex of subscribed) {
    let pattern: RegExp;
    try {
      pattern = compileTopicRegex(regex);
    } catch {
      // Checked when it was subscribed; Kafka logs and ignores a pattern it cannot parse here.
      continue;
    }
    const matched = new Set(topicNames.filter((name) => pattern.test(name)));
    const before = group.resolvedRegexes.get(regex) ?? new Set<string>();
    if (before.size !== matched.size || [...matched].some((t) => !before.has(t))) changed = true;
    group.resolvedRegexes.set(regex, matched);
  }
  group.lastRegexRefreshMs = now;
  return changed;
}
