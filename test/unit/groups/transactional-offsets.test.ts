// Transactional offset commits in the group coordinator: pending until the transaction ends, UNSTABLE for
// require_stable readers, written as the producer's transactional batch, and rebuilt from __consumer_offsets
// (committed, aborted and still-open transactions) when a coordinator starts over the same log.
import { GroupCoordinator, GroupCoordinatorConfig } from '../../../src/groups/group-coordinator';
import { OFFSETS_TOPIC } from '../../../src/groups/offsets-topic';
import { ErrorCode } from '../../../codecs/protocol/errors';
import { silentLogger } from '../../../src/logger';
import { encodeTransactionMarkerBatch } from '../../../codecs/records/control-batch';
import { decodeRecordBatch } from '../../../codecs/records/record-batch';
import { MemoryStorage } from './memory-storage';

const CONFIG: GroupCoordinatorConfig = {
  offsetsTopicPartitions: 1,
  initialRebalanceDelayMs: 0,
  minSessionTimeoutMs: 100,
  maxSessionTimeoutMs: 60_000,
  maxGroupSize: 100,
  offsetsRetentionMs: 60_000_000,
  offsetsRetentionCheckIntervalMs: 3_600_000,
  offsetMetadataMaxBytes: 100,
  newMemberJoinTimeoutMs: 300_000,
  consumer: { sessionTimeoutMs: 45_000, heartbeatIntervalMs: 5_000, maxGroupSize: 100 },
};

describe('transactional offset commits', () => {
  let storage: MemoryStorage;
  const running: GroupCoordinator[] = [];

  const start = async (): Promise<GroupCoordinator> => {
    const c = await GroupCoordinator.start({ storage, config: CONFIG, logger: silentLogger() });
    running.push(c);
    return c;
  };

  const commit = (c: GroupCoordinator, producerId: bigint, offset: bigint, over: { memberId?: string; generationId?: number } = {}) =>
    c.commitTransactionalOffsets({
      groupId: 'g',
      producerId,
      producerEpoch: 0,
      generationId: over.generationId ?? -1,
      memberId: over.memberId ?? '',
      groupInstanceId: null,
      partitions: [{ topic: 't', partition: 0, offset, leaderEpoch: -1, metadata: 'm', commitTimestamp: -1n }],
    });

  const fetched = (c: GroupCoordinator, requireStable = false) =>
    c.fetchOffsets('g', [{ topic: 't', partitions: [0] }], undefined, requireStable).topics[0].partitions[0];

  const marker = async (producerId: bigint, commit: boolean): Promise<void> => {
    await storage
      .partition(OFFSETS_TOPIC, 0)
      ?.append(encodeTransactionMarkerBatch({ type: commit ? 'COMMIT' : 'ABORT', producerId, producerEpoch: 0, coordinatorEpoch: 0 }));
  };

  beforeEach(() => {
    storage = new MemoryStorage();
  });
  afterEach(() => {
    for (const c of running.splice(0)) c.shutdown();
  });

  test('pending until the transaction commits; an abort drops them; require_stable sees UNSTABLE_OFFSET_COMMIT', async () => {
    const c = await start();
    expect(await commit(c, 10n, 5n)).toEqual([ErrorCode.NONE]);
    expect(fetched(c)).toMatchObject({ offset: -1n, errorCode: 0 });
    expect(fetched(c, true)).toMatchObject({ offset: -1n, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT });
    c.completeTransaction(10n, false);
    expect(fetched(c, true)).toMatchObject({ offset: -1n, errorCode: 0 });
    await commit(c, 10n, 6n);
    c.completeTransaction(10n, true);
    expect(fetched(c, true)).toMatchObject({ offset: 6n, metadata: 'm', errorCode: 0 });
    // Written as the producer's transactional batch.
    const batches = storage.allBatches(OFFSETS_TOPIC).map((b) => decodeRecordBatch(b));
    expect(batches.map((b) => [b.transactional, b.producerId])).toEqual([
      [true, 10n],
      [true, 10n],
    ]);
  });

  test('member and generation are checked only when sent', async () => {
    const c = await start();
    expect(await commit(c, 11n, 1n, { memberId: 'ghost' })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(await commit(c, 11n, 1n, { generationId: 3 })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(await commit(c, 11n, 1n)).toEqual([ErrorCode.NONE]);
  });

  test('a restart replays committed, aborted and open transactions from the log', async () => {
    const first = await start();
    await commit(first, 1n, 10n);
    await marker(1n, true);
    await commit(first, 2n, 20n);
    await marker(2n, false);
    await commit(first, 3n, 30n);
    first.shutdown();

    const second = await start();
    expect(fetched(second)).toMatchObject({ offset: 10n });
    // Producer 3's transaction is still open: its offset waits for the transaction coordinator's decision.
    expect(fetched(second, true).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    second.completeTransaction(3n, true);
    expect(fetched(second, true)).toMatchObject({ offset: 30n, errorCode: 0 });
  });
});
