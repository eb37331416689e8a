// Fetch request bodies as a client's first fetch sends them: outside any fetch session, as a consumer (replica id
// -1), reading uncommitted records without waiting unless a test says otherwise.
import type { FetchRequestFetchTopicInit, FetchRequestInit } from '../../codecs/generated/FetchRequest';

export interface FetchLimits {
  readonly maxWaitMs?: number;
  /** 1 makes the broker hold the fetch (up to maxWaitMs) until there is data. */
  readonly minBytes?: number;
  readonly maxBytes?: number;
  readonly isolationLevel?: 0 | 1;
}

export function sessionlessFetch(topics: readonly FetchRequestFetchTopicInit[], limits: FetchLimits = {}): FetchRequestInit {
  return {
    replicaId: -1,
    maxWaitMs: limits.maxWaitMs ?? 0,
    minBytes: limits.minBytes ?? 0,
    maxBytes: limits.maxBytes ?? 1 << 20,
    isolationLevel: limits.isolationLevel ?? 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics,
  };
}
