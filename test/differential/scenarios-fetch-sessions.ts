// Differential scenarios for incremental fetch sessions (KIP-227), as the Java client and librdkafka drive them: a
// full fetch with epoch 0 opening a session, incremental fetches naming only what changed (added, updated and
// forgotten partitions) and answered with only what changed, the session errors (wrong epoch, unknown session,
// topic ids switched on or off), closing with epoch -1, and a session emptied by forgetting. Session ids are
// minted by each broker: a step reads its own broker's id from the scenario's earlier answers, and normalise.ts
// masks them.
import { FetchRequestCodec, type FetchRequestFetchTopicInit, type FetchRequestInit } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { batchOf } from './batches';
import { deleteRecords, metadataOf, produce, topicIdIn } from './data-steps';
import { step, type Scenario, type Step } from './harness';

const MB = 1 << 20;

/** The session id this broker gave in the scenario's latest answer that opened or continued one. */
function sessionIn(history: readonly unknown[]): number {
  for (const answer of [...history].reverse()) {
    const id = (answer as { sessionId?: unknown }).sessionId;
    if (typeof id === 'number' && id !== 0) return id;
  }
  throw new Error('no earlier Fetch answer carries a session id');
}

interface SessionFetch {
  readonly version: number;
  readonly topic: string;
  /** 'new' sends session id 0; 'current' this broker's latest one; a number is sent as it is. */
  readonly session: 'new' | 'current' | number;
  readonly epoch: number;
  /** Partition and fetch offset of each partition named. */
  readonly partitions?: ReadonlyArray<readonly [number, bigint]>;
  readonly forgotten?: readonly number[];
}

function sessionBody(f: SessionFetch, history: readonly unknown[]): FetchRequestInit {
  const byId = f.version >= 13;
  const named = byId ? { topicId: topicIdIn(history, f.topic) } : { topic: f.topic };
  const partitions = (f.partitions ?? []).map(([partition, fetchOffset]) => ({ partition, fetchOffset, partitionMaxBytes: MB }));
  const topics: FetchRequestFetchTopicInit[] = partitions.length > 0 ? [{ ...named, partitions }] : [];
  const forgottenTopicsData = f.forgotten !== undefined ? [{ ...named, partitions: [...f.forgotten] }] : [];
  const sessionId = f.session === 'new' ? 0 : f.session === 'current' ? sessionIn(history) : f.session;
  return { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: MB, isolationLevel: 0, sessionId, sessionEpoch: f.epoch, topics, forgottenTopicsData };
}

function sessionFetch(f: SessionFetch): Step {
  return step(FetchRequestCodec, FetchResponseCodec, f.version, (history) => sessionBody(f, history));
}

function withLookup(version: number, topic: string, steps: Step[]): Step[] {
  return version >= 13 ? [metadataOf(topic), ...steps] : steps;
}

/** Open, answer nothing new, answer the one partition that got records, then the epoch errors and closing. */
function lifecycle(version: number): Scenario {
  const topic = `diff-fs-life-v${version}`;
  const at = (epoch: number, partitions?: ReadonlyArray<readonly [number, bigint]>): Step =>
    sessionFetch({ version, topic, session: 'current', epoch, partitions });
  return {
    name: `Fetch v${version} session: open, incremental answers, wrong epoch, close with epoch -1`,
    topics: [{ name: topic, partitions: 3 }],
    steps: withLookup(version, topic, [
      produce(topic, batchOf(2), { partition: 0 }),
      sessionFetch({
        version,
        topic,
        session: 'new',
        epoch: 0,
        partitions: [
          [0, 0n],
          [1, 0n],
          [2, 0n],
        ],
      }),
      at(1, [[0, 2n]]),
      produce(topic, batchOf(3), { partition: 2 }),
      at(2),
      at(2),
      at(3, [[2, 3n]]),
      sessionFetch({ version, topic, session: 'current', epoch: -1, partitions: [[1, 0n]] }),
      at(4),
    ]),
  };
}

