// Differential scenarios for non-transactional Produce: the versions clients send (librdkafka 3-10, kafkajs and
// kafka-python up to 7, the Java client up to 13), acks 0/1/-1 and invalid ones, several partitions and topics in
// one request, compressed batches, damaged batches, timestamps and the message size limits, and topics whose
// compression.type makes the broker rebuild batches with its own codec.
import { BATCH_HEADER, Compression, updateBatchCrc } from '../../codecs/records/batch-header';
import { scanFetchedRecords } from '../../codecs/records/batch-iterator';
import { withPlainRecords } from '../../codecs/records/batch-recompress';
import type { FetchResponse } from '../../codecs/generated/FetchResponse';
import { encodeLegacyMessageSet } from '../../codecs/records/legacy-message-set';
import {
  asControlBatch,
  BASE_TIMESTAMP,
  batchOf,
  batchOfSize,
  batchOfTotalSize,
  truncated,
  withAttributes,
  withBadCrc,
  withBaseOffset,
  withLastOffsetDelta,
  withLengthOff,
  withMagic,
  withRecordCount,
  wordyBatch,
} from './batches';
import { fetch, LATEST, listOffsets, metadataOf, produce, produceToAll, produceWithoutAcks } from './data-steps';
import type { Scenario, ScenarioTopic, Step } from './harness';

/** Every Produce version a client of API-VERSIONS.md sends and Kafka 4.3.1 still serves. */
const PRODUCE_VERSIONS = [3, 5, 7, 8, 9, 10, 11, 12, 13];
const UNKNOWN_TOPIC_ID = '3b0c7e1d-55a4-4f0e-8d1c-9e2a6b4c7f01';
const HOUR_MS = 3_600_000n;

function perVersion(version: number): Scenario[] {
  const topic = `diff-pv${version}`;
  // v13 names topics by id: a Metadata step first gives each broker's id to the Produce body.
  const lookup = version >= 13 ? [metadataOf(topic)] : [];
  const unknownTopic =
    version >= 13
      ? produceToAll(version, [{ name: '', topicId: UNKNOWN_TOPIC_ID, partitions: [0] }], batchOf(1))
      : produce(`diff-pv${version}-unknown`, batchOf(1), { version });
  return [
    {
      name: `Produce v${version} of two batches, then ListOffsets latest`,
      topics: [{ name: topic, partitions: 2 }],
      steps: [...lookup, produce(topic, batchOf(2), { version }), produce(topic, batchOf(3), { version }), listOffsets(topic, 0, LATEST)],
    },
    { name: `Produce v${version} to an unknown topic`, steps: [unknownTopic] },
    {
      name: `Produce v${version} to an unknown partition`,
      topics: [{ name: `${topic}-part`, partitions: 1 }],
      steps: [...(version >= 13 ? [metadataOf(`${topic}-part`)] : []), produce(`${topic}-part`, batchOf(1), { version, partition: 7 })],
    },
  ];
}

/** A damaged batch sent alone at v9 to a topic of its own: the error code and its message's presence compare. */
function rejected(name: string, topic: string, records: Buffer, version = 9, configs: ScenarioTopic['configs'] = []): Scenario {
  return {
    name: `Produce rejects ${name}`,
    topics: [{ name: topic, partitions: 1, configs }],
    steps: [produce(topic, records, { version }), listOffsets(topic, 0, LATEST)],
    freeTextMessages: true,
  };
}

function compressed(codec: Compression, label: string): Scenario {
  const topic = `diff-pr-${label}`;
  return {
    name: `Produce a ${label} batch, then Fetch it back`,
    topics: [{ name: topic, partitions: 1 }],
    steps: [produce(topic, batchOf(5, label, { compression: codec, keys: true })), fetch(12, topic, [{ fetchOffset: 0n }])],
  };
}

/**
 * A Fetch whose batches are compared with their records section decompressed: two compressors need not write the
 * same bytes for the same records. The attributes (the codec bits included) and every other header field stay
 * as stored; the CRC is recomputed over the decompressed form so that it still covers them.
 */
