// Checks a Produce request's `records` for one partition before the broker appends them, following Kafka's
// ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords and LogValidator, in that order:
//   1. framing: impossible lengths or magic                                  -> CORRUPT_MESSAGE
//   2. Produce v3+: exactly one batch, magic 2, zstd only from v7            -> INVALID_RECORD / UNSUPPORTED_COMPRESSION_TYPE
//      then a partial last batch (Kafka trims it silently; we refuse it)     -> CORRUPT_MESSAGE
//   3. per batch: baseOffset 0 (v2), size <= max.message.bytes, CRC         -> INVALID_RECORD / MESSAGE_TOO_LARGE / CORRUPT_MESSAGE
//   4. per batch: same magic as the first, offset range and count agree, no control batches from clients,
//      a producer id needs a sequence                                      -> INVALID_RECORD
//      a compression codec id Kafka does not know (5-7)                   -> UNKNOWN_SERVER_ERROR
//   5. per record: key present on compacted topics, CreateTime inside
//      message.timestamp.before/after.max.ms, no client LogAppendTime       -> INVALID_RECORD / INVALID_TIMESTAMP
//
// Cost choices: the CRC pass over the batch is unavoidable. Uncompressed v2 batches also get a record walk (varints
// only, nothing copied, no BigInt), because Kafka validates every record's structure, key and timestamp there too;
// that walk calls nothing per record and checks timestamps on the extremes only, so per-record work happens only
// when some record is rejected. Compressed v2 batches stay header-only: no decompression; timestamps are checked
// on baseTimestamp and maxTimestamp, and the compacted-topic key rule is not checked (Kafka would decompress for it),
// except when the topic's compression.type names another codec: then the batch is inflated to be rebuilt anyway,
// and its records get the uncompressed walk before they are compressed again (batch-recompress.ts).
// Legacy v0/v1 message sets (Produce v0-v2) are read fully and converted to one v2 batch, as Kafka up-converts them.
import { ATTR_COMPRESSION_MASK, ATTR_CONTROL, ATTR_TIMESTAMP_LOG_APPEND, ATTR_TRANSACTIONAL, BATCH_HEADER, Compression, isBatchCrcValid } from './batch-header';
import { BatchSlice, scanFetchedRecords } from './batch-iterator';
import { CompressionTarget, needsRecompression, withCodec, withPlainRecords } from './batch-recompress';
import { legacyMessagesToRecordBatch, LegacyMessage, NO_TIMESTAMP, readLegacyMessageSet } from './legacy-message-set';
import { TimestampType } from './record-batch';
import { RecordErrorCode, RecordErrorCodeValue, RecordFormatError } from './record-errors';
import { summarizeRecords, walkRecords } from './record-reader';
import { readInt64BE } from '../primitives/int64';

const NO_TIMESTAMP_NUMBER = Number(NO_TIMESTAMP);

/** Produce v7 introduced zstd (KIP-110). */
const FIRST_PRODUCE_VERSION_WITH_ZSTD = 7;
/** Produce v3 introduced RecordBatch v2 and the one-batch-per-partition rule. */
const FIRST_PRODUCE_VERSION_WITH_V2_ONLY = 3;

export interface ProduceValidationOptions {
  /** version of the Produce request carrying the records */
  apiVersion: number;
  /** the topic's max.message.bytes */
  maxMessageBytes: number;
  /** the topic's message.timestamp.type */
  timestampType: TimestampType;
  /** message.timestamp.before.max.ms; unlimited when absent */
  timestampBeforeMaxMs?: bigint | number;
  /** message.timestamp.after.max.ms; unlimited when absent */
  timestampAfterMaxMs?: bigint | number;
  /** the broker's clock, ms since the epoch */
  nowMs: bigint | number;
  /** cleanup.policy includes compact: every record needs a key */
  compacted?: boolean;
  /** the topic's compression.type when it names a codec (batches of another codec are rebuilt); absent: 'producer' */
  compression?: CompressionTarget | null;
}

