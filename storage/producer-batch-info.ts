// Reads the producer fields of a stored batch from its header, and for a control batch the transaction marker
// from its single record, without decoding anything else.
import {
  batchAttributes,
  batchBaseSequence,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchProducerEpoch,
  batchProducerId,
  batchSize,
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
} from '../codecs/records/batch-header';
import { decodeTransactionMarkerBatch } from '../codecs/records/control-batch';
import type { ProducerBatchInfo } from './producer-state';

/** `buf` holds the whole batch at `at` when it is a control batch; data batches need only the header. */
export function producerBatchInfo(buf: Buffer, at = 0): ProducerBatchInfo {
  const attributes = batchAttributes(buf, at);
  const control = (attributes & ATTR_CONTROL) !== 0;
  let marker: ProducerBatchInfo['marker'] = null;
  if (control) {
    try {
      const decoded = decodeTransactionMarkerBatch(buf.subarray(at, at + batchSize(buf, at)));
      marker = { commit: decoded.type === 'COMMIT', coordinatorEpoch: decoded.coordinatorEpoch };
    } catch {
      // Other control records (KRaft's) and unreadable ones do not touch producer state.
      marker = null;
    }
  }
  return {
    producerId: batchProducerId(buf, at),
    producerEpoch: batchProducerEpoch(buf, at),
    baseSequence: batchBaseSequence(buf, at),
    lastOffsetDelta: batchLastOffsetDelta(buf, at),
    maxTimestamp: batchMaxTimestamp(buf, at),
    transactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    control,
    marker,
  };
}