function fetchDecompressed(name: string): Step {
  const inner = fetch(12, name, [{ fetchOffset: 0n }]);
  const decompressed = (records: Buffer): Buffer =>
    Buffer.concat(
      scanFetchedRecords(records).batches.map((slice) => {
        const batch = records.subarray(slice.offset, slice.offset + slice.size);
        if (slice.magic !== 2) return batch;
        const plain = Buffer.from(withPlainRecords(batch));
        batch.copy(plain, BATCH_HEADER.attributes, BATCH_HEADER.attributes, BATCH_HEADER.attributes + 2);
        updateBatchCrc(plain);
        return plain;
      }),
    );
  return {
    label: `${inner.label} (records decompressed)`,
    send: async (client, history) => {
      const response = (await inner.send(client, history)) as FetchResponse;
      if (!('responses' in response)) return response;
      for (const topic of response.responses) {
        for (const partition of topic.partitions) if (partition.records !== null) partition.records = decompressed(partition.records);
      }
      return response;
    },
  };
}

/** A batch of `sent` codec produced to a topic whose compression.type is `topicCodec`: Kafka stores it with the topic's. */
function recompressed(topicCodec: string, sent: Compression, sentLabel: string, configs: ScenarioTopic['configs'] = []): Scenario {
  const topic = `diff-pr-to-${topicCodec}-from-${sentLabel}${configs.length > 0 ? '-x' : ''}`;
  return {
    name: `Produce a ${sentLabel} batch to a compression.type=${topicCodec} topic${configs.length > 0 ? ` (${configs.map((c) => `${c.name}=${c.value}`).join(', ')})` : ''}, then Fetch`,
    topics: [{ name: topic, partitions: 1, configs: [{ name: 'compression.type', value: topicCodec }, ...configs] }],
    steps: [
      produce(topic, batchOf(4, 'r', { compression: sent, keys: true, timestamps: [BASE_TIMESTAMP, BASE_TIMESTAMP + 7n, BASE_TIMESTAMP + 3n] })),
      produce(topic, batchOf(2, 's', { compression: sent })),
      fetchDecompressed(topic),
    ],
  };
}

const RECOMPRESSION_SCENARIOS: Scenario[] = [
  recompressed('zstd', Compression.None, 'uncompressed'),
  recompressed('lz4', Compression.None, 'uncompressed'),
  recompressed('gzip', Compression.None, 'uncompressed'),
  recompressed('snappy', Compression.Zstd, 'zstd'),
  recompressed('uncompressed', Compression.Gzip, 'gzip'),
  recompressed('zstd', Compression.Gzip, 'gzip', [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]),
  recompressed('gzip', Compression.Gzip, 'gzip', [{ name: 'compression.gzip.level', value: '1' }]),
  rejected(
    'a keyless record in a gzip batch rebuilt for a zstd compacted topic',
    'diff-pr-compacted-recompress',
    batchOf(2, 'c', { compression: Compression.Gzip }),
    9,
    [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'compression.type', value: 'zstd' },
    ],
  ),
  {
    // The limit holds the batch as sent but not the batch the topic's codec makes of it.
    name: 'Produce a zstd batch that outgrows max.message.bytes once stored uncompressed',
    topics: [
      {
        name: 'diff-pr-recompress-too-large',
        partitions: 1,
        configs: [
          { name: 'compression.type', value: 'uncompressed' },
          { name: 'max.message.bytes', value: '3000' },
        ],
      },
    ],
    steps: [produce('diff-pr-recompress-too-large', wordyBatch(20, Compression.Zstd)), listOffsets('diff-pr-recompress-too-large', 0, LATEST)],
    freeTextMessages: true,
  },
];

const ACKS_SCENARIOS: Scenario[] = [
  {
    name: 'Produce v9 acks=0 writes without answering',
    topics: [{ name: 'diff-pr-acks0', partitions: 1 }],
    steps: [produceWithoutAcks('diff-pr-acks0', batchOf(2))],
  },
  {
    name: 'Produce v7 acks=0 writes without answering',
    topics: [{ name: 'diff-pr-acks0-v7', partitions: 1 }],
    steps: [produceWithoutAcks('diff-pr-acks0-v7', batchOf(2), 7)],
  },
  {
    name: 'Produce v9 acks=0 to an unknown partition',
    topics: [{ name: 'diff-pr-acks0-bad', partitions: 1 }],
    steps: [produceWithoutAcks('diff-pr-acks0-bad', batchOf(2), 9, 4)],
  },
  {
    name: 'Produce v7 acks=1',
    topics: [{ name: 'diff-pr-acks1-v7', partitions: 1 }],
    steps: [produce('diff-pr-acks1-v7', batchOf(2), { version: 7, acks: 1 })],
  },
  { name: 'Produce v9 acks=1', topics: [{ name: 'diff-pr-acks1', partitions: 1 }], steps: [produce('diff-pr-acks1', batchOf(2), { acks: 1 })] },
  {
    name: 'Produce v7 with acks=2',
    topics: [{ name: 'diff-pr-acks2-v7', partitions: 1 }],
    steps: [produce('diff-pr-acks2-v7', batchOf(2), { version: 7, acks: 2 })],
  },
  { name: 'Produce v9 with acks=-2', topics: [{ name: 'diff-pr-acks-2', partitions: 1 }], steps: [produce('diff-pr-acks-2', batchOf(2), { acks: -2 })] },
];