export interface ValidatedBatch {
  /** the v2 batch to append: a view into the request's bytes, or a new buffer after legacy conversion or recompression */
  buffer: Buffer;
  /** true when `buffer` was built from a legacy message set */
  converted: boolean;
  recordCount: number;
  lastOffsetDelta: number;
  compression: Compression;
  /** largest record timestamp: from the records when they were read, else from the header */
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

export interface RecordValidationError {
  /** index of the offending record in its batch (ProduceResponse RecordErrors.BatchIndex) */
  batchIndex: number;
  message: string;
}

/**
 * How much Kafka tells the producer about a rejection, which depends on where its check sits: the request's shape,
 * a batch's CRC or size answer with the bare code ('code'); framing its batch reader cannot follow (a length below
 * the minimum, an unknown magic) adds a message ('message'); a batch's own rules (offsets, count, control flag)
 * add the partition's log start offset ('logStart'); per-record validation adds the log start offset, the record
 * errors and a message ('records').
 */
export type RejectionDetail = 'code' | 'message' | 'logStart' | 'records';

export type ProduceValidationResult =
  | { ok: true; batches: ValidatedBatch[] }
  | { ok: false; errorCode: RecordErrorCodeValue; errorMessage: string; recordErrors: RecordValidationError[]; detail: RejectionDetail };

/** Timestamps as numbers: ms values stay far below 2^53, and the per-record path must not allocate BigInts. */
interface TimestampRules {
  topicType: TimestampType;
  now: number;
  beforeMax: number;
  afterMax: number;
  compacted: boolean;
}

class ValidationFailure extends Error {
  constructor(
    readonly code: RecordErrorCodeValue,
    message: string,
    readonly detail: RejectionDetail,
    readonly recordErrors: RecordValidationError[] = [],
  ) {
    super(message);
  }
}

/** A rejection Kafka answers with the bare code: the request's shape, a batch's framing, CRC or size. */
function fail(code: RecordErrorCodeValue, message: string): never {
  throw new ValidationFailure(code, message, 'code');
}

/** A rejection by a batch's own rules, which Kafka's log makes (and answers with its log start offset). */
function failBatch(message: string): never {
  throw new ValidationFailure(RecordErrorCode.INVALID_RECORD, message, 'logStart');
}

export function validateProducedRecords(records: Buffer, opts: ProduceValidationOptions): ProduceValidationResult {
  try {
    return { ok: true, batches: validateOrThrow(records, opts) };
  } catch (err) {
    if (err instanceof ValidationFailure) {
      return { ok: false, errorCode: err.code, errorMessage: err.message, recordErrors: err.recordErrors, detail: err.detail };
    }
    if (err instanceof RecordFormatError) {
      return { ok: false, errorCode: err.code, errorMessage: err.message, recordErrors: [], detail: 'code' };
    }
    throw err;
  }
}

function rulesOf(opts: ProduceValidationOptions): TimestampRules {
  return {
    topicType: opts.timestampType,
    now: Number(opts.nowMs),
    beforeMax: opts.timestampBeforeMaxMs === undefined ? Infinity : Number(opts.timestampBeforeMaxMs),
    afterMax: opts.timestampAfterMaxMs === undefined ? Infinity : Number(opts.timestampAfterMaxMs),
    compacted: opts.compacted ?? false,
  };
}

function validateOrThrow(records: Buffer, opts: ProduceValidationOptions): ValidatedBatch[] {
  const { batches: slices, truncatedBytes } = scanFraming(records);
  if (opts.apiVersion >= FIRST_PRODUCE_VERSION_WITH_V2_ONLY) checkV2RequestShape(records, slices, opts.apiVersion);
  // Kafka would silently drop a partial tail after the first batch; a client never sends one, so we refuse it.
  if (truncatedBytes > 0) {
    fail(RecordErrorCode.CORRUPT_MESSAGE, `${truncatedBytes} bytes at the end do not form a whole record batch`);
  }
  if (slices.length === 0) return [];

  const firstMagic = slices[0].magic;
  for (const slice of slices) checkBatchEnvelope(records, slice, opts.maxMessageBytes);
  for (const slice of slices) {
    if (slice.magic !== firstMagic) {
      fail(RecordErrorCode.INVALID_RECORD, `batch magic ${slice.magic} differs from the first batch's magic ${firstMagic}`);
    }
  }

  const rules = rulesOf(opts);
  const validated =
    firstMagic < 2
      ? [convertLegacy(records, rules)]
      : slices.map((slice) => asBatchRule(() => validateV2Batch(records.subarray(slice.offset, slice.offset + slice.size), rules)));
  const target = opts.compression ?? (firstMagic < 2 ? legacyProducerCodec(records, slices) : null);
  if (target === null) return validated;
  return validated.map((batch) =>
    needsRecompression(batch.compression, target) ? asBatchRule(() => recompressed(batch, rules, target, opts.maxMessageBytes)) : batch,
  );
}

/** Where a legacy message's attributes sit: after the offset, size, CRC and magic fields. */
const LEGACY_ATTRIBUTES_AT = 17;

/**
 * Under compression.type=producer, a legacy message set keeps its wrapper's codec through the up-conversion
 * (Kafka takes the last compressed wrapper's codec as the source codec and rebuilds the batch with it).
 */
function legacyProducerCodec(records: Buffer, slices: readonly BatchSlice[]): CompressionTarget | null {
  let codec: Compression = Compression.None;
  for (const slice of slices) {
    const wrapper = (records.readInt8(slice.offset + LEGACY_ATTRIBUTES_AT) & ATTR_COMPRESSION_MASK) as Compression;
    if (wrapper !== Compression.None) codec = wrapper;
  }
  return codec === Compression.None ? null : { codec };
}

/**
 * `batch` rebuilt with the topic's codec, as Kafka's LogValidator does when compression.type differs from the
 * batch's codec. Kafka reads every record on that path, so a compressed batch gets the per-record checks an
 * uncompressed one gets (keys on compacted topics, each timestamp), and the largest record timestamp becomes the
 * header's. A rebuilt batch larger than max.message.bytes is refused, as Kafka's log refuses it after validation.
 */
function recompressed(batch: ValidatedBatch, rules: TimestampRules, target: CompressionTarget, maxMessageBytes: number): ValidatedBatch {
  const plain = withPlainRecords(batch.buffer);
  const checked = batch.compression === Compression.None ? batch : validateV2Batch(plain, rules);
  const buffer = withCodec(plain, target, checked.maxTimestamp);
  if (buffer.length > maxMessageBytes) {
    fail(RecordErrorCode.MESSAGE_TOO_LARGE, `record batch of ${buffer.length} bytes after recompression exceeds max.message.bytes ${maxMessageBytes}`);
  }
  return { ...checked, buffer, compression: target.codec };
}

/** A record walk's structural error is Kafka's log rejecting the batch (answered with the log start offset); a corrupt one stays bare. */
function asBatchRule<T>(validate: () => T): T {
  try {
    return validate();
  } catch (err) {
    if (err instanceof RecordFormatError && err.code !== RecordErrorCode.CORRUPT_MESSAGE) throw new ValidationFailure(err.code, err.message, 'logStart');
    throw err;
  }
}

function scanFraming(records: Buffer): ReturnType<typeof scanFetchedRecords> {
  try {
    return scanFetchedRecords(records);
  } catch (err) {
    if (err instanceof RecordFormatError) throw new ValidationFailure(err.code, err.message, 'message');
    throw err;
  }
}

function checkV2RequestShape(records: Buffer, slices: BatchSlice[], apiVersion: number): void {
  if (slices.length === 0) {
    fail(RecordErrorCode.INVALID_RECORD, `Produce v${apiVersion} needs at least one record batch per partition`);
  }
  const first = slices[0];
  if (first.magic !== 2) {
    fail(RecordErrorCode.INVALID_RECORD, `Produce v${apiVersion} accepts only record batches with magic 2, got ${first.magic}`);
  }
  const codec = records.readInt16BE(first.offset + BATCH_HEADER.attributes) & ATTR_COMPRESSION_MASK;
  if (codec === Compression.Zstd && apiVersion < FIRST_PRODUCE_VERSION_WITH_ZSTD) {
    fail(RecordErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Produce v${apiVersion} may not use zstd compression`);
  }
  if (slices.length > 1) {
    fail(RecordErrorCode.INVALID_RECORD, `Produce v${apiVersion} accepts exactly one record batch per partition`);
  }
}

function checkBatchEnvelope(records: Buffer, slice: BatchSlice, maxMessageBytes: number): void {
  if (slice.magic >= 2) {
    const baseOffset = readInt64BE(records, slice.offset);
    if (baseOffset !== 0n) failBatch(`record batch baseOffset must be 0, got ${baseOffset}`);
  }
  if (slice.size > maxMessageBytes) {
    fail(RecordErrorCode.MESSAGE_TOO_LARGE, `record batch of ${slice.size} bytes exceeds max.message.bytes ${maxMessageBytes}`);
  }
  if (slice.magic >= 2 && (slice.size < BATCH_HEADER.size || !isBatchCrcValid(records, slice.offset))) {
    fail(RecordErrorCode.CORRUPT_MESSAGE, `record batch at position ${slice.offset} is corrupt (CRC mismatch)`);
  }
  // Legacy entries carry their own CRC-32; readLegacyMessageSet checks it with the same outcome.
}

function checkV2BatchRules(batch: Buffer): void {
  const lastOffsetDelta = batch.readInt32BE(BATCH_HEADER.lastOffsetDelta);
  const count = batch.readInt32BE(BATCH_HEADER.recordsCount);
  const attributes = batch.readInt16BE(BATCH_HEADER.attributes);
  const producerId = readInt64BE(batch, BATCH_HEADER.producerId);
  const baseSequence = batch.readInt32BE(BATCH_HEADER.baseSequence);
  if (lastOffsetDelta < 0) failBatch(`batch has an invalid offset range [0, ${lastOffsetDelta}]`);
  if (count <= 0) failBatch(`invalid record count ${count} in record batch`);
  if (count !== lastOffsetDelta + 1) {
    failBatch(`batch offset range [0, ${lastOffsetDelta}] disagrees with its ${count} records`);
  }
  if (attributes & ATTR_CONTROL) failBatch('clients may not write control batches');
  if (producerId >= 0n && baseSequence < 0) {
    failBatch(`invalid sequence ${baseSequence} in batch with producer id ${producerId}`);
  }
}

function timestampError(ts: number, batchLogAppend: boolean, rules: TimestampRules): string | null {
  if (rules.topicType === 'CreateTime' && ts !== NO_TIMESTAMP_NUMBER) {
    const behind = rules.now - ts;
    if (behind > rules.beforeMax || -behind > rules.afterMax) {
      return `timestamp ${ts} is out of range [${rules.now - rules.beforeMax}, ${rules.now + rules.afterMax}]`;
    }
    return null;
  }
  return batchLogAppend ? 'producers may not set the LogAppendTime timestamp type' : null;
}

function throwRecordErrors(errors: Array<RecordValidationError & { code: RecordErrorCodeValue }>): void {
  if (errors.length === 0) return;
  const anyTimestamp = errors.some((e) => e.code === RecordErrorCode.INVALID_TIMESTAMP);
  const list = errors.map(({ batchIndex, message }) => ({ batchIndex, message }));
  if (anyTimestamp) {
    throw new ValidationFailure(RecordErrorCode.INVALID_TIMESTAMP, 'one or more records have an invalid timestamp', 'records', list);
  }
  const shown = list
    .slice(0, 3)
    .map((e) => `#${e.batchIndex}: ${e.message}`)
    .join('; ');
  throw new ValidationFailure(RecordErrorCode.INVALID_RECORD, `${errors.length} record(s) rejected (${shown})`, 'records', list);
}

function validateV2Batch(batch: Buffer, rules: TimestampRules): ValidatedBatch {
  checkV2BatchRules(batch);
  const attributes = batch.readInt16BE(BATCH_HEADER.attributes);
  const compression = (attributes & ATTR_COMPRESSION_MASK) as Compression;
  // Kafka's log reads the codec id first and fails on an unknown one with an unexpected error.
  if (compression > Compression.Zstd)
    throw new ValidationFailure(RecordErrorCode.UNKNOWN_SERVER_ERROR, `unknown compression codec id ${compression}`, 'logStart');
  const logAppend = (attributes & ATTR_TIMESTAMP_LOG_APPEND) !== 0;
  const count = batch.readInt32BE(BATCH_HEADER.recordsCount);
  const baseTimestamp = readInt64BE(batch, BATCH_HEADER.baseTimestamp);
  const headerMax = readInt64BE(batch, BATCH_HEADER.maxTimestamp);
  const errors: Array<RecordValidationError & { code: RecordErrorCodeValue }> = [];
  const note = (batchIndex: number, code: RecordErrorCodeValue, message: string | null): void => {
    if (message !== null) errors.push({ batchIndex, code, message });
  };

  let maxTimestamp = headerMax;
  if (compression === Compression.None) {
    const base = Number(baseTimestamp);
    // One pass checks the structure; when the extremes are in range, every timestamp is, and no record needs a look
    // of its own. Anything else (a client's LogAppendTime, a keyless record on a compacted topic, a timestamp out
    // of range) takes a second pass that names each offending record, as Kafka's record errors do.
    const summary = summarizeRecords(batch, BATCH_HEADER.size, count, base);
    if (summary.end !== batch.length) failBatch(`${batch.length - summary.end} bytes follow the batch's last record`);
    const clean =
      !logAppend &&
      !(rules.compacted && summary.keyless > 0) &&
      (summary.minTimestamp === Infinity ||
        (timestampError(summary.minTimestamp, false, rules) === null && timestampError(summary.maxTimestamp, false, rules) === null));
    if (clean) {
      maxTimestamp = BigInt(summary.maxTimestamp);
    } else {
      const logAppendTs = Number(headerMax);
      let max = NO_TIMESTAMP_NUMBER;
      walkRecords(batch, BATCH_HEADER.size, count, (i, timestampDelta, hasKey) => {
        const ts = logAppend ? logAppendTs : base + timestampDelta;
        if (ts > max) max = ts;
        if (rules.compacted && !hasKey) note(i, RecordErrorCode.INVALID_RECORD, 'compacted topics need a key on every record');
        note(i, RecordErrorCode.INVALID_TIMESTAMP, timestampError(ts, logAppend, rules));
      });
      maxTimestamp = BigInt(max);
    }
  } else {
    // Header-only: the first record's and the largest timestamps stand for all records.
    const headerTs = (t: bigint): string | null => timestampError(Number(t), logAppend, rules);
    note(0, RecordErrorCode.INVALID_TIMESTAMP, headerTs(logAppend ? headerMax : baseTimestamp) ?? headerTs(headerMax));
  }
  throwRecordErrors(errors);

  return {
    buffer: batch,
    converted: false,
    recordCount: count,
    lastOffsetDelta: batch.readInt32BE(BATCH_HEADER.lastOffsetDelta),
    compression,
    maxTimestamp,
    producerId: readInt64BE(batch, BATCH_HEADER.producerId),
    producerEpoch: batch.readInt16BE(BATCH_HEADER.producerEpoch),
    baseSequence: batch.readInt32BE(BATCH_HEADER.baseSequence),
    transactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
  };
}

function convertLegacy(records: Buffer, rules: TimestampRules): ValidatedBatch {
  const messages: LegacyMessage[] = readLegacyMessageSet(records);
  const errors: Array<RecordValidationError & { code: RecordErrorCodeValue }> = [];
  messages.forEach((m, i) => {
    if (rules.compacted && m.key === null) {
      errors.push({ batchIndex: i, code: RecordErrorCode.INVALID_RECORD, message: 'compacted topics need a key on every record' });
    }
    const problem = timestampError(Number(m.timestamp), m.timestampType === 'LogAppendTime', rules);
    if (problem !== null) errors.push({ batchIndex: i, code: RecordErrorCode.INVALID_TIMESTAMP, message: problem });
  });
  throwRecordErrors(errors);
  const buffer = legacyMessagesToRecordBatch(messages);
  const maxTimestamp = messages.reduce((max, m) => (m.timestamp > max ? m.timestamp : max), NO_TIMESTAMP);
  return {
    buffer,
    converted: true,
    recordCount: messages.length,
    lastOffsetDelta: messages.length - 1,
    compression: Compression.None,
    maxTimestamp,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    transactional: false,
  };
}
