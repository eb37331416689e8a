// Differential scenarios for idempotent producers (no transactional id): sequences in order, duplicates answered
// with the original offset, gaps, epoch bumps and zombies, as a partition leader checks them batch by batch.
import type { Scenario, Step } from './harness';
import {
  describeProducers,
  fetchAt,
  initProducerId,
  produceBatch,
  producerAt,
  UNKNOWN_PRODUCER,
  withEpoch,
  type BatchSpec,
  type ProducerRef,
} from './txn-steps';

const FIRST = producerAt(0);

/** An idempotent producer (InitProducerId v4, as librdkafka and the Java client send it) on a fresh topic. */
function idempotent(
  name: string,
  key: string,
  then: (topic: string, send: (spec: Omit<BatchSpec, 'producer'> & { producer?: ProducerRef }) => Step) => Step[],
): Scenario {
  const topic = `diff-idem-${key}`;
  const send = (spec: Omit<BatchSpec, 'producer'> & { producer?: ProducerRef }): Step => produceBatch(topic, 0, { producer: FIRST, ...spec });
  return { name, topics: [{ name: topic, partitions: 1 }], steps: [initProducerId(4), ...then(topic, send)] };
}

export const IDEMPOTENCE_SCENARIOS: readonly Scenario[] = [
  idempotent('Idempotent batches in sequence order, then DescribeProducers and Fetch', 'in-order', (topic, send) => [
    send({ baseSequence: 0 }),
    send({ baseSequence: 2, count: 3 }),
    send({ baseSequence: 5 }),
    describeProducers(topic, [0]),
    fetchAt(topic, 0, 0),
  ]),
  idempotent('A duplicate of the last batch is answered with its original offset', 'duplicate-last', (topic, send) => [
    send({ baseSequence: 0 }),
    send({ baseSequence: 2 }),
    send({ baseSequence: 2 }),
    fetchAt(topic, 0, 0),
  ]),
  idempotent('A duplicate of an older batch among the last five is answered with its original offset', 'duplicate-older', (_topic, send) => [
    send({ baseSequence: 0 }),
    send({ baseSequence: 2 }),
    send({ baseSequence: 4 }),
    send({ baseSequence: 0 }),
    send({ baseSequence: 6 }),
  ]),
  idempotent('A batch past a gap in the sequence is OUT_OF_ORDER_SEQUENCE_NUMBER', 'gap', (topic, send) => [
    send({ baseSequence: 0 }),
    send({ baseSequence: 5 }),
    send({ baseSequence: 2 }),
    describeProducers(topic, [0]),
  ]),
  idempotent('A batch overlapping the last one without matching it', 'overlap', (_topic, send) => [
    send({ baseSequence: 0, count: 3 }),
    send({ baseSequence: 1, count: 3 }),
  ]),
  idempotent('The first batch of a new producer with a sequence other than 0', 'first-not-zero', (topic, send) => [
    send({ baseSequence: 7 }),
    describeProducers(topic, [0]),
  ]),
  idempotent('A batch from an epoch above the current one, starting at sequence 0', 'epoch-ahead', (topic, send) => [
    send({ baseSequence: 0 }),
    send({ baseSequence: 0, producer: withEpoch(FIRST, 1) }),
    send({ baseSequence: 2, producer: FIRST }),
    describeProducers(topic, [0]),
  ]),
  idempotent('A batch from an epoch above the current one, not at sequence 0', 'epoch-ahead-not-zero', (_topic, send) => [
    send({ baseSequence: 0 }),
    send({ baseSequence: 4, producer: withEpoch(FIRST, 1) }),
  ]),
  {
    name: 'After InitProducerId bumps the epoch, the old epoch is fenced and the new one starts at 0',
    topics: [{ name: 'diff-idem-bump', partitions: 1 }],
    steps: [
      initProducerId(4),
      produceBatch('diff-idem-bump', 0, { producer: FIRST, baseSequence: 0 }),
      initProducerId(4, { producer: FIRST }),
      produceBatch('diff-idem-bump', 0, { producer: producerAt(2), baseSequence: 0 }),
      produceBatch('diff-idem-bump', 0, { producer: FIRST, baseSequence: 2 }),
      produceBatch('diff-idem-bump', 0, { producer: producerAt(2), baseSequence: 5 }),
      describeProducers('diff-idem-bump', [0]),
    ],
  },
  {
    name: 'InitProducerId v3 with a producer id and an epoch that do not match',
    steps: [initProducerId(4), initProducerId(3, { producer: withEpoch(FIRST, 3) }), initProducerId(3, { producer: UNKNOWN_PRODUCER })],
  },
  {
    name: 'A producer id no InitProducerId gave produces from sequence 0',
    topics: [{ name: 'diff-idem-unknown-id', partitions: 1 }],
    steps: [
      produceBatch('diff-idem-unknown-id', 0, { producer: UNKNOWN_PRODUCER, baseSequence: 0 }),
      produceBatch('diff-idem-unknown-id', 0, { producer: UNKNOWN_PRODUCER, baseSequence: 2 }),
      describeProducers('diff-idem-unknown-id', [0]),
    ],
  },
  {
    name: 'Idempotent produce at v3 and v7 on two partitions keeps one sequence per partition',
    topics: [{ name: 'diff-idem-versions', partitions: 2 }],
    steps: [
      initProducerId(1),
      produceBatch('diff-idem-versions', 0, { producer: FIRST, baseSequence: 0 }, null, 3),
      produceBatch('diff-idem-versions', 1, { producer: FIRST, baseSequence: 0 }, null, 7),
      produceBatch('diff-idem-versions', 1, { producer: FIRST, baseSequence: 0 }, null, 7),
      produceBatch('diff-idem-versions', 0, { producer: FIRST, baseSequence: 2 }, null, 3),
      describeProducers('diff-idem-versions', [0, 1]),
    ],
  },
  {
    name: 'A batch marked transactional from a producer with no transaction',
    topics: [{ name: 'diff-idem-stray-txn', partitions: 1 }],
    steps: [initProducerId(4), produceBatch('diff-idem-stray-txn', 0, { producer: FIRST, baseSequence: 0, transactional: true })],
  },
  {
    name: 'DescribeProducers of a partition with no producers, an unknown partition and an unknown topic',
    topics: [{ name: 'diff-idem-no-producers', partitions: 1 }],
    steps: [describeProducers('diff-idem-no-producers', [0, 3]), describeProducers('diff-idem-no-such-topic', [0])],
  },
  {
    name: 'InitProducerId v0 and v2 without a transactional id',
    steps: [initProducerId(0), initProducerId(2)],
  },
  {
    name: 'InitProducerId v4 with an empty transactional id',
    steps: [initProducerId(4, { transactionalId: '' })],
  },
];
