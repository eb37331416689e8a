// Every API the broker serves can be answered with an error, in every version it serves: the answer encodes with
// the API's own response codec and reads back with the error where Kafka's would carry it.
import { Reader } from '../../../codecs/primitives/reader';
import { Writer } from '../../../codecs/primitives/writer';
import { API_REGISTRY } from '../../../codecs/generated/api-registry';
import { buildHandlerTable } from '../../../src/api/registry';
import { ZERO_UUID } from '../../../codecs/protocol/uuid';
import { APIS_WITHOUT_ERROR_ANSWER, errorResponse } from '../../../src/faults/error-responses';

const NOT_COORDINATOR = 16;

/** A request naming one topic with partition 0, one group and one transactional id, in the fields each API uses. */
const sample: Record<number, unknown> = {
  0: { acks: -1, topicData: [{ name: 't', topicId: ZERO_UUID, partitionData: [{ index: 0 }] }] },
  1: { topics: [{ topic: 't', topicId: ZERO_UUID, partitions: [{ partition: 0 }] }] },
  2: { topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] },
  3: { topics: [{ name: 't', topicId: ZERO_UUID }] },
  8: { groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] },
  9: { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], groups: [{ groupId: 'g', topics: null }] },
  10: { key: 'g', keyType: 0, coordinatorKeys: ['g'] },
  15: { groups: ['g'] },
  19: { topics: [{ name: 't' }] },
  20: { topicNames: ['t'], topics: [{ name: 't', topicId: ZERO_UUID }] },
  21: { topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] },
  23: { topics: [{ topic: 't', partitions: [{ partition: 0 }] }] },
  24: { v3AndBelowTopics: [{ name: 't', partitions: [0] }], transactions: [] },
  28: { transactionalId: 'x', groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }] },
  42: { groupsNames: ['g'] },
};

/** Every errorCode field anywhere in a decoded response. */
function errorCodes(value: unknown, into: number[] = []): number[] {
  if (Array.isArray(value)) value.forEach((v) => errorCodes(v, into));
  else if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'errorCode' || key === 'partitionErrorCode') && typeof v === 'number') into.push(v);
      else errorCodes(v, into);
    }
  }
  return into;
}

test('every served API and version encodes an error answer that carries the error', () => {
  const checked: string[] = [];
  for (const handler of buildHandlerTable().values()) {
    if (APIS_WITHOUT_ERROR_ANSWER.has(handler.apiKey)) continue;
    const codec = (API_REGISTRY.get(handler.apiKey) as { response: { decode(r: Reader, v: number): unknown } }).response;
    for (let version = handler.minVersion; version <= handler.maxVersion; version++) {
      const answer = errorResponse(handler.apiKey, version, sample[handler.apiKey] ?? {}, NOT_COORDINATOR);
      const writer = new Writer();
      writer.dropsAbsentFields = true;
      handler.encodeResponse(answer, writer, version);
      const decoded = codec.decode(new Reader(Buffer.concat(writer.toChunks())), version);
      const codes = errorCodes(decoded);
      if (!codes.includes(NOT_COORDINATOR)) throw new Error(`API ${handler.apiKey} v${version} answered without the error: ${JSON.stringify(codes)}`);
      checked.push(`${handler.apiKey}v${version}`);
    }
  }
  expect(checked.length).toBeGreaterThan(150);
});

test('partitions get the error with Kafka placeholders beside it', () => {
  expect(errorResponse(0, 9, sample[0], 6)).toEqual({
    throttleTimeMs: 0,
    responses: [
      {
        name: 't',
        topicId: ZERO_UUID,
        partitionResponses: [{ index: 0, errorCode: 6, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n }],
      },
    ],
  });
  expect(errorResponse(12, 4, { groupId: 'g' }, 16)).toEqual({ throttleTimeMs: 0, errorCode: 16 });
});
