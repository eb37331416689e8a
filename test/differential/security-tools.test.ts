// Kafka 4.3.1's own security tools against Eddy and against the reference Kafka, both with StandardAuthorizer
// behind SASL_PLAINTEXT: AclCommand (kafka-acls.sh) adds, lists and removes ACLs, ConfigCommand (kafka-configs.sh)
// creates a SCRAM user, sets and describes client quotas of users, clients and ips, and alters and describes topic
// and broker configs. Every command runs against both brokers as the super user and must print the same thing and
// end with the same code; the effects are then checked with kafkajs on both: bob may produce only while his ACL is
// there, and the user kafka-configs created logs in with SCRAM-SHA-256.
// The tools run in one JVM (the compatibility suite's ToolRunner, launched from its source on the reference jars).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { referenceKafkaClasspath } from '../../bench/lib/reference-kafka';
import type { Broker } from '../../src/broker/broker';
import { removeDir, startInProcess } from '../helpers/broker';
import { describeWithReferenceKafka, startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka';
import { plainJaas } from '../helpers/security';
import { JAVA_DIR } from '../compat/support/java';
import { KafkaTools } from '../compat/support/kafka-tools';
import { AUTHORIZER_PROPERTIES, AUTHORIZER_USERS } from './authorizer-steps';

jest.setTimeout(120_000);

const ACL_COMMAND = 'org.apache.kafka.tools.AclCommand';
/** Kafka 4.3's kafka-configs.sh; 4.4 moved it to org.apache.kafka.tools. */
const CONFIG_COMMAND = 'kafka.admin.ConfigCommand';
const TOPIC = 'st-topic';
const SCRAM_JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';

/** The same on both brokers: PLAIN for the admin and the users, SCRAM-SHA-256 for those kafka-configs creates. */
const SECURITY_PROPERTIES: Record<string, string> = {
  ...AUTHORIZER_PROPERTIES,
  'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256',
  'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': SCRAM_JAAS,
};

interface Target {
  readonly name: 'eddy' | 'kafka';
  readonly plain: number;
  readonly sasl: number;
}

/** ToolRunner.java as it is, but for Kafka 4.3's Exit class (4.4 moved it to an internals package). */
function runnerSourceFor43(dir: string): string {
  const source = fs.readFileSync(path.join(JAVA_DIR, 'tools', 'src', 'main', 'java', 'eddy', 'tools', 'ToolRunner.java'), 'utf8');
  const file = path.join(dir, 'ToolRunner.java');
  fs.writeFileSync(file, source.replace('org.apache.kafka.common.utils.internals.Exit', 'org.apache.kafka.common.utils.Exit'));
  return file;
}

function kafkajs(port: number, sasl?: SASLOptions): Kafka {
  return new Kafka({
    clientId: 'security-tools',
    brokers: [`127.0.0.1:${port}`],
    sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100 },
  });
}

async function produceAs(target: Target, user: 'bob' | 'carol'): Promise<string> {
  const producer = kafkajs(target.sasl, { mechanism: 'plain', username: user, password: AUTHORIZER_USERS[user] }).producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    await producer.send({ topic: TOPIC, messages: [{ value: 'v' }] });
    return 'ok';
  } catch (err) {
    const failure = err as { type?: string; cause?: { type?: string }; message: string };
    return failure.type ?? failure.cause?.type ?? failure.message;
  } finally {
    await producer.disconnect();
  }
}

/** Whether `user` logs in with SCRAM-SHA-256 (Kafka's broker learns a new credential from its controller a moment later). */
async function scramLogin(target: Target, user: string, password: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const admin = kafkajs(target.sasl, { mechanism: 'scram-sha-256', username: user, password }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      await admin.disconnect();
    }
  }
  return false;
}

