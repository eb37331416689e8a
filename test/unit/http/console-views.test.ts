// The console API's pure pieces: how payload bytes are shown (truncation, a UTF-8 view that survives a cut inside
// a character, the JSON flag), the cursors of the message browser, REST error mapping and state names.
import { payloadView } from '../../../src/http/console/record-views';
import { decodeCursor, encodeCursor } from '../../../src/http/console/message-browser';
import { RestError, restErrorOf } from '../../../src/http/console/rest-errors';
import { restStateName } from '../../../src/http/console/consumer-groups';
import { ErrorCode } from '../../../codecs/protocol/errors';

describe('payloadView', () => {
  test('text, JSON and binary payloads', () => {
    expect(payloadView(Buffer.from('{"a": [1, 2]}'), 100)).toEqual({
      size: 13,
      truncated: false,
      base64: Buffer.from('{"a": [1, 2]}').toString('base64'),
      utf8: '{"a": [1, 2]}',
      is_json: true,
    });
    expect(payloadView(Buffer.from('hello'), 100)).toEqual(expect.objectContaining({ utf8: 'hello', is_json: false }));
    expect(payloadView(Buffer.from('42'), 100).is_json).toBe(true);
    expect(payloadView(Buffer.from('  '), 100).is_json).toBe(false);
    expect(payloadView(Buffer.from([0xc3, 0x28]), 100)).toEqual(expect.objectContaining({ utf8: null, is_json: false }));
  });

  test('a payload over the limit shows its first bytes; a cut inside a character still reads as text', () => {
    const text = Buffer.from('aé'.repeat(10)); // 3 bytes per pair
    const view = payloadView(text, 4); // 'a', 'é', 'a', then half of 'é'
    expect(view).toEqual({ size: 30, truncated: true, base64: text.subarray(0, 4).toString('base64'), utf8: 'aéa', is_json: false });
    expect(payloadView(Buffer.from('{"long": true}'), 5).is_json).toBe(false);
    expect(payloadView(Buffer.alloc(0), 5)).toEqual({ size: 0, truncated: false, base64: '', utf8: '', is_json: false });
  });
});

describe('message browser cursors', () => {
  test('round trip', () => {
    const positions = { '0': 12, '3': 0 };
    expect(decodeCursor(encodeCursor(positions))).toEqual(positions);
  });

  test.each([
    ['not base64 json'],
    [Buffer.from('[1,2]').toString('base64url')],
    [Buffer.from('{"x": 1}').toString('base64url')],
    [Buffer.from('{"0": -1}').toString('base64url')],
    [Buffer.from('{"0": "5"}').toString('base64url')],
  ])('refuses %s', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(RestError);
  });
});

describe('REST errors and names', () => {
  test('Kafka codes map as the REST proxy maps them', () => {
    expect(restErrorOf(ErrorCode.TOPIC_ALREADY_EXISTS, 'm')).toEqual(expect.objectContaining({ status: 400, errorCode: 40002 }));
    expect(restErrorOf(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'm')).toEqual(expect.objectContaining({ status: 404, errorCode: 40403 }));
    expect(restErrorOf(ErrorCode.GROUP_ID_NOT_FOUND, 'm')).toEqual(expect.objectContaining({ status: 404, errorCode: 404 }));
    expect(restErrorOf(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'm')).toEqual(expect.objectContaining({ status: 500, errorCode: 50002 }));
  });

  test('group states in REST v3 spelling', () => {
    expect(restStateName('PreparingRebalance')).toBe('PREPARING_REBALANCE');
    expect(restStateName('Stable')).toBe('STABLE');
    expect(restStateName('CompletingRebalance')).toBe('COMPLETING_REBALANCE');
  });
});
