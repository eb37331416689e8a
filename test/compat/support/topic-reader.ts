// What the Java ecosystem suites (Kafka Streams, Connect, MirrorMaker 2) read back from Eddy: every record of some
// topics gathered by a read_committed kafkajs consumer as they arrive, and the topic configs a Java program asked
// Eddy to create, as DescribeConfigs reports them.
import { ConfigResourceTypes, Consumer, Kafka } from 'kafkajs';
import { withAdmin } from '../../helpers/kafkajs';
import { waitFor } from '../../helpers/wait';

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
}

/** A consumer that keeps every committed record of its topics, from the beginning, until `stop`. */
export interface TopicReader {
  readonly records: ReadRecord[];
  of(topic: string): ReadRecord[];
  /** Waits until `topic` holds at least `count` records. */
  waitForCount(topic: string, count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function readTopics(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<TopicReader> {
  // read_committed is kafkajs's default; spelled out because the Streams suite depends on it.
  const consumer: Consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  const records: ReadRecord[] = [];
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key === null ? null : message.key.toString('utf8'),
        value: message.value === null ? null : message.value.toString('utf8'),
      });
    },
  });
  const of = (topic: string): ReadRecord[] => records.filter((r) => r.topic === topic);
  return {
    records,
    of,
    waitForCount: (topic, count, timeoutMs) => waitFor(`${count} records on ${topic}`, () => of(topic).length >= count, timeoutMs),
    stop: () => consumer.disconnect(),
  };
}

/** The named configs of a topic, as Eddy's DescribeConfigs answers them. */
export async function topicConfigs(kafka: Kafka, topic: string, names: readonly string[]): Promise<Record<string, string>> {
  const described = await withAdmin(kafka, (admin) =>
    admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [...names] }] }),
  );
  const out: Record<string, string> = {};
  for (const entry of described.resources[0].configEntries) out[entry.configName] = entry.configValue;
  return out;
}

/** Values of each key in the order they were read (per key, a topic's records keep their partition's order). */
export function valuesByKey(records: readonly ReadRecord[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const record of records) {
    const key = record.key ?? '';
    const values = byKey.get(key) ?? [];
    values.push(record.value ?? '');
    byKey.set(key, values);
  }
  return byKey;
}
