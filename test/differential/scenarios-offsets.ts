// Differential scenarios for the offset APIs of the data path: ListOffsets (earliest, latest, by timestamp before,
// at, between and after the records, inside compressed batches, max timestamp -3, the tiered-storage specs -4/-5) at the versions clients
// send; DeleteRecords at and past the bounds; OffsetForLeaderEpoch for current, future and unknown epochs.
import { Compression } from '../../codecs/records/batch-header';
import { batchOf, BASE_TIMESTAMP } from './batches';
import { deleteRecords, EARLIEST, LATEST, listOffsets, listOffsetsOf, MAX_TIMESTAMP, offsetForLeaderEpoch, produce } from './data-steps';
import { DeleteRecordsRequestCodec } from '../../codecs/generated/DeleteRecordsRequest';
import { DeleteRecordsResponseCodec } from '../../codecs/generated/DeleteRecordsResponse';
import { step, type Scenario, type Step } from './harness';

/** kafka-python sends 1, kafkajs up to 3, librdkafka up to 7, the Java client up to 10 (11 is unstable-free in 4.3). */
const LIST_OFFSETS_VERSIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;

/**
 * Two batches whose record timestamps are BASE+0, +10, +20 (offsets 0-2) and BASE+40, +30 (offsets 3-4, the
 * larger timestamp first): by-timestamp lookups see a gap, an exact hit and a maximum that is not the last record.
 */
function timedRecords(topic: string): Step[] {
  const t = (delta: number): bigint => BASE_TIMESTAMP + BigInt(delta);
  return [produce(topic, batchOf(3, 'a', { timestamps: [t(0), t(10), t(20)] })), produce(topic, batchOf(2, 'b', { timestamps: [t(40), t(30)] }))];
}

function perVersion(version: number): Scenario {
  const topic = `diff-lov${version}`;
  return {
    name: `ListOffsets v${version} earliest, latest and by timestamp`,
    topics: [{ name: topic, partitions: 1 }],
    steps: [...timedRecords(topic), ...[EARLIEST, LATEST, BASE_TIMESTAMP + 5n].map((ts) => listOffsets(topic, 0, ts, version))],
  };
}

function byTimestamp(label: string, topic: string, timestamp: bigint, version = 7): Scenario {
  return { name: `ListOffsets ${label}`, topics: [{ name: topic, partitions: 1 }], steps: [...timedRecords(topic), listOffsets(topic, 0, timestamp, version)] };
}

const TIMESTAMP_SCENARIOS: Scenario[] = [
  byTimestamp('at the exact timestamp of a record', 'diff-lo-exact', BASE_TIMESTAMP + 10n),
  byTimestamp('before every record', 'diff-lo-before', BASE_TIMESTAMP - 1000n),
  byTimestamp('at a timestamp only a later batch reaches', 'diff-lo-later-batch', BASE_TIMESTAMP + 25n),
  byTimestamp('after the last record', 'diff-lo-after', BASE_TIMESTAMP + 1000n),
  byTimestamp('after the last record at v1', 'diff-lo-after-v1', BASE_TIMESTAMP + 1000n, 1),
  byTimestamp('max timestamp (-3) at v7', 'diff-lo-max', MAX_TIMESTAMP),
  byTimestamp('max timestamp (-3) at v8', 'diff-lo-max-v8', MAX_TIMESTAMP, 8),
  byTimestamp('max timestamp (-3) at v6, before it existed', 'diff-lo-max-v6', MAX_TIMESTAMP, 6),
  byTimestamp('earliest local (-4) at v8', 'diff-lo-earliest-local', EARLIEST_LOCAL, 8),
  byTimestamp('latest tiered (-5) at v9', 'diff-lo-latest-tiered', LATEST_TIERED, 9),
  byTimestamp('earliest pending upload (-6) at v10, before it existed', 'diff-lo-pending-v10', -6n, 10),
  byTimestamp('earliest pending upload (-6) at v11', 'diff-lo-pending-v11', -6n, 11),
  byTimestamp('of an unknown negative spec (-7)', 'diff-lo-minus-7', -7n),
  {
    name: 'ListOffsets max timestamp (-3) of an empty partition',
    topics: [{ name: 'diff-lo-max-empty', partitions: 1 }],
    steps: [listOffsets('diff-lo-max-empty', 0, MAX_TIMESTAMP)],
  },
  {
    name: 'ListOffsets by timestamp of an empty partition',
    topics: [{ name: 'diff-lo-ts-empty', partitions: 1 }],
    steps: [listOffsets('diff-lo-ts-empty', 0, BASE_TIMESTAMP)],
  },
];

