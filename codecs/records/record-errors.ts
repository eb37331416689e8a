// Kafka error codes that the record codecs can produce, with the exception type that carries them out of the
// decoders. The numbers are Kafka's protocol error codes, so a handler can put `code` straight into a response.

export const RecordErrorCode = {
  NONE: 0,
  /** What Kafka answers for a batch naming a compression codec id it has no codec for (5-7). */
  UNKNOWN_SERVER_ERROR: -1,
  /** Bad CRC, impossible sizes or magic, truncated data: the bytes themselves are damaged. */
  CORRUPT_MESSAGE: 2,
  /** A batch is larger than the topic's max.message.bytes. */
  MESSAGE_TOO_LARGE: 10,
  /** A CreateTime timestamp outside message.timestamp.before/after.max.ms, or a client-set LogAppendTime. */
  INVALID_TIMESTAMP: 32,
  /** Idempotent or transactional records written in a format older than magic 2. */
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  /** zstd in a Produce request older than v7, or a codec this build cannot handle. */
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  /** The bytes are intact but break a rule: structure of the records, offsets, counts, control batches... */
  INVALID_RECORD: 87,
} as const;

export type RecordErrorCodeValue = (typeof RecordErrorCode)[keyof typeof RecordErrorCode];

/** Thrown by the record decoders and converters; `code` tells the broker which Kafka error to answer with. */
export class RecordFormatError extends Error {
  constructor(
    readonly code: RecordErrorCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'RecordFormatError';
  }
}

export function corrupt(message: string): RecordFormatError {
  return new RecordFormatError(RecordErrorCode.CORRUPT_MESSAGE, message);
}

export function invalidRecord(message: string): RecordFormatError {
  return new RecordFormatError(RecordErrorCode.INVALID_RECORD, message);
}
