// How the console shows a record's bytes: base64 of at most a limit (the rest is left to a download link), a UTF-8
// view when the shown bytes are valid text, and whether the whole payload is JSON. Pure functions over buffers.
import { COMPRESSION_NAMES } from '../../../codecs/records/compression';
import { ControlRecordType, decodeControlRecordType } from '../../../codecs/records/control-batch';
import type { DecodedBatch, DecodedRecord } from '../../../codecs/records/record-batch';
import type { BatchView, PayloadView, RecordView } from './record-view-types';
import { arrayOf, bool, described, int, type JsonSchema, nullableInt, nullableStr, obj, str } from './json-schema';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text when they are valid UTF-8; a cut at the end of a truncated view may drop up to 3 bytes. */
function utf8Of(bytes: Buffer, truncated: boolean): string | null {
  const tries = truncated ? 4 : 1;
  for (let cut = 0; cut < tries && cut <= bytes.length; cut++) {
    try {
      return strictUtf8.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      // not text, or cut inside a character
    }
  }
  return null;
}

function isJson(text: string | null): boolean {
  if (text === null || text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function payloadView(bytes: Buffer, limit: number): PayloadView {
  const truncated = bytes.length > limit;
  const shown = truncated ? bytes.subarray(0, limit) : bytes;
  const utf8 = utf8Of(shown, truncated);
  return { size: bytes.length, truncated, base64: shown.toString('base64'), utf8, is_json: !truncated && isJson(utf8) };
}

export function batchView(b: DecodedBatch): BatchView {
  return {
    base_offset: Number(b.baseOffset),
    last_offset: Number(b.lastOffset),
    compression: COMPRESSION_NAMES[b.compression] ?? String(b.compression),
    timestamp_type: b.timestampType,
    producer_id: Number(b.producerId),
    producer_epoch: b.producerEpoch,
    base_sequence: b.baseSequence,
    transactional: b.transactional,
    control: b.control,
    size_bytes: b.sizeInBytes,
    record_count: b.recordsCount,
  };
}

/** The name of a control record's type from its key. */
function controlTypeOf(key: Buffer | null): string {
  try {
    const type = decodeControlRecordType(key);
    const name = Object.entries(ControlRecordType).find(([, id]) => id === type)?.[0];
    return name ?? `UNKNOWN_${type}`;
  } catch {
    return 'UNKNOWN';
  }
}

/** One record as the message browser shows it; `downloadUrl` names where the full value is served. */
export function recordView(partition: number, batch: DecodedBatch, r: DecodedRecord, limit: number, downloadUrl: (offset: bigint) => string): RecordView {
  const value = r.value === null ? null : payloadView(r.value, limit);
  return {
    partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    key: r.key === null ? null : payloadView(r.key, limit),
    value,
    value_download: value?.truncated === true ? downloadUrl(r.offset) : null,
    headers: r.headers.map((h) => ({ name: h.key, value: h.value === null ? null : payloadView(h.value, limit) })),
    control_type: batch.control ? controlTypeOf(r.key) : null,
    batch: batchView(batch),
  };
}

const payloadSchema: JsonSchema = {
  ...obj({ size: int, truncated: bool, base64: str, utf8: nullableStr, is_json: bool }),
  type: ['object', 'null'],
};

export const recordViewSchema: JsonSchema = obj({
  partition: int,
  offset: int,
  timestamp: described(int, 'milliseconds since the epoch'),
  key: payloadSchema,
  value: payloadSchema,
  value_download: nullableStr,
  headers: arrayOf(obj({ name: str, value: payloadSchema })),
  control_type: described(nullableStr, 'COMMIT or ABORT for a transaction marker; null for data records'),
  batch: obj({
    base_offset: int,
    last_offset: int,
    compression: str,
    timestamp_type: str,
    producer_id: int,
    producer_epoch: int,
    base_sequence: int,
    transactional: bool,
    control: bool,
    size_bytes: int,
    record_count: int,
  }),
});

export const nullableOffset = nullableInt;
