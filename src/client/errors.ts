// What can go wrong when the `eddy` tools talk to a broker, as errors a command can turn into a one-line message
// and an exit code: an error code a broker answered with (named as Kafka names it, so scripts can match on
// "TOPIC_ALREADY_EXISTS"), a broker that cannot be reached, or an answer the client cannot use.
import { ErrorCode } from '../../codecs/protocol/errors';

/**
 * Codes Kafka defines that Eddy's handlers never send, so codecs/protocol/errors.ts leaves them out; a tool may
 * still hear them from Apache Kafka.
 */
const CODES_ONLY_OTHER_BROKERS: Readonly<Record<number, string>> = {
  8: 'BROKER_NOT_AVAILABLE',
  9: 'REPLICA_NOT_AVAILABLE',
  11: 'STALE_CONTROLLER_EPOCH',
  13: 'NETWORK_EXCEPTION',
  20: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  58: 'SASL_AUTHENTICATION_FAILED',
  61: 'DELEGATION_TOKEN_AUTH_DISABLED',
  62: 'DELEGATION_TOKEN_NOT_FOUND',
  63: 'DELEGATION_TOKEN_OWNER_MISMATCH',
  64: 'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED',
  65: 'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
  66: 'DELEGATION_TOKEN_EXPIRED',
  67: 'INVALID_PRINCIPAL_TYPE',
  114: 'UNKNOWN_CONTROLLER_ID',
  115: 'INVALID_REQUEST_STATE',
  116: 'MISMATCHED_ENDPOINT_TYPE',
};

const NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  ...Object.entries(CODES_ONLY_OTHER_BROKERS).map(([code, name]): [number, string] => [Number(code), name]),
  ...Object.entries(ErrorCode).map(([name, code]): [number, string] => [code, name]),
]);

/** Kafka's name for an error code; codes newer than this client read as KAFKA_ERROR_<code>. */
export function errorName(code: number): string {
  return NAMES.get(code) ?? `KAFKA_ERROR_${code}`;
}

/** A broker answered with an error code. `subject` says what it was about (a topic, a group, a partition). */
export class KafkaResponseError extends Error {
  readonly errorName: string;

  constructor(
    readonly code: number,
    subject: string,
    brokerMessage?: string | null,
  ) {
    super(`${errorName(code)}: ${subject}${brokerMessage ? `: ${brokerMessage}` : ''}`);
    this.errorName = errorName(code);
  }
}

/** Throws a KafkaResponseError unless `code` is NONE. */
export function checkErrorCode(code: number, subject: string, brokerMessage?: string | null): void {
  if (code !== ErrorCode.NONE) throw new KafkaResponseError(code, subject, brokerMessage);
}

/** No connection to the broker (refused, unknown host, timed out) or it went away mid-request. */
export class BrokerUnreachableError extends Error {
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`cannot reach broker ${address}: ${reason}`);
  }
}

/** The broker and this client share no version of an API the command needs, or an answer makes no sense. */
export class ClientProtocolError extends Error {}

/**
 * Errors Kafka's clients retry on a produce or fetch after refreshing metadata (Kafka's RetriableException codes): a
 * leader moved or is being elected, a replica or the disk is briefly unavailable, the request timed out.
 */
const PARTITION_RETRIABLE: ReadonlySet<number> = new Set([
  2, // CORRUPT_MESSAGE
  3, // UNKNOWN_TOPIC_OR_PARTITION
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
  7, // REQUEST_TIMED_OUT
  9, // REPLICA_NOT_AVAILABLE
  13, // NETWORK_EXCEPTION
  19, // NOT_ENOUGH_REPLICAS
  20, // NOT_ENOUGH_REPLICAS_AFTER_APPEND
  56, // KAFKA_STORAGE_ERROR
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
  78, // OFFSET_NOT_AVAILABLE
]);

export function isRetriablePartitionError(code: number): boolean {
  return PARTITION_RETRIABLE.has(code);
}

/** Whether a produce or fetch that failed with `err` is worth sending again after a metadata refresh. */
export function isRetriableFailure(err: unknown): boolean {
  return err instanceof BrokerUnreachableError || (err instanceof KafkaResponseError && PARTITION_RETRIABLE.has(err.code));
}