/**
 * One compressed batch of ten records at BASE+0, +1000 ... +9000, except offset 6 at BASE+20000 when `peak`: Kafka
 * inflates the batch and answers the record (FileRecords.searchForTimestamp, RecordBatch.offsetOfMaxTimestamp).
 */
function insideCompressed(label: string, compression: Compression, timestamp: bigint, peak = false): Scenario {
  const topic = `diff-lo-in-${label}`;
  const timestamps = Array.from({ length: 10 }, (_, i) => BASE_TIMESTAMP + (peak && i === 6 ? 20_000n : BigInt(i) * 1000n));
  return {
    name: `ListOffsets ${timestamp === MAX_TIMESTAMP ? 'max timestamp (-3)' : 'by timestamp'} inside a ${label} batch`,
    topics: [{ name: topic, partitions: 1 }],
    steps: [produce(topic, batchOf(2, 'pre')), produce(topic, batchOf(10, label, { compression, timestamps })), listOffsets(topic, 0, timestamp)],
  };
}

const COMPRESSED_SCENARIOS: Scenario[] = [
  insideCompressed('gzip', Compression.Gzip, BASE_TIMESTAMP + 7500n),
  insideCompressed('zstd', Compression.Zstd, BASE_TIMESTAMP + 1n),
  insideCompressed('lz4-max', Compression.Lz4, MAX_TIMESTAMP, true),
  insideCompressed('snappy-max', Compression.Snappy, MAX_TIMESTAMP, true),
];

const OTHER_LIST_SCENARIOS: Scenario[] = [
  {
    name: 'ListOffsets read_committed latest of non-transactional records, v2 and v7',
    topics: [{ name: 'diff-lo-committed', partitions: 1 }],
    steps: [produce('diff-lo-committed', batchOf(2)), listOffsets('diff-lo-committed', 0, LATEST, 2, 1), listOffsets('diff-lo-committed', 0, LATEST, 7, 1)],
  },
  { name: 'ListOffsets v1 of an unknown topic', steps: [listOffsets('diff-lo-unknown-v1', 0, EARLIEST, 1)] },
  {
    name: 'ListOffsets earliest after DeleteRecords',
    topics: [{ name: 'diff-lo-deleted', partitions: 1 }],
    steps: [
      ...timedRecords('diff-lo-deleted'),
      deleteRecords('diff-lo-deleted', 0, 3n),
      listOffsets('diff-lo-deleted', 0, EARLIEST),
      listOffsets('diff-lo-deleted', 0, BASE_TIMESTAMP),
    ],
  },
  {
    name: 'ListOffsets with a current leader epoch from the future',
    topics: [{ name: 'diff-lo-epoch', partitions: 1 }],
    steps: [listOffsetsOf('diff-lo-epoch', [{ partitionIndex: 0, currentLeaderEpoch: 5, timestamp: LATEST }])],
  },
  {
    name: 'ListOffsets of the same partition twice in one request',
    topics: [{ name: 'diff-lo-duplicate', partitions: 1 }],
    steps: [
      listOffsetsOf(
        'diff-lo-duplicate',
        [EARLIEST, LATEST].map((timestamp) => ({ partitionIndex: 0, timestamp })),
      ),
    ],
  },
];

function produced(topic: string, partitions = 1): Pick<Scenario, 'topics'> {
  return { topics: [{ name: topic, partitions }] };
}

