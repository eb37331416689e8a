// Eddy's message browser (an extension under /api, not part of REST v3): a page of records from one partition or
// all of them, starting at the oldest, the newest, an offset or a timestamp, with cursors to the next and previous
// pages and a text filter over a bounded window; and the full value of one record, for values the page truncated.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consoleRoutes } from '../console/console-scope';
import { arrayOf, described, errorResponses, int, nullableStr, obj, str, stringEnum, strictObj } from '../console/json-schema';
import { browse, decodeCursor, encodeCursor, type StartFrom } from '../console/message-browser';
import { recordAt } from '../console/partition-reader';
import { partitionLog, topicLogs, topicOrNotFound } from '../console/partition-logs';
import { notFound } from '../console/rest-errors';
import { recordView, recordViewSchema } from '../console/record-views';

const TAG = ['Eddy: message browser'];

/** A page shows at most this many records. */
export const MAX_PAGE_RECORDS = 500;
/** A filter looks at most at this many records per page. */
export const MAX_SCAN_RECORDS = 100_000;
/** Keys, values and headers longer than this are shown truncated (the value can be downloaded whole). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024;

interface BrowseQuery {
  readonly partition?: number;
  readonly from?: StartFrom;
  readonly offset?: number;
  readonly timestamp?: number;
  readonly limit?: number;
  readonly filter?: string;
  readonly scan_limit?: number;
  readonly cursor?: string;
  readonly max_payload_bytes?: number;
}

const browseQuery = strictObj(
  {
    partition: described({ type: 'integer', minimum: 0 }, 'one partition; all when absent'),
    from: { ...stringEnum(['oldest', 'newest', 'offset', 'timestamp']), default: 'newest' },
    offset: described({ type: 'integer', minimum: 0 }, 'with from=offset'),
    timestamp: described({ type: 'integer', minimum: 0 }, 'with from=timestamp: milliseconds since the epoch; the first record at or after it'),
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_RECORDS, default: 50 },
    filter: described(str, 'text the key or value must contain'),
    scan_limit: described({ type: 'integer', minimum: 1, maximum: MAX_SCAN_RECORDS, default: 10_000 }, 'records a filter looks at per page'),
    cursor: described(str, 'next_cursor or prev_cursor of a previous page; overrides from'),
    max_payload_bytes: { type: 'integer', minimum: 0, maximum: 1024 * 1024, default: DEFAULT_MAX_PAYLOAD_BYTES },
  },
  ['partition', 'from', 'offset', 'timestamp', 'limit', 'filter', 'scan_limit', 'cursor', 'max_payload_bytes'],
);

const pageSchema = obj({
  topic_name: str,
  partitions: arrayOf(int),
  records: arrayOf(recordViewSchema),
  next_cursor: nullableStr,
  prev_cursor: nullableStr,
  scanned: described(int, 'records looked at (more than shown with a filter)'),
});

type TopicParams = { topic_name: string };
type RecordParams = TopicParams & { partition_id: number; offset: number };

export const registerRecordBrowserRoutes = consoleRoutes((app: FastifyInstance, { broker }) => {
  const services = broker.services;

  app.get(
    '/api/topics/:topic_name/records',
    {
      schema: {
        tags: TAG,
        summary: 'A page of records from one partition or all',
        params: obj({ topic_name: str }),
        querystring: browseQuery,
        response: { 200: pageSchema, ...errorResponses },
      },
    },
    async (request: FastifyRequest<{ Params: TopicParams; Querystring: BrowseQuery }>) => {
      const q = request.query;
      const topic = topicOrNotFound(services, request.params.topic_name);
      const logs = q.partition === undefined ? await topicLogs(services, topic) : [await partitionLog(services, topic, q.partition)];
      const page = await browse(logs, {
        from: q.from ?? 'newest',
        offset: q.offset,
        timestamp: q.timestamp,
        limit: q.limit ?? 50,
        filter: q.filter,
        scanLimit: q.scan_limit ?? 10_000,
        cursor: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
      });
      const origin = `${request.protocol}://${request.host}`;
      const download = (partition: number) => (offset: bigint) =>
        `${origin}/api/topics/${encodeURIComponent(topic.name)}/partitions/${partition}/records/${offset}/value`;
      const limit = q.max_payload_bytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
      return {
        topic_name: topic.name,
        partitions: logs.map((l) => l.partition),
        records: page.records.map((r) => recordView(r.partition, r.batch, r.record, limit, download(r.partition))),
        next_cursor: page.next === null ? null : encodeCursor(page.next),
        prev_cursor: page.prev === null ? null : encodeCursor(page.prev),
        scanned: page.scanned,
      };
    },
  );

  app.get(
    '/api/topics/:topic_name/partitions/:partition_id/records/:offset/value',
    {
      schema: {
        tags: TAG,
        summary: "One record's whole value, as bytes",
        params: obj({ topic_name: str, partition_id: { type: 'integer', minimum: 0 }, offset: { type: 'integer', minimum: 0 } }),
        // The bytes are sent as they are: a 200 schema would make fastify serialise them as JSON.
        response: { ...errorResponses },
      },
    },
    async (request: FastifyRequest<{ Params: RecordParams }>, reply: FastifyReply) => {
      const { topic_name, partition_id, offset } = request.params;
      const topic = topicOrNotFound(services, topic_name);
      const log = await partitionLog(services, topic, partition_id);
      const found = await recordAt(log, BigInt(offset));
      if (!found) throw notFound(`No record at offset ${offset} of ${topic.name}-${partition_id}`);
      if (found.record.value === null) throw notFound(`The record at offset ${offset} of ${topic.name}-${partition_id} has a null value`);
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${topic.name}-${partition_id}-${offset}.bin"`)
        .send(found.record.value);
    },
  );
});
