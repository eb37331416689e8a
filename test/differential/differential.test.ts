// The differential suite (issue 16): every seed scenario runs against Eddy and the reference Apache Kafka, and any
// difference in their normalised answers fails unless accepted-divergences.ts explains it. One Kafka and one Eddy
// serve the whole file (Kafka takes seconds to start); scenarios keep apart by owning their topic names.
import type { Broker } from '../../src/broker/broker';
import { removeDir, startInProcess } from '../helpers/broker';
import { RawClient, withRawClient } from '../helpers/raw-client';
import { describeWithReferenceKafka, startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka';
import { ACCEPTED_DIVERGENCES, acceptedFor, matchesScenario, type AcceptedDivergence } from './accepted-divergences';
import { awaitGroupCoordinator, formatValue, runScenario, type Difference, type Scenario } from './harness';
import { ACL_SCENARIOS } from './scenarios-acls';
import { ADMIN_SCENARIOS } from './scenarios-admin';
import { API_VERSIONS_SCENARIOS } from './scenarios-api-versions';
import { CONFIG_SCENARIOS } from './scenarios-configs';
import { CONSUMER_GROUP_SCENARIOS } from './scenarios-consumer-groups';
import { DATA_SCENARIOS } from './scenarios-data';
import { DESCRIBE_TOPIC_PARTITIONS_SCENARIOS } from './scenarios-describe-topic-partitions';
import { FETCH_SCENARIOS } from './scenarios-fetch';
import { GROUP_ADMIN_SCENARIOS } from './scenarios-group-admin';
import { GROUP_SCENARIOS } from './scenarios-groups';
import { IDEMPOTENCE_SCENARIOS } from './scenarios-idempotence';
import { METADATA_SCENARIOS } from './scenarios-metadata';
import { OFFSETS_SCENARIOS } from './scenarios-offsets';
import { PRODUCE_SCENARIOS } from './scenarios-produce';
import { TOPIC_ADMIN_SCENARIOS } from './scenarios-topic-admin';
import { TRANSACTION_SCENARIOS } from './scenarios-transactions';
import { SECURITY_SCENARIOS } from './scenarios-security';
import { QUOTA_SCENARIOS } from './scenarios-quotas';
import { awaitTransactionCoordinator } from './txn-steps';

const SCENARIOS: readonly Scenario[] = [
  ...ADMIN_SCENARIOS,
  ...API_VERSIONS_SCENARIOS,
  ...METADATA_SCENARIOS,
  ...TOPIC_ADMIN_SCENARIOS,
  ...CONFIG_SCENARIOS,
  ...DESCRIBE_TOPIC_PARTITIONS_SCENARIOS,
  ...ACL_SCENARIOS,
  ...DATA_SCENARIOS,
  ...PRODUCE_SCENARIOS,
  ...FETCH_SCENARIOS,
  ...OFFSETS_SCENARIOS,
  ...GROUP_SCENARIOS,
  ...GROUP_ADMIN_SCENARIOS,
  ...CONSUMER_GROUP_SCENARIOS,
  ...TRANSACTION_SCENARIOS,
  ...IDEMPOTENCE_SCENARIOS,
  ...SECURITY_SCENARIOS,
  ...QUOTA_SCENARIOS,
];

interface Outcome {
  readonly scenario: string;
  readonly unexplained: readonly Difference[];
  readonly accepted: ReadonlyArray<{ difference: Difference; entry: AcceptedDivergence }>;
}

function describeDifference(d: Difference): string {
  return `${d.path}: eddy ${formatValue(d.eddy)}, kafka ${formatValue(d.kafka)}`;
}

function classify(scenario: string, differences: readonly Difference[]): Outcome {
  const unexplained: Difference[] = [];
  const accepted: Array<{ difference: Difference; entry: AcceptedDivergence }> = [];
  for (const difference of differences) {
    const entry = acceptedFor(scenario, difference.path);
    if (entry === undefined) unexplained.push(difference);
    else accepted.push({ difference, entry });
  }
  return { scenario, unexplained, accepted };
}

function summary(outcomes: readonly Outcome[]): string {
  const failed = outcomes.filter((o) => o.unexplained.length > 0);
  const lines = [`differential suite: ${outcomes.length - failed.length} passed, ${failed.length} failed (${outcomes.length} scenarios)`];
  for (const o of failed) lines.push(`FAILED ${o.scenario}`, ...o.unexplained.map((d) => `  ${describeDifference(d)}`));
  // Each accepted entry once, with the differences it explained, so a reason is not repeated per field.
  const byEntry = new Map<AcceptedDivergence, string[]>();
  for (const o of outcomes) {
    for (const a of o.accepted) byEntry.set(a.entry, [...(byEntry.get(a.entry) ?? []), `    ${o.scenario}: ${describeDifference(a.difference)}`]);
  }
  lines.push(`accepted divergences used: ${byEntry.size} of ${ACCEPTED_DIVERGENCES.length}`);
  for (const [entry, uses] of byEntry)
    lines.push(`  - ${entry.reason}`, ...uses.slice(0, 3), ...(uses.length > 3 ? [`    ... and ${uses.length - 3} more`] : []));
  return lines.join('\n');
}

describeWithReferenceKafka('differential: Eddy against the reference Apache Kafka', () => {
  let kafka: ReferenceKafka | undefined;
  let eddy: { broker: Broker; dataDir: string } | undefined;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    // Both brokers are set up alike where it shows in answers: Eddy's own default for the initial rebalance delay
    // is the 0 the reference helper gives Kafka.
    [kafka, eddy] = await Promise.all([startReferenceKafka(), startInProcess(undefined, { 'group.initial.rebalance.delay.ms': '0' })]);
    // Kafka creates __consumer_offsets on the first FindCoordinator and answers COORDINATOR_NOT_AVAILABLE, then
    // COORDINATOR_LOAD_IN_PROGRESS, until it is loaded; a one-node Eddy has its coordinator from the start.
    // Eddy is asked too, so both hold __consumer_offsets before a scenario looks at it.
    await Promise.all([kafka.port, eddy.broker.port].map((port) => withRawClient(port, (client) => awaitGroupCoordinator(client))));
    // Likewise __transaction_state, created on the first FindCoordinator of a transactional id.
    await Promise.all([kafka.port, eddy.broker.port].map((port) => withRawClient(port, (client) => awaitTransactionCoordinator(client))));
  }, 180_000);

  afterAll(async () => {
    await Promise.all([kafka?.stop(), eddy?.broker.stop()]);
    if (eddy !== undefined) removeDir(eddy.dataDir);
    if (outcomes.length > 0) console.log(summary(outcomes));
  }, 30_000);

  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    if (kafka === undefined || eddy === undefined) throw new Error('brokers did not start');
    // Fresh connections per scenario: a broker that closes one on a bad request must not spoil the next scenario.
    const [eddyClient, kafkaClient] = await Promise.all([RawClient.connect(eddy.broker.port), RawClient.connect(kafka.port)]);
    try {
      const outcome = classify(scenario.name, await runScenario(scenario, { eddy: eddyClient, kafka: kafkaClient }));
      outcomes.push(outcome);
      expect(outcome.unexplained.map(describeDifference)).toEqual([]);
    } finally {
      eddyClient.close();
      kafkaClient.close();
    }
  });

  // A divergence nobody hits any more is a fix that forgot to shrink the list; it must go, so the list stays honest.
  test('every accepted divergence is still needed', () => {
    if (outcomes.length < SCENARIOS.length) return;
    const used = new Set(outcomes.flatMap((o) => o.accepted.map((a) => a.entry)));
    // Entries for scenarios of another file (restart.test.ts) are that file's to check.
    const ours = ACCEPTED_DIVERGENCES.filter((entry) => SCENARIOS.some((s) => matchesScenario(entry, s.name)));
    expect(ours.filter((entry) => !used.has(entry)).map((entry) => entry.reason)).toEqual([]);
  });
});
