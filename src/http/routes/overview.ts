// Eddy's overview and topic statistics (extensions under /api, not part of REST v3): what the console's first
// page shows (node and cluster ids, version, listeners, uptime, data directory size, topic and partition counts)
// and each topic's record count, size, retention and cleanup policy for the topic list.
import * as fs from 'fs';
import * as path from 'path';
import type { FastifyInstance } from 'fastify';
import { TopicConfigKeys, type TopicMetadata } from '../../../storage';
import type { BrokerServices } from '../../api/services';
import { isInternalTopic } from '../../topics/topic-names';
import { consoleRoutes } from '../console/console-scope';
import type { OverviewView, TopicStatsView } from '../console/console-view-types';
import { arrayOf, bool, described, errorResponses, int, nullableStr, obj, str } from '../console/json-schema';
import { partitionIndexes, topicLogs } from '../console/partition-logs';

const TAG = ['Eddy: overview'];

function packageVersion(): string {
  try {
    // From dist/src/http/routes/ (and src/http/routes/ under ts-node) the package root is four levels up.
    const pkg = require('../../../../package.json') as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Bytes of every file under `dir` (the data directory: segments, indexes, checkpoints, metadata). */
async function directorySize(dir: string): Promise<number> {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return 0; // removed while walking (a deleted topic)
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(full);
    else if (entry.isFile())
      total += await fs.promises.stat(full).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}

async function topicStats(services: BrokerServices, topic: TopicMetadata): Promise<TopicStatsView> {
  const logs = await topicLogs(services, topic);
  const sizes = await Promise.all(partitionIndexes(topic).map((p) => services.partitions.sizeInBytes(topic.name, p)));
  const config = (key: Parameters<BrokerServices['topics']['resolveConfig']>[1]): string | null => services.topics.resolveConfig(topic, key).value;
  return {
    topic_name: topic.name,
    is_internal: isInternalTopic(topic.name),
    partitions_count: topic.partitions,
    record_count: logs.reduce((n, log) => n + Number(log.highWatermark - log.logStartOffset), 0),
    size_bytes: sizes.reduce<number>((n, s) => n + (s ?? 0), 0),
    retention_ms: config(TopicConfigKeys.RETENTION_MS),
    retention_bytes: config(TopicConfigKeys.RETENTION_BYTES),
    cleanup_policy: config(TopicConfigKeys.CLEANUP_POLICY),
  };
}

const overviewSchema = obj({
  broker_id: int,
  cluster_id: str,
  version: str,
  listeners: arrayOf(str),
  uptime_ms: described(int, 'since the process started'),
  data_dir: str,
  data_dir_size_bytes: int,
  topic_count: int,
  partition_count: int,
  internal_topic_count: int,
});

const topicStatsSchema = obj({
  topic_name: str,
  is_internal: bool,
  partitions_count: int,
  record_count: described(int, 'latest minus earliest offset, summed over partitions'),
  size_bytes: int,
  retention_ms: nullableStr,
  retention_bytes: nullableStr,
  cleanup_policy: nullableStr,
});

export const registerOverviewRoutes = consoleRoutes((app: FastifyInstance, { broker }) => {
  const services = broker.services;
  const version = packageVersion();

  app.get(
    '/api/overview',
    { schema: { tags: TAG, summary: 'This broker at a glance', response: { 200: overviewSchema, ...errorResponses } } },
    async (): Promise<OverviewView> => {
      const topics = services.topics.all();
      return {
        broker_id: broker.identity.nodeId,
        cluster_id: broker.identity.clusterId,
        version,
        listeners: broker.advertisedListeners.map((a) => `${a.name}://${a.host}:${a.port}`),
        uptime_ms: Math.round(process.uptime() * 1000),
        data_dir: path.resolve(broker.config.dataDir),
        data_dir_size_bytes: await directorySize(path.resolve(broker.config.dataDir)),
        topic_count: topics.length,
        partition_count: topics.reduce((n, t) => n + t.partitions, 0),
        internal_topic_count: topics.filter((t) => isInternalTopic(t.name)).length,
      };
    },
  );

  app.get(
    '/api/topics',
    {
      schema: {
        tags: TAG,
        summary: 'Every topic with its record count, size, retention and cleanup policy',
        response: { 200: obj({ data: arrayOf(topicStatsSchema) }), ...errorResponses },
      },
    },
    async (): Promise<{ data: TopicStatsView[] }> => {
      const topics = [...services.topics.all()].sort((a, b) => a.name.localeCompare(b.name));
      return { data: await Promise.all(topics.map((t) => topicStats(services, t))) };
    },
  );
});
