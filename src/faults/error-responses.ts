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

/** Where a request lists its topics and their partitions, by field name; the answer lists them back. */
interface PartitionLists {
  /** The request's topic list and, in each topic, its partition list and each partition's index. */
  readonly topics: string;
  readonly partitions: string;
  readonly index: string;
  /** The topic's name field, the same in request and answer. */
  readonly name: string;
  /** Whether the answer's topics carry a topic id (the request's, else the zero id). */
  readonly topicId: boolean;
  /** The answer's topic list, each topic's partition list and each partition's index. */
  readonly answerTopics: string;
  readonly answerPartitions: string;
  readonly answerIndex: string;
}

/**
 * The answer shape most partitioned APIs share: every topic of the request with every partition it named, each
 * partition with the error and the API's placeholders beside it (`placeholders` is not copied: it is read-only).
 */
function perPartition(lists: PartitionLists, placeholders: Fields = {}): Builder {
  return (req, errorCode) => ({
    [lists.answerTopics]: list(req[lists.topics]).map((t) => ({
      [lists.name]: t[lists.name],
      ...(lists.topicId ? { topicId: t.topicId ?? ZERO_UUID } : {}),
      [lists.answerPartitions]: list(t[lists.partitions]).map((p) => ({ [lists.answerIndex]: p[lists.index], errorCode, ...placeholders })),
    })),
  });
}

const produce = perPartition(
  {
    topics: 'topicData',
    partitions: 'partitionData',
    index: 'index',
    name: 'name',
    topicId: true,
    answerTopics: 'responses',
    answerPartitions: 'partitionResponses',
    answerIndex: 'index',
  },
  { baseOffset: NO_OFFSET, logAppendTimeMs: NO_OFFSET, logStartOffset: NO_OFFSET },
);

const fetchTopics = perPartition(
  {
    topics: 'topics',
    partitions: 'partitions',
    index: 'partition',
    name: 'topic',
    topicId: true,
    answerTopics: 'responses',
    answerPartitions: 'partitions',
    answerIndex: 'partitionIndex',
  },
  {
    highWatermark: NO_OFFSET,
    lastStableOffset: NO_OFFSET,
    logStartOffset: NO_OFFSET,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: Buffer.alloc(0),
  },
);

const fetch: Builder = (req, errorCode, version) => ({ errorCode, sessionId: 0, ...fetchTopics(req, errorCode, version) });

/** The lists of ListOffsets, OffsetCommit, TxnOffsetCommit and DeleteRecords: topics by name, partitions by partitionIndex. */
const BY_PARTITION_INDEX: PartitionLists = {
  topics: 'topics',
  partitions: 'partitions',
  index: 'partitionIndex',
  name: 'name',
  topicId: false,
  answerTopics: 'topics',
  answerPartitions: 'partitions',
  answerIndex: 'partitionIndex',
};

const listOffsets = perPartition(BY_PARTITION_INDEX, { timestamp: NO_OFFSET, offset: NO_OFFSET, leaderEpoch: NO_EPOCH });

/** OffsetCommit and TxnOffsetCommit: partitions by partitionIndex, each with the error. */
const commitLike = perPartition({ ...BY_PARTITION_INDEX, topicId: true });

const deleteRecords = perPartition(BY_PARTITION_INDEX, { lowWatermark: NO_OFFSET });

const offsetForLeaderEpoch = perPartition(
  {
    topics: 'topics',
    partitions: 'partitions',
    index: 'partition',
    name: 'topic',
    topicId: false,
    answerTopics: 'topics',
    answerPartitions: 'partitions',
    answerIndex: 'partition',
  },
  { leaderEpoch: NO_EPOCH, endOffset: NO_OFFSET },
);

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