const DELETE_RECORDS_SCENARIOS: Scenario[] = [
  { name: 'DeleteRecords at offset 0', ...produced('diff-dr-zero'), steps: [produce('diff-dr-zero', batchOf(3)), deleteRecords('diff-dr-zero', 0, 0n)] },
  {
    name: 'DeleteRecords at the high watermark',
    ...produced('diff-dr-hw'),
    steps: [produce('diff-dr-hw', batchOf(3)), deleteRecords('diff-dr-hw', 0, 3n), listOffsets('diff-dr-hw', 0, EARLIEST)],
  },
  {
    name: 'DeleteRecords one past the high watermark',
    ...produced('diff-dr-hw-plus'),
    steps: [produce('diff-dr-hw-plus', batchOf(3)), deleteRecords('diff-dr-hw-plus', 0, 4n)],
  },
  {
    name: 'DeleteRecords at -1 means the high watermark',
    ...produced('diff-dr-minus-one'),
    steps: [produce('diff-dr-minus-one', batchOf(3)), deleteRecords('diff-dr-minus-one', 0, -1n), listOffsets('diff-dr-minus-one', 0, EARLIEST)],
  },
  {
    name: 'DeleteRecords at -2',
    ...produced('diff-dr-minus-two'),
    steps: [produce('diff-dr-minus-two', batchOf(3)), deleteRecords('diff-dr-minus-two', 0, -2n)],
  },
  {
    name: 'DeleteRecords below the current log start',
    ...produced('diff-dr-below'),
    steps: [produce('diff-dr-below', batchOf(3)), deleteRecords('diff-dr-below', 0, 2n), deleteRecords('diff-dr-below', 0, 1n)],
  },
  { name: 'DeleteRecords of an empty partition at 0', ...produced('diff-dr-empty'), steps: [deleteRecords('diff-dr-empty', 0, 0n)] },
  { name: 'DeleteRecords of an unknown topic', steps: [deleteRecords('diff-dr-unknown-topic', 0, 0n)] },
  {
    name: 'DeleteRecords of a known and an unknown partition in one request',
    ...produced('diff-dr-two'),
    steps: [
      produce('diff-dr-two', batchOf(2)),
      // Kafka lists refusals before the partitions it trimmed (the order of its maps, no contract): the unknown
      // partition comes first here too, so the answers compare field by field.
      step(DeleteRecordsRequestCodec, DeleteRecordsResponseCodec, 2, {
        topics: [{ name: 'diff-dr-two', partitions: [3, 0].map((partitionIndex) => ({ partitionIndex, offset: 1n })) }],
        timeoutMs: 5000,
      }),
    ],
  },
  { name: 'DeleteRecords v0', ...produced('diff-dr-v0'), steps: [produce('diff-dr-v0', batchOf(2)), deleteRecords('diff-dr-v0', 0, 1n, 0)] },
  { name: 'DeleteRecords v1', ...produced('diff-dr-v1'), steps: [produce('diff-dr-v1', batchOf(2)), deleteRecords('diff-dr-v1', 0, 1n, 1)] },
  {
    name: 'DeleteRecords in the middle of a batch, then produce again',
    ...produced('diff-dr-mid'),
    steps: [
      produce('diff-dr-mid', batchOf(3)),
      deleteRecords('diff-dr-mid', 0, 1n),
      produce('diff-dr-mid', batchOf(1)),
      listOffsets('diff-dr-mid', 0, EARLIEST),
    ],
  },
];

const EPOCH_SCENARIOS: Scenario[] = [
  ...[2, 3, 4].map((version): Scenario => ({
    name: `OffsetForLeaderEpoch v${version} of the current epoch`,
    ...produced(`diff-ofle-v${version}`),
    steps: [produce(`diff-ofle-v${version}`, batchOf(3)), offsetForLeaderEpoch(`diff-ofle-v${version}`, 0, 0, version)],
  })),
  { name: 'OffsetForLeaderEpoch of an empty partition', ...produced('diff-ofle-empty'), steps: [offsetForLeaderEpoch('diff-ofle-empty', 0, 0)] },
  {
    name: 'OffsetForLeaderEpoch of an epoch from the future',
    ...produced('diff-ofle-future'),
    steps: [produce('diff-ofle-future', batchOf(2)), offsetForLeaderEpoch('diff-ofle-future', 0, 7)],
  },
  {
    name: 'OffsetForLeaderEpoch with a current leader epoch from the future',
    ...produced('diff-ofle-current'),
    steps: [offsetForLeaderEpoch('diff-ofle-current', 0, 0, 4, 3)],
  },
  { name: 'OffsetForLeaderEpoch of an unknown partition', ...produced('diff-ofle-part'), steps: [offsetForLeaderEpoch('diff-ofle-part', 4, 0)] },
  { name: 'OffsetForLeaderEpoch of an unknown topic', steps: [offsetForLeaderEpoch('diff-ofle-unknown', 0, 0)] },
];

export const OFFSETS_SCENARIOS: readonly Scenario[] = [
  ...LIST_OFFSETS_VERSIONS.map(perVersion),
  ...TIMESTAMP_SCENARIOS,
  ...COMPRESSED_SCENARIOS,
  ...OTHER_LIST_SCENARIOS,
  ...DELETE_RECORDS_SCENARIOS,
  ...EPOCH_SCENARIOS,
];
