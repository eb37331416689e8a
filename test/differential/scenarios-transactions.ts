// Differential scenarios for transactions as clients drive them without transaction.version 2 (kafkajs, librdkafka,
// a Java client on the classic protocol) and with it (a Java 4 client: EndTxn v5 bumps the epoch, Produce v12 and
// TxnOffsetCommit v5 add their partitions): the coordinator's state machine, fencing, and what consumers see at
// each isolation level. A step that waits for Kafka's asynchronous markers keeps timing out of the comparison.
import { step, type Scenario, type Step } from './harness';
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { TxnOffsetCommitRequestCodec } from '../../codecs/generated/TxnOffsetCommitRequest';
import { TxnOffsetCommitResponseCodec } from '../../codecs/generated/TxnOffsetCommitResponse';
import { joinedAt, offsetFetch, resolve, type MemberRef } from './group-steps';
import { becomeStable } from './scenarios-groups';
import {
  addOffsets,
  addPartitions,
  addPartitionsVerify,
  awaitTransactionSettled,
  describeProducers,
  describeTransactions,
  endTxn,
  fetchAt,
  initProducerId,
  listOffsetsLatest,
  listTransactions,
  produceBatch,
  producerAt,
  txnOffsetCommit,
  withEpoch,
  UNKNOWN_PRODUCER,
} from './txn-steps';

const TXN_KEY = 1;
const P = producerAt(0);

/** Versions one client sends across a transaction. */
interface TxnVersions {
  readonly init: number;
  readonly addPartitions: number;
  readonly addOffsets: number;
  readonly txnOffsetCommit: number;
  readonly endTxn: number;
}

const KAFKAJS: TxnVersions = { init: 1, addPartitions: 1, addOffsets: 1, txnOffsetCommit: 1, endTxn: 1 };
const LIBRDKAFKA: TxnVersions = { init: 4, addPartitions: 0, addOffsets: 0, txnOffsetCommit: 3, endTxn: 1 };
const JAVA_TV1: TxnVersions = { init: 5, addPartitions: 3, addOffsets: 3, txnOffsetCommit: 4, endTxn: 4 };

/** A scenario whose first step initialises transactional id `diff-txn-<key>`, on topic `diff-txn-<key>` (2 partitions). */
function txn(name: string, key: string, then: (id: string, topic: string) => Step[], init = 3): Scenario {
  const id = `diff-txn-${key}`;
  return { name, topics: [{ name: id, partitions: 2 }], steps: [initProducerId(init, { transactionalId: id }), ...then(id, id)] };
}

/** The steps that open a transaction on partition 0 of `topic` and write one batch to it. */
function openWithBatch(id: string, topic: string, version = 1, baseSequence = 0): Step[] {
  return [addPartitions(version, id, P, [{ name: topic, partitions: [0] }]), produceBatch(topic, 0, { producer: P, baseSequence, transactional: true }, id)];
}

/** What a consumer sees once the transaction settled: both isolation levels, and the LSO. */
function afterSettled(id: string, topic: string): Step[] {
  return [awaitTransactionSettled(id), fetchAt(topic, 0, 1), fetchAt(topic, 0, 0), listOffsetsLatest(topic, 0, 1)];
}

function clientTransaction(client: string, v: TxnVersions): Scenario {
  const id = `diff-txn-client-${client.replace(/\W+/g, '-')}`;
  const group = `${id}-group`;
  return {
    name: `A transaction with offsets, as ${client} sends it (InitProducerId v${v.init}, EndTxn v${v.endTxn})`,
    topics: [{ name: id, partitions: 2 }],
    steps: [
      initProducerId(v.init, { transactionalId: id }),
      addPartitions(v.addPartitions, id, P, [{ name: id, partitions: [0, 1] }]),
      produceBatch(id, 0, { producer: P, baseSequence: 0, transactional: true }, id),
      produceBatch(id, 1, { producer: P, baseSequence: 0, transactional: true }, id),
      addOffsets(v.addOffsets, id, P, group),
      txnOffsetCommit(v.txnOffsetCommit, id, group, P, id, [2n, 2n]),
      offsetFetch(7, group, [{ name: id, partitionIndexes: [0, 1] }], true),
      endTxn(v.endTxn, id, P, true),
      ...afterSettled(id, id),
      offsetFetch(7, group, [{ name: id, partitionIndexes: [0, 1] }], true),
      describeTransactions([id]),
    ],
  };
}

