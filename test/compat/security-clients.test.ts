// librdkafka-based clients (kcat, confluent-kafka Python, @confluentinc/kafka-javascript) and kafka-python logging
// in over SASL_SSL with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, each producing and consuming through a group, and
// a wrong password refused. Certificates are made by the test with openssl; users come from a JAAS config (PLAIN)
// and the users file (PLAIN and SCRAM).
import { KCAT, run } from '../helpers/tools';
import { removeDir, tempDataDir } from '../helpers/broker';
import { FILE_USERS, PLAIN_USERS, startSecuredBroker, testCertificates, type SecuredBroker } from '../helpers/security';
import { compatPackageProblem, describeClient, executableProblem, requireCompat } from './support/compat-clients';
import { pythonCommand, pythonProblems } from './support/python-clients';

jest.setTimeout(120000);

const LOGINS = [
  { mechanism: 'PLAIN', user: 'alice', password: PLAIN_USERS.alice },
  { mechanism: 'SCRAM-SHA-256', user: 'carol', password: FILE_USERS.carol },
  { mechanism: 'SCRAM-SHA-512', user: 'carol', password: FILE_USERS.carol },
] as const;
const VALUES = Array.from({ length: 10 }, (_, i) => `v${i}`).sort();
const topicFor = (client: string, mechanism: string): string => `${client}-${mechanism.toLowerCase()}`;

function securedSuite(title: string, problems: readonly (string | null)[], body: (broker: () => SecuredBroker) => void): void {
  describeClient(title, problems, () => {
    const dataDir = tempDataDir('eddy-sasl-compat-');
    let secured: SecuredBroker;
    beforeAll(async () => {
      secured = await startSecuredBroker(dataDir, testCertificates(dataDir), { 'num.partitions': '2' });
    });
    afterAll(async () => {
      await secured?.broker.stop();
      removeDir(dataDir);
    });
    body(() => secured);
  });
}

securedSuite('kcat over SASL_SSL', [executableProblem(KCAT, 'apt-get install kcat')], (broker) => {
  const kcat = (login: (typeof LOGINS)[number], password: string, args: string[], input = ''): ReturnType<typeof run> => {
    const b = broker();
    const security = ['-X', 'security.protocol=SASL_SSL', '-X', `sasl.mechanisms=${login.mechanism}`, '-X', `sasl.username=${login.user}`];
    const more = ['-X', `sasl.password=${password}`, '-X', `ssl.ca.location=${b.certs.caCert}`];
    return run(KCAT, ['-b', `localhost:${b.port('SASL_SSL')}`, ...security, ...more, ...args], input, 60000);
  };

  test.each(LOGINS)('$mechanism: produce, consume through a group, and a wrong password refused', async (login) => {
    const topic = topicFor('kcat', login.mechanism);
    const produced = await kcat(login, login.password, ['-P', '-t', topic], VALUES.join('\n') + '\n');
    expect(produced.stderr).toBe('');
    expect(produced.code).toBe(0);
    const consumed = await kcat(login, login.password, ['-G', `${topic}-group`, '-X', 'auto.offset.reset=earliest', '-e', '-f', '%s\\n', topic]);
    expect(consumed.code).toBe(0);
    expect(
      consumed.stdout
        .split('\n')
        .filter((l) => l.length > 0)
        .sort(),
    ).toEqual(VALUES);
    const refused = await kcat(login, 'wrong', ['-L', '-m', '5']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/Authentication failed|SASL authentication error/);
  });
});

async function python(
  client: string,
  broker: SecuredBroker,
  login: (typeof LOGINS)[number],
  password: string = login.password,
): Promise<{ consumed?: string[]; error?: string }> {
  const [cmd, script] = pythonCommand('sasl_clients.py');
  const topic = topicFor(client, login.mechanism) + (password === login.password ? '' : '-refused');
  const args = [script, client, `localhost:${broker.port('SASL_SSL')}`, 'SASL_SSL', login.mechanism, login.user, password, broker.certs.caCert, topic];
  const result = await run(cmd, args, '', 90000);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { consumed?: string[]; error?: string };
}

securedSuite('confluent-kafka (Python) over SASL_SSL', pythonProblems({ confluent_kafka: 'python3-confluent-kafka' }), (broker) => {
  test.each(LOGINS)('$mechanism: produce and consume through a group; a wrong password fails', async (login) => {
    expect(await python('confluent', broker(), login)).toEqual({ produced: 10, consumed: VALUES });
    expect((await python('confluent', broker(), login, 'wrong')).error).toMatch(/Authentication failed|undelivered/);
  });
});

securedSuite('kafka-python over SASL_SSL', pythonProblems({ kafka: 'python3-kafka' }), (broker) => {
  test.each(LOGINS)('$mechanism: produce and consume through a group; a wrong password fails', async (login) => {
    expect(await python('kafka-python', broker(), login)).toEqual({ produced: 10, consumed: VALUES });
    expect((await python('kafka-python', broker(), login, 'wrong')).error).toMatch(/Authentication failed|NoBrokersAvailable|KafkaTimeoutError/);
  });
});

interface ConfluentKafkaJs {
  KafkaJS: {
    Kafka: new (config: Record<string, unknown>) => {
      producer(): { connect(): Promise<void>; send(r: { topic: string; messages: { value: string }[] }): Promise<unknown>; disconnect(): Promise<void> };
      consumer(config: { kafkaJS: Record<string, unknown> }): {
        connect(): Promise<void>;
        subscribe(o: { topics: string[] }): Promise<void>;
        run(o: { eachMessage: (p: { message: { value: Buffer | null } }) => Promise<void> }): Promise<void>;
        disconnect(): Promise<void>;
      };
    };
  };
}

const CONFLUENT_JS = '@confluentinc/kafka-javascript';
securedSuite(`${CONFLUENT_JS} over SASL_SSL`, [compatPackageProblem(CONFLUENT_JS)], (broker) => {
  test.each(LOGINS)('$mechanism: produce and consume through a group', async (login) => {
    const { KafkaJS } = requireCompat(CONFLUENT_JS) as ConfluentKafkaJs;
    const b = broker();
    const kafka = new KafkaJS.Kafka({
      kafkaJS: {
        brokers: [`localhost:${b.port('SASL_SSL')}`],
        ssl: true,
        sasl: { mechanism: login.mechanism.toLowerCase(), username: login.user, password: login.password },
        logLevel: 0,
      },
      'ssl.ca.location': b.certs.caCert,
    });
    const topic = topicFor('confluent-js', login.mechanism);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: VALUES.map((value) => ({ value })) });
    await producer.disconnect();
    const consumer = kafka.consumer({ kafkaJS: { groupId: `${topic}-group`, fromBeginning: true } });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    const deadline = Date.now() + 30000;
    while (seen.length < VALUES.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await consumer.disconnect();
    expect(seen.sort()).toEqual(VALUES);
  });
});
