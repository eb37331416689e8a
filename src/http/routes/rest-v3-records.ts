// Confluent REST Proxy v3's produce: POST /v3/clusters/{cluster_id}/topics/{topic_name}/records with a key and a
// value of type BINARY (base64), JSON or STRING, headers (base64 values) and an optional partition and timestamp.
// The record is written as one batch through the Produce handler's append path (validation against the topic's
// limits, compression.type, then storage), so it lands exactly as a client's would. The partition, when not given,
// is Kafka's default: murmur2 of the key, or round robin for records without one.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { appendPartition } from '../../api/00-produce';
import { encodeRecordBatch } from '../../../codecs/records/record-batch';
import { partitionForKey } from '../../topics/key-partitioner';
import { isInternalTopic } from '../../topics/topic-names';
import { consoleRoutes } from '../console/console-scope';
import { anyJson, arrayOf, described, errorResponses, int, nullableStr, obj, str, stringEnum, strictObj } from '../console/json-schema';
import { partitionLog, topicOrNotFound } from '../console/partition-logs';
import { badRequest, restErrorOf, throwIfKafkaError } from '../console/rest-errors';
import { clusterLinks } from '../console/rest-resources';
import { ErrorCode } from '../../../codecs/protocol/errors';

const TAG = ['REST v3: records'];

/** The Produce version whose rules the console's produce follows (the newest Eddy serves with topic names). */
const PRODUCE_RULES_VERSION = 12;

type DataType = 'BINARY' | 'JSON' | 'STRING';

interface ProduceData {
  readonly type?: DataType;
  readonly data?: unknown;
}

interface ProduceBody {
  readonly partition_id?: number;
  readonly headers?: ReadonlyArray<{ name: string; value?: string | null }>;
  readonly key?: ProduceData | null;
  readonly value?: ProduceData | null;
  readonly timestamp?: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Bytes(text: string, what: string): Buffer {
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw badRequest(`${what} is not valid base64`);
  return Buffer.from(text, 'base64');
}

/** The bytes of a key or value: absent or null data is a null key or value. */
function bytesOf(data: ProduceData | null | undefined, what: string): { bytes: Buffer | null; type: DataType } {
  const type = data?.type ?? 'JSON';
  if (data === null || data === undefined || data.data === undefined || data.data === null) return { bytes: null, type };
  if (type === 'BINARY') {
    if (typeof data.data !== 'string') throw badRequest(`${what}.data of type BINARY must be a base64 string`);
    return { bytes: base64Bytes(data.data, `${what}.data`), type };
  }
  if (type === 'STRING') {
    if (typeof data.data !== 'string') throw badRequest(`${what}.data of type STRING must be a string`);
    return { bytes: Buffer.from(data.data, 'utf8'), type };
  }
  return { bytes: Buffer.from(JSON.stringify(data.data), 'utf8'), type };
}

function timestampOf(text: string | undefined): bigint {
  if (text === undefined) return BigInt(Date.now());
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw badRequest(`timestamp '${text}' is not an ISO 8601 date-time`);
  return BigInt(ms);
}

const dataSchema = { ...strictObj({ type: stringEnum(['BINARY', 'JSON', 'STRING']), data: anyJson }, ['type', 'data']), type: ['object', 'null'] };
const produceBody = strictObj(
  {
    partition_id: { type: 'integer', minimum: 0 },
    headers: arrayOf(strictObj({ name: str, value: described(nullableStr, 'base64') }, ['value'])),
    key: dataSchema,
    value: dataSchema,
    timestamp: described({ type: 'string', format: 'date-time' }, 'the record timestamp; now when absent'),
  },
  ['partition_id', 'headers', 'key', 'value', 'timestamp'],
);
const sizeSchema = { ...obj({ type: str, size: int }), type: ['object', 'null'] };
const produceResponse = obj({
  error_code: int,
  cluster_id: str,
  topic_name: str,
  partition_id: int,
  offset: int,
  timestamp: { type: 'string', format: 'date-time' },
  key: sizeSchema,
  value: sizeSchema,
});

export const registerRestV3RecordRoutes = consoleRoutes((app: FastifyInstance, { broker, logger }) => {
  const services = broker.services;
  let roundRobin = 0;
  app.post(
    '/v3/clusters/:cluster_id/topics/:topic_name/records',
    {
      schema: {
        tags: TAG,
        summary: 'Produce one record',
        params: obj({ cluster_id: str, topic_name: str }),
        body: produceBody,
        response: { 200: produceResponse, ...errorResponses },
      },
    },
    async (request: FastifyRequest<{ Params: { cluster_id: string; topic_name: string }; Body: ProduceBody }>) => {
      const links = clusterLinks(broker, request, request.params.cluster_id);
      const topic = topicOrNotFound(services, request.params.topic_name);
      if (isInternalTopic(topic.name)) throwIfKafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic.name}`);
      const body = request.body;
      const key = bytesOf(body.key, 'key');
      const value = bytesOf(body.value, 'value');
      const headers = (body.headers ?? []).map((h) => ({ key: h.name, value: h.value == null ? null : base64Bytes(h.value, `header ${h.name}`) }));
      const partition = body.partition_id ?? (key.bytes !== null ? partitionForKey(key.bytes, topic.partitions) : roundRobin++ % topic.partitions);
      const log = await partitionLog(services, topic, partition);
      const timestamp = timestampOf(body.timestamp);
      const batch = encodeRecordBatch({ baseTimestamp: timestamp, records: [{ key: key.bytes, value: value.bytes, headers, timestamp }] });
      const answer = await appendPartition({ services, apiVersion: PRODUCE_RULES_VERSION, logger }, topic.name, log, partition, batch, null);
      if (answer.errorCode !== undefined && answer.errorCode !== ErrorCode.NONE) {
        throw restErrorOf(answer.errorCode, answer.errorMessage ?? answer.recordErrors?.[0]?.batchIndexErrorMessage ?? `Kafka error ${answer.errorCode}`);
      }
      const appendTime = answer.logAppendTimeMs !== undefined && answer.logAppendTimeMs >= 0n ? answer.logAppendTimeMs : timestamp;
      return {
        error_code: 200,
        cluster_id: links.clusterId,
        topic_name: topic.name,
        partition_id: partition,
        offset: Number(answer.baseOffset ?? -1n),
        timestamp: new Date(Number(appendTime)).toISOString(),
        key: key.bytes === null ? null : { type: key.type, size: key.bytes.length },
        value: value.bytes === null ? null : { type: value.type, size: value.bytes.length },
      };
    },
  );
});
