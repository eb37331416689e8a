// A whole answer carrying one error, built from the request as Kafka's AbstractRequest.getErrorResponse builds it:
// every partition (or group, topic, coordinator key) the request names gets the error, with the placeholders Kafka
// puts beside it (offsets -1, empty records), and APIs without such lists get the error at the top. The result is
// the response codec's input, so the API's own handler encodes it in whatever version the client speaks.
import { ZERO_UUID } from '../../codecs/protocol/uuid';

const NO_OFFSET = -1n;
const NO_EPOCH = -1;
/** Kafka's "authorized operations not asked for". */
const NO_OPERATIONS = -2147483648;

type Fields = Record<string, unknown>;
type Builder = (request: Fields, errorCode: number, version: number) => Fields;

function list(value: unknown): Fields[] {
  return Array.isArray(value) ? (value as Fields[]) : [];
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? (value as number[]) : [];
}

const produce: Builder = (req, errorCode) => ({
  responses: list(req.topicData).map((t) => ({
    name: t.name,
    topicId: t.topicId ?? ZERO_UUID,
    partitionResponses: list(t.partitionData).map((p) => ({
      index: p.index,
      errorCode,
      baseOffset: NO_OFFSET,
      logAppendTimeMs: NO_OFFSET,
      logStartOffset: NO_OFFSET,
    })),
  })),
});

const fetch: Builder = (req, errorCode) => ({
  errorCode,
  sessionId: 0,
  responses: list(req.topics).map((t) => ({
    topic: t.topic,
    topicId: t.topicId ?? ZERO_UUID,
    partitions: list(t.partitions).map((p) => ({
      partitionIndex: p.partition,
      errorCode,
      highWatermark: NO_OFFSET,
      lastStableOffset: NO_OFFSET,
      logStartOffset: NO_OFFSET,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: Buffer.alloc(0),
    })),
  })),
});

const listOffsets: Builder = (req, errorCode) => ({
  topics: list(req.topics).map((t) => ({
    name: t.name,
    partitions: list(t.partitions).map((p) => ({
      partitionIndex: p.partitionIndex,
      errorCode,
      timestamp: NO_OFFSET,
      offset: NO_OFFSET,
      leaderEpoch: NO_EPOCH,
    })),
  })),
});

const metadata: Builder = (req, errorCode) => ({
  errorCode,
  brokers: [],
  controllerId: -1,
  clusterAuthorizedOperations: NO_OPERATIONS,
  topics: list(req.topics).map((t) => ({
    errorCode,
    name: t.name,
    topicId: t.topicId ?? ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: NO_OPERATIONS,
  })),
});

/** OffsetCommit and TxnOffsetCommit: partitions by partitionIndex, each with the error. */
const commitLike: Builder = (req, errorCode) => ({
  topics: list(req.topics).map((t) => ({
    name: t.name,
    topicId: t.topicId ?? ZERO_UUID,
    partitions: list(t.partitions).map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
  })),
});

const offsetFetchPartition = (partitionIndex: number, errorCode: number): Fields => ({
  partitionIndex,
  committedOffset: NO_OFFSET,
  committedLeaderEpoch: NO_EPOCH,
  metadata: '',
  errorCode,
});

const offsetFetch: Builder = (req, errorCode, version) => {
  if (version >= 8) return { groups: list(req.groups).map((g) => ({ groupId: g.groupId, topics: [], errorCode })) };
  return {
    errorCode,
    topics: list(req.topics).map((t) => ({ name: t.name, partitions: numbers(t.partitionIndexes).map((p) => offsetFetchPartition(p, errorCode)) })),
  };
};

const findCoordinator: Builder = (req, errorCode, version) => {
  const none = { nodeId: -1, host: '', port: -1, errorCode, errorMessage: null };
  if (version >= 4) return { coordinators: (Array.isArray(req.coordinatorKeys) ? (req.coordinatorKeys as string[]) : []).map((key) => ({ key, ...none })) };
  return none;
};

const describeGroups: Builder = (req, errorCode) => ({
  groups: (Array.isArray(req.groups) ? (req.groups as string[]) : []).map((groupId) => ({
    errorCode,
    groupId,
    groupState: '',
    protocolType: '',
    protocolData: '',
    members: [],
    authorizedOperations: NO_OPERATIONS,
  })),
});

const createTopics: Builder = (req, errorCode) => ({
  topics: list(req.topics).map((t) => ({ name: t.name, errorCode, numPartitions: -1, replicationFactor: -1, configs: null })),
});

const deleteTopics: Builder = (req, errorCode) => {
  const byName = (Array.isArray(req.topicNames) ? (req.topicNames as string[]) : []).map((name) => ({ name, errorCode }));
  const byState = list(req.topics).map((t) => ({ name: t.name, topicId: t.topicId ?? ZERO_UUID, errorCode }));
  return { responses: [...byName, ...byState] };
};

const deleteRecords: Builder = (req, errorCode) => ({
  topics: list(req.topics).map((t) => ({
    name: t.name,
    partitions: list(t.partitions).map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: NO_OFFSET, errorCode })),
  })),
});

const offsetForLeaderEpoch: Builder = (req, errorCode) => ({
  topics: list(req.topics).map((t) => ({
    topic: t.topic,
    partitions: list(t.partitions).map((p) => ({ errorCode, partition: p.partition, leaderEpoch: NO_EPOCH, endOffset: NO_OFFSET })),
  })),
});

const addPartitionsToTxn: Builder = (req, errorCode, version) => {
  if (version >= 4) return { errorCode };
  return {
    resultsByTopicV3AndBelow: list(req.v3AndBelowTopics).map((t) => ({
      name: t.name,
      resultsByPartition: numbers(t.partitions).map((partitionIndex) => ({ partitionIndex, partitionErrorCode: errorCode })),
    })),
  };
};

const deleteGroups: Builder = (req, errorCode) => ({
  results: (Array.isArray(req.groupsNames) ? (req.groupsNames as string[]) : []).map((groupId) => ({ groupId, errorCode })),
});

/** APIs whose answer lists what the request named; every other API served answers its error at the top. */
const BUILDERS: ReadonlyMap<number, Builder> = new Map([
  [0, produce],
  [1, fetch],
  [2, listOffsets],
  [3, metadata],
  [8, commitLike],
  [9, offsetFetch],
  [10, findCoordinator],
  [15, describeGroups],
  [19, createTopics],
  [20, deleteTopics],
  [21, deleteRecords],
  [23, offsetForLeaderEpoch],
  [24, addPartitionsToTxn],
  [28, commitLike],
  [42, deleteGroups],
]);

/**
 * APIs whose answers carry errors only per resource, in lists this module does not build: an error rule on them is
 * refused when added rather than answered with a response the client would read as success.
 */
export const APIS_WITHOUT_ERROR_ANSWER: ReadonlySet<number> = new Set([30, 31, 32, 33, 35, 37, 44, 49, 51, 61, 65, 69, 75]);

/** The response codec's input answering `request` with `errorCode` everywhere it can carry one. */
export function errorResponse(apiKey: number, version: number, request: unknown, errorCode: number): Fields {
  const fields = typeof request === 'object' && request !== null ? (request as Fields) : {};
  const build = BUILDERS.get(apiKey);
  return { throttleTimeMs: 0, ...(build === undefined ? { errorCode } : build(fields, errorCode, version)) };
}
