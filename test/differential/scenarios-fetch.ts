// Differential scenarios for Fetch at the versions clients send (kafka-python 4, kafkajs up to 11, librdkafka up to
// 16, the Java client beyond): records returned byte for byte, offsets past the end and before the log start,
// byte limits (the first batch always comes back whole), minBytes waits, isolation levels, leader epochs, and
// unknown topics, partitions and topic ids; fetch sessions in scenarios-fetch-sessions.ts.
import { batchOf } from './batches';
import { deleteRecords, fetch, fetchUnknownTopicId, metadataOf, produce, type FetchPartition } from './data-steps';
import { step, type Scenario, type Step } from './harness';
import { sessionlessFetch, type FetchLimits } from '../helpers/fetch-requests';
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { FETCH_SESSION_SCENARIOS } from './scenarios-fetch-sessions';

const FETCH_VERSIONS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16];
/** Fewer versions where the answer's shape changes little: the oldest a client sends, kafkajs's newest, the first flexible, topic ids. */
const KEY_FETCH_VERSIONS = [4, 11, 12, 16];

/** Topic-id versions need each broker's id first: a Metadata step that the Fetch reads it from. */
function lookupFor(version: number, topic: string): Step[] {
  return version >= 13 ? [metadataOf(topic)] : [];
}

function fetchScenario(name: string, topic: string, version: number, setup: Step[], partitions: FetchPartition[], limits: FetchLimits = {}): Scenario {
  return { name, topics: [{ name: topic, partitions: 1 }], steps: [...lookupFor(version, topic), ...setup, fetch(version, topic, partitions, limits)] };
}

function perVersion(version: number): Scenario[] {
  const topic = `diff-fv${version}`;
  return [
    fetchScenario(
      `Fetch v${version} of produced records from offset 0`,
      topic,
      version,
      [produce(topic, batchOf(3)), produce(topic, batchOf(2, 'w'))],
      [{ fetchOffset: 0n }],
    ),
    fetchScenario(`Fetch v${version} past the end`, `${topic}-past`, version, [produce(`${topic}-past`, batchOf(2))], [{ fetchOffset: 10n }]),
  ];
}

function perKeyVersion(version: number): Scenario[] {
  const topic = `diff-fk${version}`;
  const deleted = `${topic}-deleted`;
  return [
    fetchScenario(`Fetch v${version} at the high watermark`, `${topic}-end`, version, [produce(`${topic}-end`, batchOf(2))], [{ fetchOffset: 2n }]),
    fetchScenario(`Fetch v${version} of an unknown partition`, `${topic}-part`, version, [], [{ partition: 3, fetchOffset: 0n }]),
    fetchScenario(
      `Fetch v${version} before the log start after DeleteRecords`,
      deleted,
      version,
      [produce(deleted, batchOf(2)), produce(deleted, batchOf(2)), deleteRecords(deleted, 0, 2n)],
      [{ fetchOffset: 1n }],
    ),
    fetchScenario(
      `Fetch v${version} read_committed of non-transactional records`,
      `${topic}-rc`,
      version,
      [produce(`${topic}-rc`, batchOf(2))],
      [{ fetchOffset: 0n }],
      {
        isolationLevel: 1,
      },
    ),
  ];
}

const UNKNOWN_SCENARIOS: Scenario[] = [
  { name: 'Fetch v4 of an unknown topic', steps: [fetch(4, 'diff-fe-unknown-v4', [{ fetchOffset: 0n }])] },
  { name: 'Fetch v12 of an unknown topic', steps: [fetch(12, 'diff-fe-unknown-v12', [{ fetchOffset: 0n }])] },
  { name: 'Fetch v16 of an unknown topic id', steps: [fetchUnknownTopicId(16, '9d2f4a61-7c3b-4e8a-b5d0-1f6e2a9c8b37')] },
  {
    name: 'Fetch v4 of a LogAppendTime topic',
    topics: [{ name: 'diff-fe-append-time-v4', partitions: 1, configs: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    steps: [produce('diff-fe-append-time-v4', batchOf(2)), fetch(4, 'diff-fe-append-time-v4', [{ fetchOffset: 0n }])],
  },
];

function twoBatches(topic: string): Step[] {
  return [produce(topic, batchOf(3, 'a')), produce(topic, batchOf(3, 'b'))];
}

/** Partitions of one topic, each from offset 0. */
function fromStart(
  topic: string,
  partitions: readonly number[],
): { topic: string; partitions: Array<{ partition: number; fetchOffset: bigint; partitionMaxBytes: number }> } {
  return { topic, partitions: partitions.map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20 })) };
}