const CLIENT_PATHS: readonly Scenario[] = [
  clientTransaction('kafkajs', KAFKAJS),
  clientTransaction('librdkafka', LIBRDKAFKA),
  clientTransaction('the Java client on TV1', JAVA_TV1),
];

const LIFECYCLE: readonly Scenario[] = [
  {
    name: 'FindCoordinator of a transactional id, v1 and v4',
    steps: [
      step(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 1, { key: 'diff-txn-find', keyType: TXN_KEY }),
      step(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType: TXN_KEY, coordinatorKeys: ['diff-txn-find', ''] }),
    ],
  },
  {
    name: 'InitProducerId of a transactional id twice bumps the epoch, then DescribeTransactions',
    steps: [
      initProducerId(4, { transactionalId: 'diff-txn-twice' }),
      initProducerId(4, { transactionalId: 'diff-txn-twice' }),
      describeTransactions(['diff-txn-twice']),
    ],
  },
  {
    name: 'InitProducerId v3 with the current producer id and epoch bumps the epoch; a stale epoch is fenced',
    steps: [
      initProducerId(3, { transactionalId: 'diff-txn-kip360' }),
      initProducerId(3, { transactionalId: 'diff-txn-kip360', producer: P }),
      initProducerId(3, { transactionalId: 'diff-txn-kip360', producer: P }),
      initProducerId(4, { transactionalId: 'diff-txn-kip360', producer: UNKNOWN_PRODUCER }),
    ],
  },
  {
    name: 'InitProducerId with a transaction timeout over the maximum',
    steps: [initProducerId(4, { transactionalId: 'diff-txn-long-timeout', timeoutMs: 3_600_000 })],
  },
  { name: 'InitProducerId with a transaction timeout of 0', steps: [initProducerId(1, { transactionalId: 'diff-txn-zero-timeout', timeoutMs: 0 })] },
  txn('A committed transaction: Fetch at both isolation levels and the LSO', 'commit', (id, topic) => [
    ...openWithBatch(id, topic),
    endTxn(1, id, P, true),
    ...afterSettled(id, topic),
    describeProducers(topic, [0]),
  ]),
  txn('An aborted transaction: read_committed lists it among abortedTransactions', 'abort', (id, topic) => [
    ...openWithBatch(id, topic),
    endTxn(1, id, P, false),
    ...afterSettled(id, topic),
  ]),
  txn('A committed then an aborted transaction on one partition', 'commit-then-abort', (id, topic) => [
    ...openWithBatch(id, topic),
    endTxn(1, id, P, true),
    awaitTransactionSettled(id),
    ...openWithBatch(id, topic, 1, 2),
    endTxn(1, id, P, false),
    ...afterSettled(id, topic),
    listTransactions(1, id),
  ]),
  txn('An open transaction: LSO, ListOffsets read_committed, DescribeProducers, DescribeTransactions', 'open', (id, topic) => [
    produceBatch(topic, 0, { producer: () => ({ producerId: -1n, producerEpoch: -1 }), baseSequence: -1 }),
    ...openWithBatch(id, topic),
    listOffsetsLatest(topic, 0, 0),
    listOffsetsLatest(topic, 0, 1),
    listOffsetsLatest(topic, 0, 1, 2),
    fetchAt(topic, 0, 1),
    fetchAt(topic, 0, 0),
    describeProducers(topic, [0]),
    describeTransactions([id]),
    listTransactions(0, id, ['Ongoing']),
    listTransactions(1, id, ['CompleteCommit']),
    endTxn(1, id, P, false),
    awaitTransactionSettled(id),
  ]),
  txn('InitProducerId during an open transaction aborts it', 'init-aborts', (id, topic) => [
    ...openWithBatch(id, topic),
    initProducerId(3, { transactionalId: id }),
    awaitTransactionSettled(id),
    initProducerId(3, { transactionalId: id }),
    fetchAt(topic, 0, 1),
    describeTransactions([id]),
  ]),
  {
    name: 'A transaction over two topics and both partitions, committed',
    topics: [
      { name: 'diff-txn-two-topics', partitions: 2 },
      { name: 'diff-txn-two-topics-other', partitions: 1 },
    ],
    steps: [
      initProducerId(3, { transactionalId: 'diff-txn-two-topics' }),
      addPartitions(3, 'diff-txn-two-topics', P, [
        { name: 'diff-txn-two-topics', partitions: [0, 1] },
        { name: 'diff-txn-two-topics-other', partitions: [0] },
      ]),
      describeTransactions(['diff-txn-two-topics']),
      endTxn(3, 'diff-txn-two-topics', P, true),
      awaitTransactionSettled('diff-txn-two-topics'),
      describeTransactions(['diff-txn-two-topics']),
    ],
  },
];

