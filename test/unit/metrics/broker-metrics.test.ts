// The broker's plain counters: records counted from batch headers, error codes found anywhere in a response, and
// the latency histogram's buckets.
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { BrokerMetrics, LATENCY_BOUNDS_MS, recordsInBatches } from '../../../src/metrics/broker-metrics';

const batch = (count: number): Buffer => encodeRecordBatch({ records: Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`v${i}`) })) });

test('records are counted from the headers of every batch, in one buffer or several', () => {
  const three = batch(3);
  const five = batch(5);
  expect(recordsInBatches(three)).toBe(3);
  expect(recordsInBatches(Buffer.concat([three, five]))).toBe(8);
  expect(recordsInBatches([three, five, Buffer.concat([five, three])])).toBe(16);
  // A batch cut by the fetch limit is not counted past its header.
  expect(recordsInBatches(Buffer.concat([three, five.subarray(0, 20)]))).toBe(3);
  expect(recordsInBatches(null)).toBe(0);
});

test('error codes are counted wherever the response carries them, and NONE is not', () => {
  const metrics = new BrokerMetrics();
  const started = metrics.requestStarted(0, 9, 100);
  const response = {
    throttleTimeMs: 0,
    responses: [
      {
        name: 'a',
        partitionResponses: [
          { index: 0, errorCode: 0, records: Buffer.alloc(4) },
          { index: 1, errorCode: 3, recordErrors: [] },
        ],
      },
      { name: 'b', partitionResponses: [{ index: 0, errorCode: 3 }] },
    ],
  };
  metrics.requestCompleted(0, started, 50, response);
  const top = metrics.requestStarted(19, 7, 10);
  metrics.requestCompleted(19, top, 10, { errorCode: -1, topics: [] });
  expect(metrics.errorCounts()).toEqual([
    { apiKey: 0, errorCode: 3, count: 2 },
    { apiKey: 19, errorCode: -1, count: 1 },
  ]);
  const produce = metrics.apis[0];
  expect(produce?.byVersion[9]).toBe(1);
  expect([produce?.requestBytes, produce?.responseBytes, produce?.latencyCount]).toEqual([100, 50, 1]);
});

test('latencies land in the first bucket whose bound is not below them', () => {
  const metrics = new BrokerMetrics();
  metrics.requestStarted(1, 12, 0);
  const api = metrics.apis[1];
  if (api === undefined) throw new Error('no Fetch counters');
  for (const ms of [0.1, 0.25, 0.3, 499, 500, 60_000]) api.observeLatency(ms);
  const at = (bound: number): number => api.latencyBuckets[LATENCY_BOUNDS_MS.indexOf(bound)];
  expect([at(0.25), at(0.5), at(500)]).toEqual([2, 1, 2]);
  expect(api.latencyBuckets[LATENCY_BOUNDS_MS.length]).toBe(1);
  expect(api.latencySumMs).toBeCloseTo(60_999.65);
});
