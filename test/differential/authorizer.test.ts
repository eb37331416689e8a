// The differential suite with ACLs on (issue 18): Eddy and the reference Kafka both run Kafka's StandardAuthorizer
// behind a SASL_PLAINTEXT listener with PLAIN users. Each scenario's topics and ACLs are set up by a super user, then
// its steps are played by a user holding only those ACLs, and both brokers' answers are compared as in
// differential.test.ts. Its own file: the brokers are configured differently from the main suite's.
import type { Broker } from '../../src/broker/broker';
import { removeDir, startInProcess } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { describeWithReferenceKafka, startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka';
import { plainJaas } from '../helpers/security';
import { acceptedFor } from './accepted-divergences';
import { AUTHORIZER_PROPERTIES, AUTHORIZER_USERS, grantAll, loggedIn, type AuthorizerScenario } from './authorizer-steps';
import { awaitGroupCoordinator, formatValue, runScenario, type Difference } from './harness';
import { AUTHORIZER_ADMIN_SCENARIOS } from './scenarios-authorizer-admin';
import { AUTHORIZER_DATA_SCENARIOS } from './scenarios-authorizer-data';
import { AUTHORIZER_MULTI_TOPIC_SCENARIOS } from './scenarios-authorizer-multi';
import { awaitTransactionCoordinator } from './txn-steps';

const SCENARIOS: readonly AuthorizerScenario[] = [...AUTHORIZER_DATA_SCENARIOS, ...AUTHORIZER_MULTI_TOPIC_SCENARIOS, ...AUTHORIZER_ADMIN_SCENARIOS];

const EDDY_CONFIG: Record<string, string> = {
  listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
  'sasl.enabled.mechanisms': 'PLAIN',
  'listener.name.sasl_plaintext.plain.sasl.jaas.config': plainJaas(AUTHORIZER_USERS),
  'group.initial.rebalance.delay.ms': '0',
  ...AUTHORIZER_PROPERTIES,
};

interface Brokers {
  readonly kafka: ReferenceKafka;
  readonly eddy: { broker: Broker; dataDir: string };
}

function ports(brokers: Brokers): { eddy: { plain: number; sasl: number }; kafka: { plain: number; sasl: number } } {
  const sasl = brokers.eddy.broker.boundListeners.find((l) => l.name === 'SASL_PLAINTEXT');
  if (sasl === undefined || brokers.kafka.saslPort === null) throw new Error('a broker has no SASL_PLAINTEXT listener');
  return { eddy: { plain: brokers.eddy.broker.port, sasl: sasl.port }, kafka: { plain: brokers.kafka.port, sasl: brokers.kafka.saslPort } };
}

describeWithReferenceKafka('differential: Eddy against the reference Apache Kafka, with ACLs', () => {
  let brokers: Brokers | undefined;

  beforeAll(async () => {
    const [kafka, eddy] = await Promise.all([
      startReferenceKafka({ saslPlainUsers: AUTHORIZER_USERS, properties: AUTHORIZER_PROPERTIES }),
      startInProcess(undefined, EDDY_CONFIG),
    ]);
    brokers = { kafka, eddy };
    // The coordinators' internal topics exist before any scenario looks (see differential.test.ts).
    for (const port of [kafka.port, eddy.broker.port]) {
      const admin = await RawClient.connect(port);
      try {
        await awaitGroupCoordinator(admin);
        await awaitTransactionCoordinator(admin);
      } finally {
        admin.close();
      }
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([brokers?.kafka.stop(), brokers?.eddy.broker.stop()]);
    if (brokers !== undefined) removeDir(brokers.eddy.dataDir);
  }, 30_000);

  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    if (brokers === undefined) throw new Error('brokers did not start');
    const p = ports(brokers);
    const clients: RawClient[] = [];
    const connect = async (port: number): Promise<RawClient> => {
      const client = await RawClient.connect(port);
      clients.push(client);
      return client;
    };
    try {
      const admins = { eddy: await connect(p.eddy.plain), kafka: await connect(p.kafka.plain) };
      // Topics and grants through the super user; the steps as the scenario's user.
      await runScenario({ name: scenario.name, topics: scenario.topics, steps: [] }, admins);
      await Promise.all([grantAll(admins.eddy, scenario), grantAll(admins.kafka, scenario)]);
      const user = scenario.user ?? 'bob';
      const users = { eddy: await loggedIn(await connect(p.eddy.sasl), user), kafka: await loggedIn(await connect(p.kafka.sasl), user) };
      const differences = await runScenario({ ...scenario, topics: [] }, users);
      const unexplained = differences.filter((d) => acceptedFor(scenario.name, d.path) === undefined);
      expect(unexplained.map((d: Difference) => `${d.path}: eddy ${formatValue(d.eddy)}, kafka ${formatValue(d.kafka)}`)).toEqual([]);
    } finally {
      for (const client of clients) client.close();
    }
  });
});