const WRONG_STATE: readonly Scenario[] = [
  txn('AddPartitionsToTxn with an unknown topic and an unknown partition', 'add-unknown', (id, topic) => [
    addPartitions(1, id, P, [
      { name: topic, partitions: [0, 7] },
      { name: 'diff-txn-no-such-topic', partitions: [0] },
    ]),
    describeTransactions([id]),
  ]),
  txn('AddPartitionsToTxn with a stale epoch after a bump', 'add-fenced', (id, topic) => [
    initProducerId(3, { transactionalId: id }),
    addPartitions(1, id, P, [{ name: topic, partitions: [0] }]),
    addPartitions(3, id, P, [{ name: topic, partitions: [0] }]),
    addPartitions(3, id, withEpoch(P, 5), [{ name: topic, partitions: [0] }]),
  ]),
  txn('AddPartitionsToTxn with a producer id the transactional id does not have', 'add-wrong-pid', (id, topic) => [
    addPartitions(1, id, UNKNOWN_PRODUCER, [{ name: topic, partitions: [0] }]),
    addPartitions(1, 'diff-txn-never-initialised', P, [{ name: topic, partitions: [0] }]),
  ]),
  txn('AddPartitionsToTxn v4 batches transactions as brokers send them', 'add-v4', (id, topic) => [
    addPartitions(4, id, P, [{ name: topic, partitions: [0, 1] }]),
    addPartitions(4, 'diff-txn-never-initialised-v4', P, [{ name: topic, partitions: [0] }]),
    endTxn(3, id, P, false),
    awaitTransactionSettled(id),
  ]),
  txn('EndTxn with no partitions in the transaction', 'end-empty', (id) => [endTxn(1, id, P, true), endTxn(1, id, P, false)]),
  txn('EndTxn commit after an abort, and an abort retried', 'end-after-abort', (id, topic) => [
    ...openWithBatch(id, topic),
    endTxn(1, id, P, false),
    awaitTransactionSettled(id),
    endTxn(1, id, P, true),
    endTxn(1, id, P, false),
  ]),
  txn('EndTxn commit retried after it completed', 'end-retried', (id, topic) => [
    ...openWithBatch(id, topic),
    endTxn(1, id, P, true),
    awaitTransactionSettled(id),
    endTxn(1, id, P, true),
  ]),
  txn('EndTxn with a stale epoch, a future epoch and an unknown transactional id', 'end-fenced', (id, topic) => [
    ...openWithBatch(id, topic),
    endTxn(1, id, withEpoch(P, -1), true),
    endTxn(3, id, withEpoch(P, 2), true),
    endTxn(1, 'diff-txn-end-nobody', P, true),
    endTxn(1, id, P, false),
    awaitTransactionSettled(id),
  ]),
  txn('A transactional Produce to a partition not added to the transaction', 'produce-not-added', (id, topic) => [
    addPartitions(1, id, P, [{ name: topic, partitions: [0] }]),
    produceBatch(topic, 1, { producer: P, baseSequence: 0, transactional: true }, id),
    produceBatch(topic, 0, { producer: P, baseSequence: 0, transactional: true }, id),
    endTxn(1, id, P, false),
    awaitTransactionSettled(id),
  ]),
  txn('A transactional Produce after the transaction committed, without AddPartitionsToTxn', 'produce-after-commit', (id, topic) => [
    ...openWithBatch(id, topic),
    endTxn(1, id, P, true),
    awaitTransactionSettled(id),
    produceBatch(topic, 0, { producer: P, baseSequence: 2, transactional: true }, id),
  ]),
  txn('A transactional Produce with a stale epoch', 'produce-fenced', (id, topic) => [
    initProducerId(3, { transactionalId: id }),
    addPartitions(1, id, producerAt(1), [{ name: topic, partitions: [0] }]),
    produceBatch(topic, 0, { producer: P, baseSequence: 0, transactional: true }, id),
    endTxn(1, id, producerAt(1), false),
    awaitTransactionSettled(id),
  ]),
];

