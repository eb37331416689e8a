// Eddy's transactions and producers (extensions under /api, not part of REST v3): every transactional id the
// coordinator knows with its state and partitions (ListTransactions with DescribeTransactions' detail), and the
// producers each partition's producer state knows (DescribeProducers' view), over one topic or all.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { activeProducersOf } from '../../api/61-describe-producers';
import { consoleRoutes } from '../console/console-scope';
import { arrayOf, described, errorResponses, int, obj, str, strictObj } from '../console/json-schema';
import { topicLogs, topicOrNotFound } from '../console/partition-logs';

const TAG = ['Eddy: transactions and producers'];

const transactionSchema = obj({
  transactional_id: str,
  producer_id: int,
  producer_epoch: int,
  state: str,
  timeout_ms: int,
  start_timestamp: described(int, '-1 without an open transaction'),
  partitions: arrayOf(obj({ topic_name: str, partitions: arrayOf(int) })),
});

const producerSchema = obj({
  topic_name: str,
  partition_id: int,
  producer_id: int,
  producer_epoch: int,
  last_sequence: int,
  last_timestamp: int,
  coordinator_epoch: int,
  current_txn_start_offset: described(int, '-1 without an open transaction'),
});

export const registerTransactionRoutes = consoleRoutes((app: FastifyInstance, { broker }) => {
  const services = broker.services;

  app.get(
    '/api/transactions',
    {
      schema: {
        tags: TAG,
        summary: 'Every transactional id the coordinator knows',
        response: { 200: obj({ data: arrayOf(transactionSchema) }), ...errorResponses },
      },
    },
    () => {
      const data = services.transactions
        .list()
        .filter((m) => m.state !== 'Dead')
        .sort((a, b) => a.transactionalId.localeCompare(b.transactionalId))
        .map((m) => ({
          transactional_id: m.transactionalId,
          producer_id: Number(m.producerId),
          producer_epoch: m.producerEpoch,
          state: m.state,
          timeout_ms: m.timeoutMs,
          start_timestamp: Number(m.startTimestamp),
          partitions: [...m.partitions.entries()].map(([topic, parts]) => ({ topic_name: topic, partitions: [...parts].sort((a, b) => a - b) })),
        }));
      return { data };
    },
  );

  app.get(
    '/api/producers',
    {
      schema: {
        tags: TAG,
        summary: 'The producers of one topic, or of every topic',
        querystring: strictObj({ topic: str }, ['topic']),
        response: { 200: obj({ data: arrayOf(producerSchema) }), ...errorResponses },
      },
    },
    async (request: FastifyRequest<{ Querystring: { topic?: string } }>) => {
      const topics = request.query.topic === undefined ? [...services.topics.all()] : [topicOrNotFound(services, request.query.topic)];
      const data = [];
      for (const topic of topics) {
        for (const log of await topicLogs(services, topic)) {
          for (const p of activeProducersOf(log)) {
            data.push({
              topic_name: topic.name,
              partition_id: log.partition,
              producer_id: Number(p.producerId),
              producer_epoch: p.producerEpoch,
              last_sequence: p.lastSequence,
              last_timestamp: Number(p.lastTimestamp),
              coordinator_epoch: p.coordinatorEpoch,
              current_txn_start_offset: Number(p.currentTxnStartOffset),
            });
          }
        }
      }
      return { data };
    },
  );
});
