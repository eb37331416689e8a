import { decodeTransactionMarkerBatch, encodeTransactionMarkerBatch } from '../../../codecs/records/control-batch';
import { decodeRecordBatch } from '../../../codecs/records/record-batch';
import { batchIsControl, batchIsTransactional } from '../../../codecs/records/batch-header';

describe('control batches', () => {
  it.each(['COMMIT', 'ABORT'] as const)('round-trips a %s marker', (type) => {
    const buf = encodeTransactionMarkerBatch({
      type,
      producerId: 1234n,
      producerEpoch: 5,
      coordinatorEpoch: 17,
      timestamp: 1_700_000_000_123n,
      baseOffset: 77n,
    });
    expect(batchIsControl(buf)).toBe(true);
    expect(batchIsTransactional(buf)).toBe(true);
    const raw = decodeRecordBatch(buf);
    expect(raw.baseSequence).toBe(-1);
    expect(raw.records).toHaveLength(1);
    expect(raw.records[0].key).toEqual(Buffer.from([0, 0, 0, type === 'COMMIT' ? 1 : 0]));
    expect(raw.records[0].value).toEqual(Buffer.from([0, 0, 0, 0, 0, 17]));
    expect(decodeTransactionMarkerBatch(buf)).toEqual({
      type,
      coordinatorEpoch: 17,
      producerId: 1234n,
      producerEpoch: 5,
      baseOffset: 77n,
      timestamp: 1_700_000_000_123n,
    });
  });
});