const OFFSETS: readonly Scenario[] = [
  txn('TxnOffsetCommit in an aborted transaction leaves no offsets', 'offsets-abort', (id, topic) => [
    addOffsets(1, id, P, `${id}-group`),
    txnOffsetCommit(1, id, `${id}-group`, P, topic, [1n, 1n]),
    endTxn(1, id, P, false),
    awaitTransactionSettled(id),
    offsetFetch(7, `${id}-group`, null, true),
  ]),
  txn('TxnOffsetCommit without AddOffsetsToTxn', 'offsets-not-added', (id, topic) => [
    txnOffsetCommit(1, id, `${id}-group`, P, topic, [1n]),
    addPartitions(1, id, P, [{ name: topic, partitions: [0] }]),
    txnOffsetCommit(3, id, `${id}-group`, P, topic, [1n]),
    endTxn(1, id, P, false),
    awaitTransactionSettled(id),
  ]),
  txn('TxnOffsetCommit to an unknown partition and with a stale epoch', 'offsets-errors', (id, topic) => [
    addOffsets(1, id, P, `${id}-group`),
    txnOffsetCommit(3, id, `${id}-group`, P, topic, [1n, 1n, 1n]),
    txnOffsetCommit(3, id, `${id}-group`, withEpoch(P, -1), topic, [1n]),
    endTxn(1, id, P, false),
    awaitTransactionSettled(id),
  ]),
  txn('AddOffsetsToTxn with a stale epoch, an unknown producer and an empty group id', 'add-offsets-errors', (id) => [
    addOffsets(1, id, withEpoch(P, -1), `${id}-group`),
    addOffsets(1, id, UNKNOWN_PRODUCER, `${id}-group`),
    addOffsets(1, id, P, ''),
  ]),
];

const ADMIN: readonly Scenario[] = [
  { name: 'DescribeTransactions of an unknown transactional id and of an empty one', steps: [describeTransactions(['diff-txn-describe-unknown', ''])] },
  {
    name: 'ListTransactions with an unknown state filter and a producer id filter',
    steps: [
      initProducerId(3, { transactionalId: 'diff-txn-list-filter' }),
      listTransactions(0, 'diff-txn-list-filter', ['NoSuchState', 'Empty']),
      listTransactions(1, 'diff-txn-list-filter', [], P),
      listTransactions(1, 'diff-txn-list-filter', ['Ongoing'], P),
    ],
  },
];

/** Produce v12 and later add their partition to the transaction (transaction protocol 2). */
const PRODUCE_TV2 = 12;
const END_TXN_TV2 = 5;
const TXN_OFFSET_COMMIT_TV2 = 5;

function produceTv2(id: string, topic: string, partition: number, producer = P, baseSequence = 0): Step {
  return produceBatch(topic, partition, { producer, baseSequence, transactional: true }, id, PRODUCE_TV2);
}

