// A Produce whose write fails on disk: that partition gets KAFKA_STORAGE_ERROR and nothing of it is in the log,
// the other partitions of the same request are written, and the failed partition takes writes again afterwards.
// Appends here go the produce handler's immediate path (PartitionLog.appendNow), which must fail the same way.
import { brokerPerSuite } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { ProduceRequestCodec } from '../../codecs/generated/ProduceRequest';
import { ProduceResponseCodec } from '../../codecs/generated/ProduceResponse';
import { encodeRecordBatch } from '../../codecs/records/record-batch';
import type { PartitionLog } from '../../storage';
import { NODE_FILE_WRITER } from '../../storage/fd-pool';

jest.setTimeout(30000);

const KAFKA_STORAGE_ERROR = 56;

const eddy = brokerPerSuite({
  beforeStop: async () => {
    jest.restoreAllMocks();
  },
});

function records(value: string): Buffer {
  return encodeRecordBatch({ records: [{ value: Buffer.from(value) }] });
}

async function produce(c: RawClient, partitions: Array<[number, string]>): Promise<Array<{ index: number; errorCode: number; baseOffset: bigint }>> {
  const res = await c.request(ProduceRequestCodec, ProduceResponseCodec, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: 'disk', partitionData: partitions.map(([index, value]) => ({ index, records: records(value) })) }],
  });
  return res.responses[0].partitionResponses.map((p) => ({ index: p.index, errorCode: p.errorCode, baseOffset: p.baseOffset }));
}

test('a failed write answers KAFKA_STORAGE_ERROR for exactly the partition it hit', async () => {
  await eddy.broker.logs.createTopic('disk', 2);
  const c = await RawClient.connect(eddy.broker.port);
  try {
    // First writes make the segment files, so the next ones can take the immediate path.
    expect(
      (
        await produce(c, [
          [0, 'one'],
          [1, 'one'],
        ])
      ).map((p) => p.errorCode),
    ).toEqual([0, 0]);
    const write = NODE_FILE_WRITER.write;
    const failing = jest.spyOn(NODE_FILE_WRITER, 'write').mockImplementation((fd, data, position) => {
      if (data.includes('poison')) throw Object.assign(new Error('injected EIO'), { code: 'EIO' });
      return write(fd, data, position);
    });
    const logs = [0, 1].map((p) => eddy.broker.logs.partition('disk', p) as PartitionLog);
    const callsBefore = logs.map((l) => l.writeCallCount);
    const answer = await produce(c, [
      [0, 'poison'],
      [1, 'two'],
    ]);
    expect(failing).toHaveBeenCalled();
    expect(answer).toEqual([
      { index: 0, errorCode: KAFKA_STORAGE_ERROR, baseOffset: -1n },
      { index: 1, errorCode: 0, baseOffset: 1n },
    ]);
    // Partition 1 was written by the immediate path (one write call, no queue).
    expect(logs[1].writeCallCount).toBe(callsBefore[1] + 1);
    expect(logs.map((l) => l.logEndOffset)).toEqual([1n, 2n]);
    failing.mockRestore();
    expect(await produce(c, [[0, 'three']])).toEqual([{ index: 0, errorCode: 0, baseOffset: 1n }]);
    const read = await logs[0].read(0n, 1 << 20);
    expect(read.batches.some((b) => b.includes(Buffer.from('poison')))).toBe(false);
    expect(read.batches).toHaveLength(2);
  } finally {
    c.close();
  }
});
