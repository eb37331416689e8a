// kafkajs clients for test brokers: quiet, with a few retries for a broker that has just (re)started, and the
// admin chores tests do before the behaviour they check.
import { Admin, ITopicConfig, Kafka, logLevel, Producer } from 'kafkajs';

export function kafkaClient(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

/** An admin client that connects and disconnects: kafkajs's, and the KafkaJS-style API of other packages. */
export interface ConnectableAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/** Runs `body` with a connected admin client and disconnects it afterwards, also when `body` throws. */
export async function withAdmin<A extends ConnectableAdmin, T>(kafka: { admin(): A }, body: (admin: A) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}

export function createTopics(kafka: Kafka, topics: ITopicConfig[]): Promise<boolean> {
  return withAdmin(kafka, (admin) => admin.createTopics({ topics }));
}

/** An admin and a producer (no topic auto-creation), both connected. */
export async function connectAdminAndProducer(kafka: Kafka): Promise<{ admin: Admin; producer: Producer }> {
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return { admin, producer };
}