const PROTOCOL_2: readonly Scenario[] = [
  {
    name: 'Two transactions on protocol 2, as the Java 4 client sends them: implicit adds, EndTxn v5 bumps the epoch',
    topics: [{ name: 'diff-txn-tv2-java', partitions: 2 }],
    steps: [
      initProducerId(5, { transactionalId: 'diff-txn-tv2-java' }),
      produceTv2('diff-txn-tv2-java', 'diff-txn-tv2-java', 0),
      produceTv2('diff-txn-tv2-java', 'diff-txn-tv2-java', 1),
      txnOffsetCommit(TXN_OFFSET_COMMIT_TV2, 'diff-txn-tv2-java', 'diff-txn-tv2-java-group', P, 'diff-txn-tv2-java', [2n, 2n]),
      describeTransactions(['diff-txn-tv2-java']),
      // Step 5 answers the producer id and epoch the next transaction uses.
      endTxn(END_TXN_TV2, 'diff-txn-tv2-java', P, true),
      ...afterSettled('diff-txn-tv2-java', 'diff-txn-tv2-java'),
      offsetFetch(7, 'diff-txn-tv2-java-group', [{ name: 'diff-txn-tv2-java', partitionIndexes: [0, 1] }], true),
      describeProducers('diff-txn-tv2-java', [0, 1]),
      describeTransactions(['diff-txn-tv2-java']),
      produceTv2('diff-txn-tv2-java', 'diff-txn-tv2-java', 0, producerAt(5)),
      // The epoch the first transaction used is fenced now.
      produceTv2('diff-txn-tv2-java', 'diff-txn-tv2-java', 1, P, 1),
      endTxn(END_TXN_TV2, 'diff-txn-tv2-java', producerAt(5), false),
      ...afterSettled('diff-txn-tv2-java', 'diff-txn-tv2-java'),
      describeProducers('diff-txn-tv2-java', [0]),
    ],
  },
  txn(
    'EndTxn v5 retried after its answer was lost, the opposite decision, an abort with nothing added, stale and unknown ids',
    'tv2-end-retry',
    (id, topic) => [
      produceTv2(id, topic, 0),
      endTxn(END_TXN_TV2, id, P, true),
      awaitTransactionSettled(id),
      endTxn(END_TXN_TV2, id, P, true),
      endTxn(END_TXN_TV2, id, P, false),
      endTxn(END_TXN_TV2, id, producerAt(2), true),
      // Kafka answers an EndTxn before it completes: the next one waits for that, or it gets CONCURRENT_TRANSACTIONS.
      endTxn(END_TXN_TV2, id, producerAt(2), false),
      awaitTransactionSettled(id),
      endTxn(END_TXN_TV2, id, producerAt(7), false),
      awaitTransactionSettled(id),
      endTxn(END_TXN_TV2, id, producerAt(7), true),
      endTxn(END_TXN_TV2, id, producerAt(9), false),
      awaitTransactionSettled(id),
      endTxn(END_TXN_TV2, 'diff-txn-tv2-end-nobody', P, false),
      describeTransactions([id]),
    ],
    5,
  ),
  txn(
    'EndTxn v5 with nothing in the transaction: a commit is refused, an abort bumps the epoch',
    'tv2-end-empty',
    (id) => [
      endTxn(END_TXN_TV2, id, P, true),
      endTxn(END_TXN_TV2, id, P, false),
      awaitTransactionSettled(id),
      endTxn(END_TXN_TV2, id, producerAt(2), false),
      awaitTransactionSettled(id),
      describeTransactions([id]),
    ],
    5,
  ),
  txn(
    'Produce v12 from a fenced epoch and an unknown transactional id; v11 and TxnOffsetCommit v4 to what was not added',
    'tv2-produce-errors',
    (id, topic) => [
      initProducerId(5, { transactionalId: id }),
      produceTv2(id, topic, 0),
      produceTv2('diff-txn-tv2-produce-nobody', topic, 0, producerAt(1)),
      addPartitions(3, id, producerAt(1), [{ name: topic, partitions: [0] }]),
      produceBatch(topic, 1, { producer: producerAt(1), baseSequence: 0, transactional: true }, id, 11),
      txnOffsetCommit(4, id, `${id}-group`, producerAt(1), topic, [1n]),
      endTxn(4, id, producerAt(1), false),
      awaitTransactionSettled(id),
    ],
    5,
  ),
  txn(
    'Produce v12 of a first transactional batch that does not start at sequence 0',
    'tv2-first-sequence',
    (id, topic) => [produceTv2(id, topic, 0, P, 5), produceTv2(id, topic, 0, P, 0), endTxn(END_TXN_TV2, id, P, false), awaitTransactionSettled(id)],
    5,
  ),
  txn(
    'AddPartitionsToTxn v4 adds under protocol 2 and verifies: a partition outside the transaction is abortable',
    'tv2-verify',
    (id, topic) => [
      addPartitions(4, id, P, [{ name: topic, partitions: [0] }]),
      addPartitionsVerify(id, P, [{ name: topic, partitions: [0, 1] }]),
      describeTransactions([id]),
      endTxn(END_TXN_TV2, id, P, false),
      awaitTransactionSettled(id),
    ],
    5,
  ),
];

/** A TxnOffsetCommit v3 step with the group member fields and per-partition metadata chosen by the scenario. */
function txnOffsetCommitAs(
  transactionalId: string,
  groupId: string,
  member: MemberRef,
  partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly metadata: string | null }>,
): Step {
  return step(TxnOffsetCommitRequestCodec, TxnOffsetCommitResponseCodec, 3, (history) => ({
    transactionalId,
    groupId,
    ...P(history),
    generationId: resolve(member.generationId, history),
    memberId: resolve(member.memberId, history),
    groupInstanceId: member.groupInstanceId ?? null,
    topics: partitions.map((p) => ({
      name: p.topic,
      partitions: [{ partitionIndex: p.partition, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: p.metadata }],
    })),
  }));
}

