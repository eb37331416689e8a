// The differential suite's restart sequence (issue 16): records produced to both brokers, both brokers restarted
// on their data dirs (Eddy stopped and started in-process, Kafka's JVM shut down and spawned again), then what a
// client sees afterwards compared: offsets, log start after DeleteRecords, the records' bytes, and a produce that
// continues the log. Its own file, with its own Kafka, so the main suite's broker never restarts.
import type { Broker } from '../../src/broker/broker';
import { Compression } from '../../codecs/records/batch-header';
import { removeDir, startInProcess } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { describeWithReferenceKafka, startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka';
import { ACCEPTED_DIVERGENCES, acceptedFor, matchesScenario, type AcceptedDivergence } from './accepted-divergences';
import { BASE_TIMESTAMP, batchOf } from './batches';
import { deleteRecords, EARLIEST, fetch, fetchAcrossEpochs, LATEST, listOffsets, MAX_TIMESTAMP, metadataOf, offsetForLeaderEpoch, produce } from './data-steps';
import { awaitLeaders, formatValue, runScenario, type Scenario } from './harness';

const PLAIN = 'diff-rs-plain';
const APPEND_TIME = 'diff-rs-append-time';
const TRIMMED = 'diff-rs-trimmed';
const EDDY_CONFIG = { 'group.initial.rebalance.delay.ms': '0' };

const t = (delta: number): bigint => BASE_TIMESTAMP + BigInt(delta);

const BEFORE: Scenario = {
  name: 'before the restart: produce to three topics, trim one',
  topics: [
    { name: PLAIN, partitions: 2 },
    { name: APPEND_TIME, partitions: 1, configs: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
    { name: TRIMMED, partitions: 1 },
  ],
  steps: [
    produce(PLAIN, batchOf(3, 'a', { timestamps: [t(0), t(10), t(20)] })),
    produce(PLAIN, batchOf(2, 'b', { timestamps: [t(40), t(30)], compression: Compression.Gzip })),
    produce(PLAIN, batchOf(1, 'p1'), { partition: 1 }),
    produce(APPEND_TIME, batchOf(2)),
    produce(TRIMMED, batchOf(4)),
    deleteRecords(TRIMMED, 0, 3n),
  ],
};

const AFTER: readonly Scenario[] = [
  {
    name: 'after the restart: ListOffsets earliest, latest, by timestamp and max timestamp',
    steps: [
      listOffsets(PLAIN, 0, EARLIEST),
      listOffsets(PLAIN, 0, LATEST),
      listOffsets(PLAIN, 0, t(15)),
      listOffsets(PLAIN, 0, MAX_TIMESTAMP),
      listOffsets(PLAIN, 1, LATEST),
    ],
  },
  { name: 'after the restart: Fetch v12 returns the same bytes', steps: [fetch(12, PLAIN, [{ fetchOffset: 0n }, { partition: 1, fetchOffset: 0n }])] },
  { name: 'after the restart: Fetch v16 by topic id', steps: [metadataOf(PLAIN), fetch(16, PLAIN, [{ fetchOffset: 3n }])] },
  {
    name: 'after the restart: a LogAppendTime topic keeps its batches',
    steps: [fetch(12, APPEND_TIME, [{ fetchOffset: 0n }]), listOffsets(APPEND_TIME, 0, LATEST)],
  },
  {
    name: 'after the restart: the log start offset DeleteRecords set survives',
    steps: [listOffsets(TRIMMED, 0, EARLIEST), fetch(12, TRIMMED, [{ fetchOffset: 1n }]), fetch(12, TRIMMED, [{ fetchOffset: 3n }])],
  },
  { name: 'after the restart: OffsetForLeaderEpoch', steps: [offsetForLeaderEpoch(PLAIN, 0, 0)] },
  {
    name: 'after the restart: produce continues the log',
    steps: [produce(PLAIN, batchOf(2, 'c')), produce(TRIMMED, batchOf(1)), listOffsets(PLAIN, 0, LATEST), fetchAcrossEpochs(12, PLAIN, [{ fetchOffset: 5n }])],
  },
];

describeWithReferenceKafka('differential: a restart of Eddy and of the reference Kafka', () => {
  let kafka: ReferenceKafka | undefined;
  let eddy: { broker: Broker; dataDir: string } | undefined;
  const used = new Set<AcceptedDivergence>();

  beforeAll(async () => {
    [kafka, eddy] = await Promise.all([startReferenceKafka(), startInProcess(undefined, EDDY_CONFIG)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([kafka?.stop(), eddy?.broker.stop()]);
    if (eddy !== undefined) removeDir(eddy.dataDir);
  }, 30_000);

  async function compared(scenario: Scenario): Promise<void> {
    if (kafka === undefined || eddy === undefined) throw new Error('brokers did not start');
    const [eddyClient, kafkaClient] = await Promise.all([RawClient.connect(eddy.broker.port), RawClient.connect(kafka.port)]);
    try {
      const differences = await runScenario(scenario, { eddy: eddyClient, kafka: kafkaClient });
      for (const d of differences) {
        const entry = acceptedFor(scenario.name, d.path);
        if (entry !== undefined) used.add(entry);
      }
      const unexplained = differences.filter((d) => acceptedFor(scenario.name, d.path) === undefined);
      expect(unexplained.map((d) => `${d.path}: eddy ${formatValue(d.eddy)}, kafka ${formatValue(d.kafka)}`)).toEqual([]);
    } finally {
      eddyClient.close();
      kafkaClient.close();
    }
  }

  test(BEFORE.name, () => compared(BEFORE));

  test('both brokers restart on their data dirs', async () => {
    if (kafka === undefined || eddy === undefined) throw new Error('brokers did not start');
    const dataDir = eddy.dataDir;
    await Promise.all([kafka.restart(), eddy.broker.stop()]);
    eddy = { broker: (await startInProcess(dataDir, EDDY_CONFIG)).broker, dataDir };
    // Kafka answers ApiVersions before its logs are loaded and its partitions led again.
    const kafkaClient = await RawClient.connect(kafka.port);
    try {
      await awaitLeaders(kafkaClient, [PLAIN, APPEND_TIME, TRIMMED]);
    } finally {
      kafkaClient.close();
    }
  }, 180_000);

  test.each(AFTER.map((s) => [s.name, s] as const))('%s', (_name, scenario) => compared(scenario));

  test('every accepted divergence for these scenarios is still needed', () => {
    const names = [BEFORE, ...AFTER].map((s) => s.name);
    const ours = ACCEPTED_DIVERGENCES.filter((entry) => names.some((name) => matchesScenario(entry, name)));
    expect(ours.filter((entry) => !used.has(entry)).map((entry) => entry.reason)).toEqual([]);
  });
});
