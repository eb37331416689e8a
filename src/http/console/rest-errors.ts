// Errors of the console's JSON API in Confluent REST Proxy's shape, `{ error_code, message }`: a Kafka error code
// becomes the HTTP status and REST error code the REST proxy gives for it (400/40002 for a request Kafka refuses,
// 404/40403 for an unknown topic or partition), and fastify's own refusals (schema validation, bad JSON, a body
// over the limit) keep their 4xx status with a message. Anything else is a 500 that is logged, never a crash.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, KafkaError } from '../../../codecs/protocol/errors';
import type { Logger } from '../../logger';

/** Confluent's REST error codes: the HTTP status followed by a two-digit detail. */
export const RestErrorCode = {
  BAD_REQUEST: 400,
  KAFKA_BAD_REQUEST: 40002,
  NOT_FOUND: 404,
  UNKNOWN_TOPIC_OR_PARTITION: 40403,
  CONFLICT: 409,
  KAFKA_ERROR: 50002,
} as const;

/** An answer the API refuses with: its HTTP status, REST error code and message. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RestErrorBody {
  readonly error_code: number;
  readonly message: string;
}

export function notFound(message: string): RestError {
  return new RestError(404, RestErrorCode.NOT_FOUND, message);
}

export function badRequest(message: string): RestError {
  return new RestError(400, RestErrorCode.BAD_REQUEST, message);
}

export function unknownTopic(topic: string): RestError {
  return new RestError(404, RestErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `This server does not host this topic-partition. (topic '${topic}')`);
}

export function unknownPartition(topic: string, partition: number): RestError {
  return new RestError(404, RestErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `This server does not host this topic-partition. (${topic}-${partition})`);
}

/** Kafka codes the REST proxy answers as "not found"; every other refusal of a request is a bad request. */
const NOT_FOUND_CODES: ReadonlySet<number> = new Set([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_ID]);
const GROUP_NOT_FOUND_CODES: ReadonlySet<number> = new Set([ErrorCode.GROUP_ID_NOT_FOUND]);
/** Codes that say the broker could not do it now, not that the request was wrong. */
const SERVER_SIDE_CODES: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_SERVER_ERROR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.NOT_COORDINATOR,
]);

/** The REST answer for a Kafka error code and its message. */
export function restErrorOf(code: number, message: string): RestError {
  if (NOT_FOUND_CODES.has(code)) return new RestError(404, RestErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message);
  if (GROUP_NOT_FOUND_CODES.has(code)) return new RestError(404, RestErrorCode.NOT_FOUND, message);
  if (SERVER_SIDE_CODES.has(code)) return new RestError(500, RestErrorCode.KAFKA_ERROR, message);
  return new RestError(400, RestErrorCode.KAFKA_BAD_REQUEST, message);
}

/** Throws the REST error for a Kafka error code other than NONE. */
export function throwIfKafkaError(code: number, message: string): void {
  if (code !== ErrorCode.NONE) throw restErrorOf(code, message);
}

function isFastifyClientError(err: unknown): err is FastifyError & { statusCode: number } {
  const status = (err as Partial<FastifyError>).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** The error handler of every console API route. */
export function restErrorHandler(logger: Logger) {
  return (err: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    let answer: RestError;
    if (err instanceof RestError) answer = err;
    else if (err instanceof KafkaError) answer = restErrorOf(err.code, err.message);
    else if (isFastifyClientError(err)) answer = new RestError(err.statusCode, err.statusCode, err.message);
    else {
      logger.error({ err, method: request.method, url: request.url }, 'console API request failed');
      answer = new RestError(500, 500, err instanceof Error ? err.message : String(err));
    }
    const body: RestErrorBody = { error_code: answer.errorCode, message: answer.message };
    void reply.status(answer.status).type('application/json').send(body);
  };
}