/** The refusals of DescribeTransactions, TxnOffsetCommit and EndTxn: error codes, and null against empty fields. */
const ERROR_PATHS: readonly Scenario[] = [
  txn('DescribeTransactions of a known id named twice beside an unknown one, and of no id', 'describe-twice', (id) => [
    describeTransactions([id, 'diff-txn-describe-twice-nobody', id]),
    describeTransactions([]),
  ]),
  txn('TxnOffsetCommit from an unknown transactional id, an unknown producer, a future epoch, to an empty or a group not added', 'toc-refused', (id, topic) => [
    addOffsets(1, id, P, `${id}-group`),
    txnOffsetCommit(3, 'diff-txn-toc-refused-nobody', `${id}-group`, P, topic, [1n]),
    txnOffsetCommit(3, id, `${id}-group`, UNKNOWN_PRODUCER, topic, [1n]),
    txnOffsetCommit(3, id, `${id}-group`, withEpoch(P, 1), topic, [1n]),
    txnOffsetCommit(0, id, `${id}-group`, withEpoch(P, -1), topic, [1n]),
    txnOffsetCommit(3, id, '', P, topic, [1n]),
    txnOffsetCommit(3, id, `${id}-other-group`, P, topic, [1n]),
    endTxn(1, id, P, false),
    awaitTransactionSettled(id),
  ]),
  txn('TxnOffsetCommit with metadata over the limit, null metadata, and a partition of an unknown topic', 'toc-partitions', (id, topic) => [
    addOffsets(1, id, P, `${id}-group`),
    txnOffsetCommitAs(id, `${id}-group`, { memberId: '', generationId: -1 }, [
      { topic, partition: 0, metadata: 'm'.repeat(5000) },
      { topic, partition: 1, metadata: null },
      { topic: 'diff-txn-toc-no-such-topic', partition: 0, metadata: '' },
    ]),
    endTxn(1, id, P, true),
    awaitTransactionSettled(id),
    offsetFetch(7, `${id}-group`, null, true),
  ]),
  {
    name: 'TxnOffsetCommit v3 naming a member of a classic group: a wrong generation, an unknown member, the member itself',
    topics: [{ name: 'diff-txn-toc-member', partitions: 2 }],
    steps: [
      ...becomeStable(5, 3, 'diff-txn-toc-member-group', 'diff-txn-toc-member').steps,
      initProducerId(3, { transactionalId: 'diff-txn-toc-member' }),
      addOffsets(1, 'diff-txn-toc-member', producerAt(3), 'diff-txn-toc-member-group'),
      ...[{ memberId: joinedAt(1).memberId, generationId: 7 }, { memberId: 'diff-txn-toc-not-a-member', generationId: 1 }, joinedAt(1)].map((member) =>
        step(TxnOffsetCommitRequestCodec, TxnOffsetCommitResponseCodec, 3, (history) => ({
          transactionalId: 'diff-txn-toc-member',
          groupId: 'diff-txn-toc-member-group',
          ...producerAt(3)(history),
          generationId: resolve(member.generationId, history),
          memberId: resolve(member.memberId, history),
          groupInstanceId: null,
          topics: [{ name: 'diff-txn-toc-member', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
        })),
      ),
      endTxn(1, 'diff-txn-toc-member', producerAt(3), false),
      awaitTransactionSettled('diff-txn-toc-member'),
    ],
  },
  txn('EndTxn from an unknown producer (v1, v4, v5), with a stale epoch at v5, and of an empty transactional id', 'end-refused', (id, topic) => [
    ...openWithBatch(id, topic),
    endTxn(1, id, UNKNOWN_PRODUCER, true),
    endTxn(4, id, UNKNOWN_PRODUCER, false),
    endTxn(5, id, UNKNOWN_PRODUCER, false),
    endTxn(5, id, withEpoch(P, -1), true),
    endTxn(1, '', P, true),
    endTxn(1, id, P, false),
    awaitTransactionSettled(id),
  ]),
];

export const TRANSACTION_SCENARIOS: readonly Scenario[] = [...CLIENT_PATHS, ...LIFECYCLE, ...WRONG_STATE, ...OFFSETS, ...ADMIN, ...PROTOCOL_2, ...ERROR_PATHS];
