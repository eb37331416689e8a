// Tagged fields a codec does not know survive a decode and a re-encode, byte for byte, as with Kafka's generated
// `_unknownTaggedFields`: a record of __transaction_state or __consumer_offsets written by a newer Kafka, or a
// request kept and replayed, must not lose what the newer writer added.
import { MetadataRequestCodec } from '../../../codecs/generated/MetadataRequest';
import { FetchResponseCodec } from '../../../codecs/generated/FetchResponse';
import { OffsetCommitValueCodec } from '../../../codecs/generated/internal/OffsetCommitValue';
import { TransactionLogValueCodec } from '../../../codecs/generated/internal/TransactionLogValue';
import { RawTaggedField } from '../../../codecs/primitives/raw-tagged-fields';
import { Reader } from '../../../codecs/primitives/reader';
import { Writer } from '../../../codecs/primitives/writer';
import type { MessageCodec } from '../../../codecs/primitives/message-codec';

function encode<T, I>(codec: MessageCodec<T, I>, value: I, version: number): Buffer {
  const w = new Writer();
  codec.encode(value, w, version);
  return w.toBuffer();
}

function decodeAll<T, I>(codec: MessageCodec<T, I>, bytes: Buffer, version: number): T {
  const r = new Reader(bytes);
  const decoded = codec.decode(r, version);
  expect(r.remaining).toBe(0);
  return decoded;
}

/** The tag numbers of a tagged-field section at `at`, in the order they are written. */
function tagOrder(bytes: Buffer, at: number): number[] {
  const r = new Reader(bytes, at);
  const tags: number[] = [];
  const count = r.readUnsignedVarint();
  for (let i = 0; i < count; i++) {
    tags.push(r.readUnsignedVarint());
    const size = r.readUnsignedVarint();
    r.offset += size;
  }
  expect(r.remaining).toBe(0);
  return tags;
}

const raw = (tag: number, hex: string): RawTaggedField => ({ tag, data: Buffer.from(hex, 'hex') });

describe('unknown tagged fields', () => {
  test('a Metadata request with unknown tags at top level and in a topic re-encodes to the same bytes', () => {
    const hex = '02' + '03' + '6162' + '01' + '09' + '02' + 'beef' + '01' + '00' + '00' + '01' + '07' + '03' + '010203';
    const bytes = Buffer.from(hex, 'hex');
    expect(encode(MetadataRequestCodec, decodeAll(MetadataRequestCodec, bytes, 9), 9).toString('hex')).toBe(hex);
  });

  test('a __transaction_state value from a newer writer keeps its new tags next to the known ones, in tag order', () => {
    const value = {
      producerId: 7n,
      producerEpoch: 2,
      transactionTimeoutMs: 60000,
      transactionStatus: 1,
      transactionPartitions: [{ topic: 't', partitionIds: [0, 1], unknownTaggedFields: [raw(3, 'aa')] }],
      transactionLastUpdateTimestampMs: 1000n,
      transactionStartTimestampMs: 900n,
      nextProducerId: 8n,
      unknownTaggedFields: [raw(4, '0102'), raw(12, '')],
    };
    const bytes = encode(TransactionLogValueCodec, value, 1);
    const decoded = decodeAll(TransactionLogValueCodec, bytes, 1);
    expect(decoded.nextProducerId).toBe(8n);
    expect(decoded.unknownTaggedFields).toEqual([raw(4, '0102'), raw(12, '')]);
    expect(decoded.transactionPartitions?.[0].unknownTaggedFields).toEqual([raw(3, 'aa')]);
    expect(encode(TransactionLogValueCodec, decoded, 1).equals(bytes)).toBe(true);
    // The value's own section is last: known tag 1 (nextProducerId) first, then the kept 4 and 12.
    const withoutTags = encode(TransactionLogValueCodec, { ...value, nextProducerId: -1n, unknownTaggedFields: [] }, 1);
    expect(tagOrder(bytes, withoutTags.length - 1)).toEqual([1, 4, 12]);
  });

  test('a __consumer_offsets value keeps a tag it does not know beside its known topic id', () => {
    const value = {
      offset: 42n,
      leaderEpoch: 3,
      metadata: '',
      commitTimestamp: 5n,
      topicId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      unknownTaggedFields: [raw(2, 'ff')],
    };
    const bytes = encode(OffsetCommitValueCodec, value, 4);
    const decoded = decodeAll(OffsetCommitValueCodec, bytes, 4);
    expect(decoded.topicId).toBe(value.topicId);
    expect(decoded.unknownTaggedFields).toEqual([raw(2, 'ff')]);
    expect(encode(OffsetCommitValueCodec, decoded, 4).equals(bytes)).toBe(true);
  });

  test('a tag the codec knows only from a later version is kept as unknown in an earlier one', () => {
    // FetchResponse's NodeEndpoints is tag 0 from v16; at v12 a tag 0 is some other writer's field.
    const empty = encode(FetchResponseCodec, { responses: [] }, 12);
    const withTag = Buffer.concat([empty.subarray(0, empty.length - 1), Buffer.from('01' + '00' + '02' + 'abcd', 'hex')]);
    const decoded = decodeAll(FetchResponseCodec, withTag, 12);
    expect(decoded.unknownTaggedFields).toEqual([raw(0, 'abcd')]);
    expect(encode(FetchResponseCodec, decoded, 12).equals(withTag)).toBe(true);
  });

  test('kept bytes are copies, not views of the frame they arrived in', () => {
    const bytes = Buffer.from('02' + '03' + '6162' + '00' + '01' + '00' + '00' + '01' + '07' + '03' + '010203', 'hex');
    const decoded = decodeAll(MetadataRequestCodec, bytes, 9);
    bytes.fill(0);
    expect(decoded.unknownTaggedFields).toEqual([raw(7, '010203')]);
  });

  test('structs without unknown tags decode without the property', () => {
    const decoded = decodeAll(MetadataRequestCodec, encode(MetadataRequestCodec, { topics: [{ name: 'ab' }] }, 9), 9);
    expect('unknownTaggedFields' in decoded).toBe(false);
    expect('unknownTaggedFields' in (decoded.topics?.[0] ?? {})).toBe(false);
  });
});
