// Fetch request bodies as a client's first fetch sends them: outside any fetch session, as a consumer (replica id
// -1), reading uncommitted records without waiting unless a test says otherwise.
import { FetchRequestCodec, FetchRequestFetchTopicInit, FetchRequestInit } from '../../codecs/generated/FetchRequest';
import { FetchResponse, FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import type { RawClient } from './raw-client';

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

/** A Fetch v11 of partition 0 from offset 0 that waits up to `maxWaitMs` for the first byte of data. */
export function longPollFetch(client: RawClient, topic: string, maxWaitMs: number): Promise<FetchResponse> {
  const partitions = [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }];
  return client.request(FetchRequestCodec, FetchResponseCodec, 11, sessionlessFetch([{ topic, partitions }], { maxWaitMs, minBytes: 1 }));
}
