// ACLs end to end with kafkajs over SASL_PLAINTEXT, against a broker whose authorizer is Kafka's StandardAuthorizer
// (authorizer.class.name) with alice as super user: alice manages ACLs with kafkajs's createAcls/describeAcls/
// deleteAcls; bob, with only the ACLs alice gives him, gets Kafka's errors for everything else (produce, consume,
// group join, admin), prefixed ACLs grant a family of topics, a DENY overrides an ALLOW, and the ACLs survive a
// restart.
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
  type AclEntry,
  type KafkaJSProtocolError,
} from 'kafkajs';
import { AlterClientQuotasRequestCodec } from '../../codecs/generated/AlterClientQuotasRequest';
import { AlterClientQuotasResponseCodec } from '../../codecs/generated/AlterClientQuotasResponse';
import { DescribeClientQuotasRequestCodec } from '../../codecs/generated/DescribeClientQuotasRequest';
import { DescribeClientQuotasResponseCodec } from '../../codecs/generated/DescribeClientQuotasResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { RawClient } from '../helpers/raw-client';
import { plainLogin } from '../helpers/sasl-raw';
import { removeDir, tempDataDir } from '../helpers/broker';
import { PLAIN_USERS, startSecuredBroker, testCertificates, type SecuredBroker } from '../helpers/security';
import { opensslAvailable } from '../helpers/tls-certs';
import { waitFor } from '../helpers/wait';

jest.setTimeout(90000);

const describeIfOpenssl = opensslAvailable() ? describe : describe.skip;

const ACL_CONFIG = { 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer', 'super.users': 'User:alice' };

function client(secured: SecuredBroker, user: keyof typeof PLAIN_USERS): Kafka {
  return new Kafka({
    clientId: `acl-${user}`,
    brokers: [`localhost:${secured.port('SASL_PLAINTEXT')}`],
    sasl: { mechanism: 'plain', username: user, password: PLAIN_USERS[user] },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
}

function bobAcl(resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, extra: Partial<AclEntry> = {}): AclEntry {
  return {
    resourceType,
    resourceName,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:bob',
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
    ...extra,
  };
}

function errorType(err: unknown): string {
  type Wrapped = {
    cause?: KafkaJSProtocolError;
    originalError?: KafkaJSProtocolError;
    errors?: KafkaJSProtocolError[];
    groups?: Array<{ error?: KafkaJSProtocolError }>;
  };
  const e = err as KafkaJSProtocolError & Wrapped;
  return e.type ?? e.cause?.type ?? e.originalError?.type ?? e.errors?.[0]?.type ?? e.groups?.[0]?.error?.type ?? String(e);
}

/** The Kafka error type kafkajs reports for a failed call (its protocol error, or the one it wraps). */
async function kafkaErrorOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (err) {
    return errorType(err);
  }
  return 'no error';
}

/** The error a consumer of `groupId` crashes with. */
async function consumerCrash(kafka: Kafka, groupId: string): Promise<string> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 0 } });
  let crash: string | undefined;
  consumer.on(consumer.events.CRASH, ({ payload }) => void (crash = errorType(payload.error)));
  await consumer.connect();
  await consumer.subscribe({ topic: 'pay-eu' });
  await consumer.run({ eachMessage: async () => undefined });
  await waitFor('the consumer to fail', () => crash !== undefined);
  await consumer.disconnect();
  return crash as string;
}

const ANY_BOB_ACL = {
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  principal: 'User:bob',
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
};