function forgetting(version: number): Scenario {
  const topic = `diff-fs-forget-v${version}`;
  return {
    name: `Fetch v${version} session: partitions added, forgotten, and the session closed once empty`,
    topics: [{ name: topic, partitions: 3 }],
    steps: withLookup(version, topic, [
      sessionFetch({ version, topic, session: 'new', epoch: 0, partitions: [[0, 0n]] }),
      produce(topic, batchOf(2), { partition: 1 }),
      sessionFetch({ version, topic, session: 'current', epoch: 1, partitions: [[1, 0n]] }),
      produce(topic, batchOf(2), { partition: 0 }),
      sessionFetch({ version, topic, session: 'current', epoch: 2, forgotten: [1] }),
      produce(topic, batchOf(1), { partition: 1 }),
      sessionFetch({ version, topic, session: 'current', epoch: 3, partitions: [[0, 2n]] }),
      sessionFetch({ version, topic, session: 'current', epoch: 4, forgotten: [0] }),
      sessionFetch({ version, topic, session: 'current', epoch: 5 }),
    ]),
  };
}

const SESSION_ERRORS: Scenario[] = [
  {
    name: 'Fetch v12 incremental on a session that never existed',
    steps: [sessionFetch({ version: 12, topic: 'diff-fs-none', session: 0x12345, epoch: 1 })],
  },
  {
    // Not ids beyond the last shard's range (from 2147483640): Kafka fails on them with an index error and answers
    // UNKNOWN_SERVER_ERROR; no broker hands them out, and Eddy answers FETCH_SESSION_ID_NOT_FOUND.
    name: 'Fetch v12 incremental on a negative session id',
    topics: [{ name: 'diff-fs-negative', partitions: 1 }],
    steps: [sessionFetch({ version: 12, topic: 'diff-fs-negative', session: -5, epoch: 1, partitions: [[0, 0n]] })],
  },
  {
    name: 'Fetch v12 incremental with session id 0',
    steps: [sessionFetch({ version: 12, topic: 'diff-fs-none', session: 0, epoch: 3 })],
  },
  {
    name: 'Fetch v12 full fetch closing a session that never existed',
    topics: [{ name: 'diff-fs-close-unknown', partitions: 1 }],
    steps: [sessionFetch({ version: 12, topic: 'diff-fs-close-unknown', session: 0x12345, epoch: -1, partitions: [[0, 0n]] })],
  },
  {
    name: 'Fetch session opened by name (v12) then used by id (v13), and the reverse',
    topics: [{ name: 'diff-fs-ids', partitions: 1 }],
    steps: [
      metadataOf('diff-fs-ids'),
      sessionFetch({ version: 12, topic: 'diff-fs-ids', session: 'new', epoch: 0, partitions: [[0, 0n]] }),
      sessionFetch({ version: 13, topic: 'diff-fs-ids', session: 'current', epoch: 1 }),
      sessionFetch({ version: 13, topic: 'diff-fs-ids', session: 'new', epoch: 0, partitions: [[0, 0n]] }),
      sessionFetch({ version: 12, topic: 'diff-fs-ids', session: 'current', epoch: 1 }),
    ],
  },
  {
    name: 'Fetch session: an unknown partition is named in every incremental answer, a moved log start too',
    topics: [{ name: 'diff-fs-unknown-part', partitions: 1 }],
    steps: [
      produce('diff-fs-unknown-part', batchOf(2)),
      produce('diff-fs-unknown-part', batchOf(2)),
      sessionFetch({
        version: 12,
        topic: 'diff-fs-unknown-part',
        session: 'new',
        epoch: 0,
        partitions: [
          [0, 4n],
          [5, 0n],
        ],
      }),
      sessionFetch({ version: 12, topic: 'diff-fs-unknown-part', session: 'current', epoch: 1 }),
      deleteRecords('diff-fs-unknown-part', 0, 2n),
      sessionFetch({ version: 12, topic: 'diff-fs-unknown-part', session: 'current', epoch: 2 }),
    ],
  },
  {
    name: 'Fetch session full fetch replacing the session it names',
    topics: [{ name: 'diff-fs-replace', partitions: 2 }],
    steps: [
      sessionFetch({ version: 12, topic: 'diff-fs-replace', session: 'new', epoch: 0, partitions: [[0, 0n]] }),
      sessionFetch({ version: 12, topic: 'diff-fs-replace', session: 'current', epoch: 0, partitions: [[1, 0n]] }),
      sessionFetch({ version: 12, topic: 'diff-fs-replace', session: 'current', epoch: 1 }),
    ],
  },
];

export const FETCH_SESSION_SCENARIOS: readonly Scenario[] = [
  ...[12, 16].flatMap((version) => [lifecycle(version), forgetting(version)]),
  lifecycle(7),
  ...SESSION_ERRORS,
];
