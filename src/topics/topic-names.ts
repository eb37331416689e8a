// Kafka's topic name rules (1-249 characters of [a-zA-Z0-9._-], not "." or ".."): storage owns them, since names
// become directory names; the broker asks before it touches storage so it can answer with Kafka's error code.
import { checkTopicName, InvalidTopicError } from '../../storage';

/** Returns why the name is invalid, or null when it is valid. */
export function topicNameProblem(name: string): string | null {
  try {
    checkTopicName(name);
    return null;
  } catch (err) {
    if (err instanceof InvalidTopicError) return err.message;
    throw err;
  }
}

/** The group coordinator's internal topic. */
export const OFFSETS_TOPIC = '__consumer_offsets';
/** The transaction coordinator's internal topic. */
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

export function isInternalTopic(name: string): boolean {
  return name === OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;
}