describeIfOpenssl('ACLs with kafkajs', () => {
  const dataDir = tempDataDir('eddy-acl-');
  const certs = testCertificates(dataDir);
  let secured: SecuredBroker;

  beforeAll(async () => {
    secured = await startSecuredBroker(dataDir, certs, ACL_CONFIG);
    const admin = client(secured, 'alice').admin();
    await admin.connect();
    await admin.createTopics({ topics: ['acl-orders', 'pay-eu', 'pay-secret'].map((topic) => ({ topic })) });
    await admin.createAcls({
      acl: [
        bobAcl(AclResourceTypes.TOPIC, 'pay-', AclOperationTypes.ALL, { resourcePatternType: ResourcePatternTypes.PREFIXED }),
        bobAcl(AclResourceTypes.TOPIC, 'pay-secret', AclOperationTypes.WRITE, { permissionType: AclPermissionTypes.DENY }),
        bobAcl(AclResourceTypes.GROUP, 'bob-group', AclOperationTypes.READ),
        bobAcl(AclResourceTypes.GROUP, 'bob-describe-only', AclOperationTypes.DESCRIBE),
      ],
    });
    await admin.disconnect();
  });
  afterAll(async () => {
    await secured.broker.stop();
    removeDir(dataDir);
  });

  test('describeAcls lists what createAcls stored, by resource pattern', async () => {
    const admin = client(secured, 'alice').admin();
    await admin.connect();
    const { resources } = await admin.describeAcls(ANY_BOB_ACL);
    await admin.disconnect();
    const names = resources.map((r) => `${r.resourceType}:${r.resourceName}:${r.resourcePatternType}:${r.acls.length}`).sort();
    expect(names).toEqual([`2:pay-:4:1`, `2:pay-secret:3:1`, `3:bob-describe-only:3:1`, `3:bob-group:3:1`]);
  });

  test('bob writes and reads the prefixed topics through his group; a DENY overrides the prefixed ALLOW', async () => {
    const kafka = client(secured, 'bob');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'pay-eu', messages: [{ value: 'one' }, { value: 'two' }] });
    expect(await kafkaErrorOf(() => producer.send({ topic: 'pay-secret', messages: [{ value: 'x' }] }))).toBe('TOPIC_AUTHORIZATION_FAILED');
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'bob-group' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'pay-eu', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await waitFor('two records', () => seen.length >= 2);
    await consumer.disconnect();
    expect(seen.sort()).toEqual(['one', 'two']);
  });

  test("without ACLs bob gets Kafka's errors: topic, group and cluster authorization", async () => {
    const kafka = client(secured, 'bob');
    const producer = kafka.producer();
    await producer.connect();
    expect(await kafkaErrorOf(() => producer.send({ topic: 'acl-orders', messages: [{ value: 'x' }] }))).toBe('TOPIC_AUTHORIZATION_FAILED');
    await producer.disconnect();
    // FindCoordinator needs DESCRIBE on the group (kafkajs then reports no coordinator), JoinGroup READ.
    expect(await consumerCrash(kafka, 'not-bobs')).toBe('KafkaJSGroupCoordinatorNotFound: Failed to find group coordinator');
    expect(await consumerCrash(kafka, 'bob-describe-only')).toBe('GROUP_AUTHORIZATION_FAILED');
    const admin = kafka.admin();
    await admin.connect();
    expect(await kafkaErrorOf(() => admin.createTopics({ topics: [{ topic: 'bobs-own' }] }))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await kafkaErrorOf(() => admin.describeAcls(ANY_BOB_ACL))).toBe('CLUSTER_AUTHORIZATION_FAILED');
    expect(await kafkaErrorOf(() => admin.fetchOffsets({ groupId: 'not-bobs', topics: ['pay-eu'] }))).toBe(
      'KafkaJSGroupCoordinatorNotFound: Failed to find group coordinator',
    );
    expect(await kafkaErrorOf(() => admin.deleteGroups(['bob-describe-only']))).toBe('GROUP_AUTHORIZATION_FAILED');
    expect((await admin.listTopics()).sort()).toEqual(['pay-eu', 'pay-secret']);
    await admin.disconnect();
  });

  test('client quotas need DESCRIBE_CONFIGS and ALTER_CONFIGS on the cluster: bob is refused, alice (super user) is not', async () => {
    const quotaCalls = async (user: keyof typeof PLAIN_USERS): Promise<{ describe: number; alter: number[] }> => {
      const raw = await RawClient.connect(secured.port('SASL_PLAINTEXT'));
      try {
        await plainLogin(raw, user, PLAIN_USERS[user]);
        const described = await raw.request(DescribeClientQuotasRequestCodec, DescribeClientQuotasResponseCodec, 1, { components: [], strict: false });
        const altered = await raw.request(AlterClientQuotasRequestCodec, AlterClientQuotasResponseCodec, 1, {
          entries: [{ entity: [{ entityType: 'user', entityName: user }], ops: [{ key: 'producer_byte_rate', value: 1048576, remove: false }] }],
          validateOnly: true,
        });
        return { describe: described.errorCode, alter: altered.entries.map((e) => e.errorCode) };
      } finally {
        raw.close();
      }
    };
    expect(await quotaCalls('bob')).toEqual({ describe: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, alter: [ErrorCode.CLUSTER_AUTHORIZATION_FAILED] });
    expect(await quotaCalls('alice')).toEqual({ describe: ErrorCode.NONE, alter: [ErrorCode.NONE] });
  });

  test('ACLs survive a restart, and deleteAcls removes what its filter matches', async () => {
    await secured.broker.stop();
    secured = await startSecuredBroker(dataDir, certs, ACL_CONFIG);
    const admin = client(secured, 'alice').admin();
    await admin.connect();
    expect((await admin.describeAcls(ANY_BOB_ACL)).resources).toHaveLength(4);
    const { filterResponses } = await admin.deleteAcls({ filters: [{ ...ANY_BOB_ACL, resourceType: AclResourceTypes.GROUP }] });
    expect(filterResponses[0].matchingAcls.map((a) => a.resourceName)).toEqual(['bob-group', 'bob-describe-only']);
    expect((await admin.describeAcls(ANY_BOB_ACL)).resources).toHaveLength(2);
    await admin.disconnect();
  });
});