describeWithReferenceKafka("Kafka's AclCommand and ConfigCommand against Eddy and the reference Kafka", () => {
  let kafka: ReferenceKafka | undefined;
  let eddy: { broker: Broker; dataDir: string } | undefined;
  let tools: KafkaTools | undefined;
  let workDir = '';
  let commandConfig = '';
  const targets: Target[] = [];

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-security-tools-'));
    commandConfig = path.join(workDir, 'admin.properties');
    fs.writeFileSync(
      commandConfig,
      [
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=PLAIN',
        `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${AUTHORIZER_USERS.admin}";`,
      ].join('\n'),
    );
    tools = new KafkaTools({ classpath: referenceKafkaClasspath(), runnerSource: runnerSourceFor43(workDir) });
    [kafka, eddy] = await Promise.all([
      startReferenceKafka({ saslPlainUsers: AUTHORIZER_USERS, properties: SECURITY_PROPERTIES }),
      startInProcess(undefined, {
        listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
        'listener.name.sasl_plaintext.plain.sasl.jaas.config': plainJaas(AUTHORIZER_USERS),
        ...SECURITY_PROPERTIES,
      }),
    ]);
    const eddySasl = eddy.broker.boundListeners.find((l) => l.name === 'SASL_PLAINTEXT');
    if (eddySasl === undefined || kafka.saslPort === null) throw new Error('a broker has no SASL_PLAINTEXT listener');
    targets.push({ name: 'eddy', plain: eddy.broker.port, sasl: eddySasl.port }, { name: 'kafka', plain: kafka.port, sasl: kafka.saslPort });
    // The topic, through the PLAINTEXT listener (ANONYMOUS is a super user there).
    for (const target of targets) {
      const admin = kafkajs(target.plain).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
      await admin.disconnect();
    }
  }, 240_000);

  afterAll(async () => {
    await tools?.close();
    await Promise.all([kafka?.stop(), eddy?.broker.stop()]);
    if (eddy !== undefined) removeDir(eddy.dataDir);
    if (workDir !== '') removeDir(workDir);
  }, 60_000);

  /** Runs one tool against both brokers as the admin: what each printed, with the exit code. */
  async function both(mainClass: string, args: readonly string[]): Promise<Record<Target['name'], string>> {
    if (tools === undefined) throw new Error('the tool runner did not start');
    const out: Partial<Record<Target['name'], string>> = {};
    for (const target of targets) {
      const res = await tools.run(mainClass, ['--bootstrap-server', `127.0.0.1:${target.sasl}`, '--command-config', commandConfig, ...args]);
      // A failure's first lines: the command (with this broker's port, made neutral) and the error.
      const failure =
        res.code === 0
          ? ''
          : res.stderr
              .split('\n')
              .slice(0, 2)
              .join('\n')
              .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
      out[target.name] = `exit ${res.code}\n${res.stdout}${failure}`;
    }
    return out as Record<Target['name'], string>;
  }

  /** Runs the commands in turn; each must print the same on both brokers. Returns Eddy's outputs. */
  async function same(mainClass: string, commands: ReadonlyArray<readonly string[]>): Promise<string[]> {
    const outputs: string[] = [];
    for (const args of commands) {
      const out = await both(mainClass, args);
      expect({ command: args.join(' '), output: out.eddy }).toEqual({ command: args.join(' '), output: out.kafka });
      outputs.push(out.eddy);
    }
    return outputs;
  }

  test('kafka-acls: --add, --list and --remove print what Kafka prints, and the ACLs take effect', async () => {
    const eddyTarget = targets[0];
    const kafkaTarget = targets[1];
    expect(await Promise.all([produceAs(eddyTarget, 'bob'), produceAs(kafkaTarget, 'bob')])).toEqual([
      'TOPIC_AUTHORIZATION_FAILED',
      'TOPIC_AUTHORIZATION_FAILED',
    ]);
    const outputs = await same(ACL_COMMAND, [
      ['--add', '--allow-principal', 'User:bob', '--operation', 'Read', '--operation', 'Describe', '--topic', TOPIC, '--group', 'st-group'],
      ['--add', '--allow-principal', 'User:bob', '--producer', '--topic', TOPIC],
      ['--add', '--deny-principal', 'User:carol', '--operation', 'Write', '--topic', 'st-', '--resource-pattern-type', 'prefixed'],
      ['--list', '--topic', TOPIC],
      ['--list', '--principal', 'User:bob'],
      ['--list', '--topic', 'st-', '--resource-pattern-type', 'match'],
    ]);
    expect(outputs[3]).toContain('(principal=User:bob, host=*, operation=WRITE, permissionType=ALLOW)');
    expect(await Promise.all([produceAs(eddyTarget, 'bob'), produceAs(kafkaTarget, 'bob')])).toEqual(['ok', 'ok']);
    expect(await Promise.all([produceAs(eddyTarget, 'carol'), produceAs(kafkaTarget, 'carol')])).toEqual([
      'TOPIC_AUTHORIZATION_FAILED',
      'TOPIC_AUTHORIZATION_FAILED',
    ]);
    const removed = await same(ACL_COMMAND, [
      ['--remove', '--allow-principal', 'User:bob', '--operation', 'Write', '--topic', TOPIC, '--force'],
      ['--list', '--topic', TOPIC],
    ]);
    expect(removed[1]).not.toContain('operation=WRITE');
    // Kafka's broker learns the removal from its controller a moment later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await Promise.all([produceAs(eddyTarget, 'bob'), produceAs(kafkaTarget, 'bob')])).toEqual([
      'TOPIC_AUTHORIZATION_FAILED',
      'TOPIC_AUTHORIZATION_FAILED',
    ]);
  });

  test('kafka-configs: a SCRAM user it creates logs in; quotas of users, clients and ips are set and described as in Kafka', async () => {
    await same(CONFIG_COMMAND, [
      ['--alter', '--entity-type', 'users', '--entity-name', 'dave', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=dave-secret]'],
      ['--describe', '--entity-type', 'users', '--entity-name', 'dave'],
    ]);
    expect(await Promise.all(targets.map((t) => scramLogin(t, 'dave', 'dave-secret')))).toEqual([true, true]);
    expect(await scramLogin(targets[0], 'dave', 'not-it')).toBe(false);
    const described = await same(CONFIG_COMMAND, [
      ['--alter', '--entity-type', 'users', '--entity-name', 'dave', '--add-config', 'producer_byte_rate=1024,consumer_byte_rate=2048'],
      ['--alter', '--entity-type', 'clients', '--entity-name', 'app1', '--add-config', 'request_percentage=50'],
      [
        '--alter',
        '--entity-type',
        'users',
        '--entity-name',
        'dave',
        '--entity-type',
        'clients',
        '--entity-name',
        'app1',
        '--add-config',
        'producer_byte_rate=4096',
      ],
      ['--alter', '--entity-type', 'users', '--entity-default', '--add-config', 'consumer_byte_rate=100000'],
      ['--alter', '--entity-type', 'ips', '--entity-name', '10.1.2.3', '--add-config', 'connection_creation_rate=50'],
      ['--alter', '--entity-type', 'ips', '--entity-default', '--add-config', 'connection_creation_rate=1000'],
      ['--describe', '--entity-type', 'users'],
      ['--describe', '--entity-type', 'clients'],
      ['--describe', '--entity-type', 'ips'],
      ['--describe', '--entity-type', 'users', '--entity-name', 'dave', '--entity-type', 'clients', '--entity-name', 'app1'],
      ['--alter', '--entity-type', 'users', '--entity-name', 'dave', '--delete-config', 'producer_byte_rate'],
      ['--describe', '--entity-type', 'users', '--entity-name', 'dave'],
      ['--alter', '--entity-type', 'ips', '--entity-name', 'not an address', '--add-config', 'connection_creation_rate=5'],
    ]);
    expect(described[8]).toContain("Quota configs for ip '10.1.2.3' are connection_creation_rate=50.0");
  });

  test('kafka-configs: topic and broker configs are altered and described as in Kafka', async () => {
    const outputs = await same(CONFIG_COMMAND, [
      ['--alter', '--entity-type', 'topics', '--entity-name', TOPIC, '--add-config', 'retention.ms=3600000,cleanup.policy=compact'],
      ['--describe', '--entity-type', 'topics', '--entity-name', TOPIC],
      ['--alter', '--entity-type', 'topics', '--entity-name', TOPIC, '--delete-config', 'cleanup.policy'],
      ['--describe', '--entity-type', 'topics', '--entity-name', TOPIC],
      ['--alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=5400000,max.connections.per.ip=500'],
      ['--describe', '--entity-type', 'brokers', '--entity-default'],
      ['--alter', '--entity-type', 'brokers', '--entity-default', '--delete-config', 'log.retention.ms,max.connections.per.ip'],
      ['--alter', '--entity-type', 'topics', '--entity-name', TOPIC, '--add-config', 'retention.ms=forever'],
    ]);
    expect(outputs[1]).toContain('retention.ms=3600000');
  });
});