const SHAPE_SCENARIOS: Scenario[] = [
  {
    name: 'Produce to a good and an unknown partition in one request',
    topics: [{ name: 'diff-pr-mixed', partitions: 2 }],
    steps: [produceToAll(9, [{ name: 'diff-pr-mixed', partitions: [1, 5, 0] }], batchOf(2))],
  },
  {
    name: 'Produce to a known and an unknown topic in one request',
    topics: [{ name: 'diff-pr-two-topics', partitions: 1 }],
    steps: [
      produceToAll(
        7,
        ['diff-pr-two-topics', 'diff-pr-two-topics-unknown'].map((name) => ({ name, partitions: [0] })),
        batchOf(1),
      ),
    ],
  },
  {
    name: 'Produce two batches in one partition entry',
    topics: [{ name: 'diff-pr-two-batches', partitions: 1 }],
    steps: [produce('diff-pr-two-batches', Buffer.concat([batchOf(2, 'a'), batchOf(3, 'b')])), fetch(12, 'diff-pr-two-batches', [{ fetchOffset: 0n }])],
  },
  rejected('an empty records field', 'diff-pr-empty', Buffer.alloc(0)),
  {
    name: 'Produce of a batch with a client-chosen base offset gets broker offsets',
    topics: [{ name: 'diff-pr-base-offset', partitions: 1 }],
    steps: [produce('diff-pr-base-offset', withBaseOffset(batchOf(2), 1000n)), fetch(12, 'diff-pr-base-offset', [{ fetchOffset: 0n }])],
  },
];

const RULE_SCENARIOS: Scenario[] = [
  rejected('a zstd batch at v5, before zstd existed', 'diff-pr-zstd-v5', batchOf(2, 'z', { compression: Compression.Zstd }), 5),
  rejected('a keyless record on a compacted topic', 'diff-pr-compacted', batchOf(2), 9, [{ name: 'cleanup.policy', value: 'compact' }]),
  {
    name: 'Produce of keyed records to a compacted topic, then Fetch',
    topics: [{ name: 'diff-pr-compacted-keys', partitions: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] }],
    steps: [produce('diff-pr-compacted-keys', batchOf(2, 'k', { keys: true })), fetch(12, 'diff-pr-compacted-keys', [{ fetchOffset: 0n }])],
  },
];

const DAMAGED_SCENARIOS: Scenario[] = [
  rejected('a batch with a bad CRC', 'diff-pr-bad-crc', withBadCrc(batchOf(2))),
  rejected('a batch with a bad CRC at v3', 'diff-pr-bad-crc-v3', withBadCrc(batchOf(2)), 3),
  rejected('a batch with magic 1 under a v2 layout', 'diff-pr-magic1', withMagic(batchOf(2), 1)),
  rejected('a batch with magic 3', 'diff-pr-magic3', withMagic(batchOf(2), 3)),
  rejected(
    'a legacy magic-1 message set at v3',
    'diff-pr-legacy-v3',
    encodeLegacyMessageSet([{ offset: 0n, value: Buffer.from('old'), timestamp: BASE_TIMESTAMP }], { magic: 1 }),
    3,
  ),
  rejected('a batch whose length overruns the data', 'diff-pr-long', withLengthOff(batchOf(2), 10)),
  rejected('a batch whose length stops short', 'diff-pr-short', withLengthOff(batchOf(2), -5)),
  rejected('a batch cut short', 'diff-pr-truncated', truncated(batchOf(3), 4)),
  { ...rejected('', 'diff-pr-trailing', Buffer.concat([batchOf(2), Buffer.alloc(7)])), name: 'Produce of a batch followed by stray bytes' },
  rejected('a batch declaring more records than it holds', 'diff-pr-count-high', withRecordCount(batchOf(2), 3)),
  rejected('a batch declaring fewer records than it holds', 'diff-pr-count-low', withRecordCount(batchOf(3), 2)),
  rejected('a batch declaring a negative record count', 'diff-pr-count-negative', withRecordCount(batchOf(2), -1)),
  rejected('a batch whose lastOffsetDelta disagrees with its records', 'diff-pr-last-delta', withLastOffsetDelta(batchOf(2), 5)),
  rejected('a control batch from a client', 'diff-pr-control', asControlBatch(batchOf(1))),
  rejected('a batch with an unknown compression codec', 'diff-pr-codec-7', withAttributes(batchOf(2), 7)),
  { ...rejected('', 'diff-pr-bad-gzip', withAttributes(batchOf(2), Compression.Gzip)), name: 'Produce of a gzip batch whose data is not gzip' },
];

