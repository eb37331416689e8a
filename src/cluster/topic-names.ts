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

export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state';
}