/** Kafka answers the partitions it reads first, then those it does not know, and merges runs of one topic. */
const ORDER_SCENARIOS: Scenario[] = [
  {
    name: 'Fetch of an unknown topic, known partitions and an unknown partition, mixed',
    topics: [{ name: 'diff-fe-order', partitions: 2 }],
    steps: [
      produce('diff-fe-order', batchOf(1), { partition: 1 }),
      step(
        FetchRequestCodec,
        FetchResponseCodec,
        12,
        sessionlessFetch([fromStart('diff-fe-order-missing', [0]), fromStart('diff-fe-order', [0, 9]), fromStart('diff-fe-order', [1])]),
      ),
    ],
  },
];

const LIMIT_SCENARIOS: Scenario[] = [
  fetchScenario('Fetch from the middle of a batch returns the whole batch', 'diff-fe-mid-batch', 12, twoBatches('diff-fe-mid-batch'), [{ fetchOffset: 1n }]),
  fetchScenario('Fetch with partitionMaxBytes 1 still returns the first batch', 'diff-fe-partition-max-1', 12, twoBatches('diff-fe-partition-max-1'), [
    { fetchOffset: 0n, partitionMaxBytes: 1 },
  ]),
  fetchScenario('Fetch with maxBytes 1 still returns the first batch', 'diff-fe-max-1', 12, twoBatches('diff-fe-max-1'), [{ fetchOffset: 0n }], {
    maxBytes: 1,
  }),
  fetchScenario('Fetch v4 with maxBytes 1 still returns the first batch', 'diff-fe-max-1-v4', 4, twoBatches('diff-fe-max-1-v4'), [{ fetchOffset: 0n }], {
    maxBytes: 1,
  }),
  fetchScenario('Fetch with partitionMaxBytes that ends inside the second batch', 'diff-fe-partial', 12, twoBatches('diff-fe-partial'), [
    { fetchOffset: 0n, partitionMaxBytes: 100 },
  ]),
  fetchScenario('Fetch with partitionMaxBytes 0', 'diff-fe-partition-max-0', 11, twoBatches('diff-fe-partition-max-0'), [
    { fetchOffset: 0n, partitionMaxBytes: 0 },
  ]),
  {
    name: 'Fetch of two partitions where maxBytes fills up on the first',
    topics: [{ name: 'diff-fe-two-parts', partitions: 2 }],
    steps: [
      produce('diff-fe-two-parts', batchOf(3), { partition: 0 }),
      produce('diff-fe-two-parts', batchOf(3), { partition: 1 }),
      fetch(
        12,
        'diff-fe-two-parts',
        [
          { partition: 0, fetchOffset: 0n },
          { partition: 1, fetchOffset: 0n },
        ],
        { maxBytes: 1 },
      ),
    ],
  },
  {
    name: 'Fetch of two partitions, one with records and one empty',
    topics: [{ name: 'diff-fe-one-empty', partitions: 2 }],
    steps: [
      produce('diff-fe-one-empty', batchOf(2), { partition: 1 }),
      fetch(11, 'diff-fe-one-empty', [
        { partition: 0, fetchOffset: 0n },
        { partition: 1, fetchOffset: 0n },
      ]),
    ],
  },
  {
    name: 'Fetch of the same partition twice in one request',
    topics: [{ name: 'diff-fe-duplicate', partitions: 1 }],
    steps: [produce('diff-fe-duplicate', batchOf(2)), fetch(12, 'diff-fe-duplicate', [{ fetchOffset: 0n }, { fetchOffset: 1n }])],
  },
];

