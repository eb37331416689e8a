// Errors the storage engine raises. The broker maps each class to a Kafka error code, so every failure a client
// can cause has its own class instead of a message string to match on.
import type { ProducerRejection } from './producer-state';

export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidConfigError extends StorageError {
  constructor(
    readonly configName: string,
    message: string,
  ) {
    super(message);
  }
}

export class TopicExistsError extends StorageError {
  constructor(readonly topic: string) {
    super(`Topic '${topic}' already exists.`);
  }
}

export class UnknownTopicError extends StorageError {
  constructor(readonly topic: string) {
    super(`Topic '${topic}' does not exist.`);
  }
}

export class InvalidPartitionsError extends StorageError {}

export class OffsetOutOfRangeError extends StorageError {}

/** A produce payload whose framing cannot be appended (bad sizes or magic); nothing of it was written. */
export class CorruptRecordError extends StorageError {}

/**
 * An append larger than a segment (Kafka's RecordBatchTooLargeException): it could never fit one, and an append
 * never straddles segments. Nothing of it was written.
 */
export class RecordBatchTooLargeError extends StorageError {
  constructor(
    readonly bytes: number,
    readonly segmentBytes: number,
  ) {
    super(`Record batch of ${bytes} bytes exceeds segment.bytes`);
  }
}

/** The log was closed (broker shutting down or topic deleted) while the caller was using it. */
export class LogClosedError extends StorageError {}

export class InvalidTopicError extends StorageError {}

/** A batch the producer state refuses (stale epoch, sequence gap, ...); nothing of the append was written. */
export class ProducerStateError extends StorageError {
  constructor(
    readonly reason: ProducerRejection,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writing to a segment file failed (Kafka's KAFKA_STORAGE_ERROR). The file was cut back, so none of the appends
 * written by the failed call are in the log; appends acknowledged before are unaffected and later ones try again.
 */
export class StorageWriteError extends StorageError {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
