// Authorizer scenarios where one Produce or Fetch names several topics with different fates (issue 18): allowed,
// refused (TOPIC_AUTHORIZATION_FAILED), unknown with and without the ACL that would allow it, a partition that does
// not exist, by name and (Produce v13, Fetch v13+) by topic id. What is compared is which answer each topic gets and
// in which order the answer lists them. Names start `az-m`.
import { FetchRequestCodec } from '../../codecs/generated/FetchRequest';
import { FetchResponseCodec } from '../../codecs/generated/FetchResponse';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { sessionlessFetch } from '../helpers/fetch-requests';
import { AclOperation, topicGrant, type AuthorizerScenario } from './authorizer-steps';
import { batchOf } from './batches';
import { metadataOf, produceToAll, topicIdIn } from './data-steps';
import { step, type Step } from './harness';

const { READ, WRITE, DESCRIBE } = AclOperation;
/** A topic id no broker gave out. */
const UNKNOWN_ID = '7a3c1e52-9d44-4b1f-8e0a-5c6d7e8f9012';

type Targets = ReadonlyArray<readonly [topic: string, partitions: readonly number[]]>;

/** Produce v13+: topics named by the ids the user's earlier Metadata answer gave (an unknown one by UNKNOWN_ID). */
function produceByIds(version: number, targets: Targets, unknownIdPartitions: readonly number[] = []): Step {
  const records = batchOf(1);
  return step(ProduceRequestCodec, ProduceResponseCodec, version, (history) => ({
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      ...targets.map(([name, partitions]) => ({ name: '', topicId: topicIdIn(history, name), partitionData: partitions.map((index) => ({ index, records })) })),
      ...(unknownIdPartitions.length === 0 ? [] : [{ name: '', topicId: UNKNOWN_ID, partitionData: unknownIdPartitions.map((index) => ({ index, records })) }]),
    ],
  }));
}

function fetchPartitions(partitions: readonly number[]): Array<{ partition: number; fetchOffset: bigint; partitionMaxBytes: number }> {
  return partitions.map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }));
}

function fetchByNames(version: number, targets: Targets): Step {
  return step(
    FetchRequestCodec,
    FetchResponseCodec,
    version,
    sessionlessFetch(targets.map(([topic, partitions]) => ({ topic, partitions: fetchPartitions(partitions) }))),
  );
}

/** Fetch v13+: topics by id, as produceByIds names them. */
function fetchByIds(version: number, targets: Targets, unknownIdPartitions: readonly number[] = []): Step {
  return step(FetchRequestCodec, FetchResponseCodec, version, (history) =>
    sessionlessFetch([
      ...targets.map(([name, partitions]) => ({ topicId: topicIdIn(history, name), partitions: fetchPartitions(partitions) })),
      ...(unknownIdPartitions.length === 0 ? [] : [{ topicId: UNKNOWN_ID, partitions: fetchPartitions(unknownIdPartitions) }]),
    ]),
  );
}

export const AUTHORIZER_MULTI_TOPIC_SCENARIOS: readonly AuthorizerScenario[] = [
  {
    name: 'Produce v9 and v3 naming several topics: refused, allowed (a partition missing), unknown with and without WRITE',
    topics: [
      { name: 'az-mp-ok', partitions: 2 },
      { name: 'az-mp-no', partitions: 2 },
      { name: 'az-mp-also', partitions: 1 },
    ],
    grants: [topicGrant('az-mp-ok', WRITE), topicGrant('az-mp-also', WRITE), topicGrant('az-mp-ghost', WRITE), topicGrant('az-mp-no', DESCRIBE)],
    steps: [
      produceToAll(
        9,
        [
          { name: 'az-mp-no', partitions: [1, 0] },
          { name: 'az-mp-ok', partitions: [1, 7, 0] },
          { name: 'az-mp-nowhere', partitions: [0] },
          { name: 'az-mp-ghost', partitions: [0] },
          { name: 'az-mp-also', partitions: [0] },
        ],
        batchOf(2),
      ),
      // Up to four partitions Kafka's order is deterministic (appended, refused, unknown) and compared as it is.
      produceToAll(
        3,
        [
          { name: 'az-mp-ghost', partitions: [0] },
          { name: 'az-mp-no', partitions: [0] },
          { name: 'az-mp-ok', partitions: [0] },
        ],
        batchOf(1),
      ),
      produceToAll(
        9,
        [
          { name: 'az-mp-nowhere', partitions: [0] },
          { name: 'az-mp-ok', partitions: [1, 9] },
        ],
        batchOf(1),
      ),
    ],
  },
  {
    name: 'Produce v13 by topic id: allowed, DESCRIBE only, an unknown id',
    topics: [
      { name: 'az-mp13-ok', partitions: 2 },
      { name: 'az-mp13-desc', partitions: 1 },
    ],
    grants: [topicGrant('az-mp13-ok', WRITE), topicGrant('az-mp13-desc', DESCRIBE)],
    steps: [
      metadataOf('az-mp13-ok', 'az-mp13-desc'),
      produceByIds(
        13,
        [
          ['az-mp13-desc', [0]],
          ['az-mp13-ok', [1, 0]],
        ],
        [0],
      ),
    ],
  },
  {
    name: 'Fetch v12 and v4 naming several topics: refused, allowed (one partition missing), DESCRIBE only, unknown with and without READ',
    topics: [
      { name: 'az-mf-ok', partitions: 2 },
      { name: 'az-mf-no', partitions: 1 },
      { name: 'az-mf-desc', partitions: 1 },
    ],
    grants: [topicGrant('az-mf-ok', READ), topicGrant('az-mf-desc', DESCRIBE), topicGrant('az-mf-ghost', READ)],
    steps: [
      fetchByNames(12, [
        ['az-mf-no', [0]],
        ['az-mf-ghost', [0]],
        ['az-mf-ok', [1, 9, 0]],
        ['az-mf-nowhere', [0]],
        ['az-mf-desc', [0]],
      ]),
      fetchByNames(4, [
        ['az-mf-nowhere', [0]],
        ['az-mf-ok', [0]],
        ['az-mf-no', [0]],
      ]),
    ],
  },
  {
    name: 'Fetch v13 and v17 by topic id: allowed, DESCRIBE only, an unknown id',
    topics: [
      { name: 'az-mf13-ok', partitions: 2 },
      { name: 'az-mf13-desc', partitions: 1 },
    ],
    grants: [topicGrant('az-mf13-ok', READ), topicGrant('az-mf13-desc', DESCRIBE)],
    steps: [
      metadataOf('az-mf13-ok', 'az-mf13-desc'),
      fetchByIds(
        13,
        [
          ['az-mf13-desc', [0]],
          ['az-mf13-ok', [1, 0]],
        ],
        [0],
      ),
      fetchByIds(17, [['az-mf13-ok', [0]]], [1]),
    ],
  },
];