const WAIT_SCENARIOS: Scenario[] = [
  fetchScenario('Fetch with minBytes 1 on an empty partition waits and returns nothing', 'diff-fe-wait-empty', 12, [], [{ fetchOffset: 0n }], {
    minBytes: 1,
    maxWaitMs: 100,
  }),
  fetchScenario(
    'Fetch with minBytes above the data returns what there is after the wait',
    'diff-fe-wait-some',
    11,
    [produce('diff-fe-wait-some', batchOf(1))],
    [{ fetchOffset: 0n }],
    {
      minBytes: 100_000,
      maxWaitMs: 100,
    },
  ),
  fetchScenario('Fetch v4 with minBytes 1 past the end of an empty partition', 'diff-fe-wait-v4', 4, [], [{ fetchOffset: 0n }], { minBytes: 1, maxWaitMs: 50 }),
];

/** The error paths of read_committed fetches, where aborted transactions are null or an empty list. */
function readCommittedErrors(version: number): Scenario[] {
  const topic = `diff-fe-rc-err-v${version}`;
  const committed = { isolationLevel: 1 } as const;
  return [
    fetchScenario(
      `Fetch v${version} read_committed past the end`,
      `${topic}-past`,
      version,
      [produce(`${topic}-past`, batchOf(2))],
      [{ fetchOffset: 9n }],
      committed,
    ),
    fetchScenario(
      `Fetch v${version} read_committed at the high watermark`,
      `${topic}-hw`,
      version,
      [produce(`${topic}-hw`, batchOf(2))],
      [{ fetchOffset: 2n }],
      committed,
    ),
    fetchScenario(`Fetch v${version} read_committed of an unknown partition`, `${topic}-part`, version, [], [{ partition: 4, fetchOffset: 0n }], committed),
    fetchScenario(
      `Fetch v${version} read_committed with a leader epoch from the future`,
      `${topic}-epoch`,
      version,
      [],
      [{ fetchOffset: 0n, currentLeaderEpoch: 7 }],
      committed,
    ),
  ];
}

const EPOCH_SCENARIOS: Scenario[] = [
  fetchScenario(
    'Fetch with the current leader epoch 0',
    'diff-fe-epoch-0',
    12,
    [produce('diff-fe-epoch-0', batchOf(1))],
    [{ fetchOffset: 0n, currentLeaderEpoch: 0 }],
  ),
  fetchScenario('Fetch with a leader epoch from the future', 'diff-fe-epoch-5', 12, [], [{ fetchOffset: 0n, currentLeaderEpoch: 5 }]),
  fetchScenario('Fetch v9 with a leader epoch from the future', 'diff-fe-epoch-5-v9', 9, [], [{ fetchOffset: 0n, currentLeaderEpoch: 5 }]),
  fetchScenario(
    'Fetch v12 with a consumer logStartOffset',
    'diff-fe-log-start',
    12,
    [produce('diff-fe-log-start', batchOf(2))],
    [{ fetchOffset: 1n, logStartOffset: 0n }],
  ),
  fetchScenario(
    'Fetch at the log start after DeleteRecords in the middle of a batch',
    'diff-fe-deleted-mid',
    12,
    [produce('diff-fe-deleted-mid', batchOf(3)), deleteRecords('diff-fe-deleted-mid', 0, 1n)],
    [{ fetchOffset: 1n }],
  ),
];

export const FETCH_SCENARIOS: readonly Scenario[] = [
  ...FETCH_VERSIONS.flatMap(perVersion),
  ...KEY_FETCH_VERSIONS.flatMap(perKeyVersion),
  ...UNKNOWN_SCENARIOS,
  ...ORDER_SCENARIOS,
  ...LIMIT_SCENARIOS,
  ...WAIT_SCENARIOS,
  ...EPOCH_SCENARIOS,
  ...[4, 12, 16].flatMap(readCommittedErrors),
  ...FETCH_SESSION_SCENARIOS,
];
