// `eddy topic create|list|describe|delete|alter-config`: topic administration over CreateTopics, Metadata,
// DescribeConfigs, DeleteTopics and IncrementalAlterConfigs, with output shaped like Kafka's kafka-topics.sh.
import type { MetadataResponseMetadataResponseTopic } from '../../codecs/generated/MetadataResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { Apis } from '../client/apis';
import { checkErrorCode, KafkaResponseError } from '../client/errors';
import type { KafkaClient } from '../client/kafka-client';
import type { ToolArgs } from './args';
import { withClient } from './connect';
import { toJson, UsageError, writeOut } from './tool-io';

/** DescribeConfigs / IncrementalAlterConfigs resource type and config source (Kafka's ConfigResource.Type, ConfigSource). */
const TOPIC_RESOURCE = 2;
const DYNAMIC_TOPIC_CONFIG = 1;
const ConfigOperation = { SET: 0, DELETE: 1 } as const;

export interface DescribedTopic {
  readonly name: string;
  readonly topicId: string;
  readonly internal: boolean;
  readonly partitions: readonly { partition: number; leader: number; leaderEpoch: number; replicas: number[]; isr: number[] }[];
  /** Configs set on the topic itself (not broker or default values). */
  readonly configs: Readonly<Record<string, string | null>>;
}

function requireTopicName(name: string | undefined): string {
  if (name === undefined || name === '') throw new UsageError('a topic name is required');
  return name;
}

export async function createTopic(args: ToolArgs): Promise<void> {
  const name = requireTopicName(args.string('topic'));
  const partitions = args.integer('partitions', 1) ?? -1;
  const replicationFactor = args.integer('replication-factor', 1) ?? -1;
  const configs = args.pairs('config').map(([key, value]) => ({ name: key, value }));
  await withClient(args, async (client) => {
    const answer = await client.send(Apis.CreateTopics, () => ({
      topics: [{ name, numPartitions: partitions, replicationFactor, configs }],
      timeoutMs: args.integer('timeout', 1) ?? 10000,
    }));
    const result = answer.topics.find((t) => t.name === name);
    if (result === undefined) throw new KafkaResponseError(ErrorCode.UNKNOWN_SERVER_ERROR, `topic '${name}': no result in the CreateTopics answer`);
    const existed = result.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && args.flag('if-not-exists');
    if (!existed) checkErrorCode(result.errorCode, `topic '${name}'`, result.errorMessage);
    if (args.json) {
      await writeOut(
        toJson({ topic: name, created: !existed, topicId: result.topicId, partitions: result.numPartitions, replicationFactor: result.replicationFactor }) +
          '\n',
      );
    } else {
      await writeOut(existed ? `Topic ${name} already exists.\n` : `Created topic ${name}.\n`);
    }
  });
}

export async function listTopics(args: ToolArgs): Promise<void> {
  await withClient(args, async (client) => {
    const metadata = await client.metadata(null);
    const topics = metadata.topics
      .filter((t) => !(args.flag('exclude-internal') && t.isInternal))
      .map((t) => ({ name: t.name ?? '', topicId: t.topicId, partitions: t.partitions.length, internal: t.isInternal }))
      .sort((a, b) => a.name.localeCompare(b.name));
    await writeOut(args.json ? toJson(topics) + '\n' : topics.map((t) => `${t.name}\n`).join(''));
  });
}

async function topicConfigs(client: KafkaClient, names: readonly string[]): Promise<Map<string, Record<string, string | null>>> {
  const out = new Map<string, Record<string, string | null>>();
  if (names.length === 0) return out;
  const answer = await client.send(Apis.DescribeConfigs, () => ({
    resources: names.map((resourceName) => ({ resourceType: TOPIC_RESOURCE, resourceName, configurationKeys: null })),
  }));
  for (const result of answer.results) {
    checkErrorCode(result.errorCode, `configs of topic '${result.resourceName}'`, result.errorMessage);
    const own = result.configs.filter((c) => c.configSource === DYNAMIC_TOPIC_CONFIG || (c.configSource === -1 && !c.isDefault));
    out.set(result.resourceName, Object.fromEntries(own.map((c) => [c.name, c.isSensitive ? null : c.value])));
  }
  return out;
}

function describedPartitions(topic: MetadataResponseMetadataResponseTopic): DescribedTopic['partitions'] {
  return topic.partitions
    .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes }))
    .sort((a, b) => a.partition - b.partition);
}

export async function describeTopics(args: ToolArgs): Promise<void> {
  const asked = args.strings('topics');
  await withClient(args, async (client) => {
    const metadata = await client.metadata(asked.length > 0 ? asked : null);
    for (const t of metadata.topics) checkErrorCode(t.errorCode, `topic '${t.name ?? t.topicId}'`);
    const topics = metadata.topics.filter((t) => t.name !== null).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
    const configs = await topicConfigs(
      client,
      topics.map((t) => t.name ?? ''),
    );
    const described: DescribedTopic[] = topics.map((t) => ({
      name: t.name ?? '',
      topicId: t.topicId,
      internal: t.isInternal,
      partitions: describedPartitions(t),
      configs: configs.get(t.name ?? '') ?? {},
    }));
    await writeOut(args.json ? toJson(described) + '\n' : described.map(topicText).join(''));
  });
}

function topicText(t: DescribedTopic): string {
  const configs = Object.entries(t.configs)
    .map(([k, v]) => `${k}=${v ?? '(sensitive)'}`)
    .join(',');
  const replicationFactor = t.partitions.length > 0 ? t.partitions[0].replicas.length : 0;
  const head = `Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${replicationFactor}\tConfigs: ${configs}\n`;
  return (
    head +
    t.partitions
      .map((p) => `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\n`)
      .join('')
  );
}

export async function deleteTopics(args: ToolArgs): Promise<void> {
  const names = args.strings('topics');
  await withClient(args, async (client) => {
    const answer = await client.send(Apis.DeleteTopics, (version) =>
      version >= 6 ? { topics: names.map((name) => ({ name })), timeoutMs: 30000 } : { topicNames: names, timeoutMs: 30000 },
    );
    const results = names.map((name) => {
      const result = answer.responses.find((r) => r.name === name);
      const code = result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      const missing = code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && args.flag('if-exists');
      if (!missing) checkErrorCode(code, `topic '${name}'`, result?.errorMessage);
      return { topic: name, deleted: !missing };
    });
    await writeOut(
      args.json ? toJson(results) + '\n' : results.map((r) => (r.deleted ? `Deleted topic ${r.topic}.\n` : `Topic ${r.topic} does not exist.\n`)).join(''),
    );
  });
}

export async function alterTopicConfig(args: ToolArgs): Promise<void> {
  const name = requireTopicName(args.string('topic'));
  const set = args.pairs('config').map(([key, value]) => ({ name: key, configOperation: ConfigOperation.SET, value }));
  const removed = args.strings('delete-config').map((key) => ({ name: key, configOperation: ConfigOperation.DELETE, value: null }));
  if (set.length + removed.length === 0) throw new UsageError('say what to change with --config key=value or --delete-config key');
  await withClient(args, async (client) => {
    const answer = await client.send(Apis.IncrementalAlterConfigs, () => ({
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configs: [...set, ...removed] }],
    }));
    for (const r of answer.responses) checkErrorCode(r.errorCode, `configs of topic '${name}'`, r.errorMessage);
    const changes = { topic: name, set: Object.fromEntries(set.map((c) => [c.name, c.value])), deleted: removed.map((c) => c.name) };
    await writeOut(args.json ? toJson(changes) + '\n' : `Updated the configs of topic ${name}.\n`);
  });
}