const LOG_APPEND_TIME_FLAG = 0x08;

const TIMESTAMP_SCENARIOS: Scenario[] = [
  rejected('a record two hours in the future', 'diff-pr-future', batchOf(1, 'f', { timestamps: [BigInt(Date.now()) + 2n * HOUR_MS] })),
  rejected("a record older than the topic's message.timestamp.before.max.ms", 'diff-pr-too-old', batchOf(2), 9, [
    { name: 'message.timestamp.before.max.ms', value: String(HOUR_MS) },
  ]),
  rejected('a batch flagged LogAppendTime by the client on a CreateTime topic', 'diff-pr-client-append-time', withAttributes(batchOf(2), LOG_APPEND_TIME_FLAG)),
  {
    name: 'Produce of records without a timestamp (-1)',
    topics: [{ name: 'diff-pr-no-ts', partitions: 1 }],
    steps: [produce('diff-pr-no-ts', batchOf(2, 'n', { timestamps: [-1n, -1n] })), fetch(12, 'diff-pr-no-ts', [{ fetchOffset: 0n }])],
  },
  {
    name: 'Produce to a LogAppendTime topic, then Fetch',
    topics: [{ name: 'diff-pr-append-time', partitions: 1, configs: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    steps: [produce('diff-pr-append-time', batchOf(3)), fetch(12, 'diff-pr-append-time', [{ fetchOffset: 0n }]), listOffsets('diff-pr-append-time', 0, LATEST)],
  },
  {
    name: 'Produce a gzip batch to a LogAppendTime topic, then Fetch',
    topics: [{ name: 'diff-pr-append-time-gzip', partitions: 1, configs: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
    steps: [
      produce('diff-pr-append-time-gzip', batchOf(3, 'g', { compression: Compression.Gzip })),
      fetch(12, 'diff-pr-append-time-gzip', [{ fetchOffset: 0n }]),
    ],
  },
];

// The broker's message.max.bytes (1048588) and a topic's lower max.message.bytes bound a whole batch, its 12-byte
// offset and length prefix included; a batch of exactly the limit passes.
const SIZE_LIMIT = 200;
const SIZE_SCENARIOS: Scenario[] = [
  rejected('a batch over the broker message.max.bytes', 'diff-pr-too-large', batchOfSize(1_100_000)),
  {
    name: "Produce of a batch at a topic's max.message.bytes passes, one byte more fails",
    topics: [{ name: 'diff-pr-topic-limit', partitions: 1, configs: [{ name: 'max.message.bytes', value: String(SIZE_LIMIT) }] }],
    steps: [
      produce('diff-pr-topic-limit', batchOfTotalSize(SIZE_LIMIT)),
      produce('diff-pr-topic-limit', batchOfTotalSize(SIZE_LIMIT + 1)),
      listOffsets('diff-pr-topic-limit', 0, LATEST),
    ],
    freeTextMessages: true,
  },
];

export const PRODUCE_SCENARIOS: readonly Scenario[] = [
  ...PRODUCE_VERSIONS.flatMap(perVersion),
  ...ACKS_SCENARIOS,
  ...SHAPE_SCENARIOS,
  ...DAMAGED_SCENARIOS,
  ...RULE_SCENARIOS,
  ...TIMESTAMP_SCENARIOS,
  ...SIZE_SCENARIOS,
  ...RECOMPRESSION_SCENARIOS,
  compressed(Compression.Gzip, 'gzip'),
  compressed(Compression.Snappy, 'snappy'),
  compressed(Compression.Lz4, 'lz4'),
  compressed(Compression.Zstd, 'zstd'),
  {
    // Eddy's own LZ4 frames, over many blocks, must be readable by lz4-java, which Kafka decompresses batches with.
    name: 'Produce an lz4 batch of 2,000 word-like records spanning many blocks, then Fetch it back',
    topics: [{ name: 'diff-pr-lz4-blocks', partitions: 1 }],
    steps: [produce('diff-pr-lz4-blocks', wordyBatch(2000, Compression.Lz4)), fetch(12, 'diff-pr-lz4-blocks', [{ fetchOffset: 0n }])],
  },
];
