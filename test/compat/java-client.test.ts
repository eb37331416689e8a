// The Java client (issue 17), Kafka's reference client, against Eddy: the newest 4.x and the newest 3.x on Maven
// Central, built from test/compat/java/clients4 (clients3 compiles the same sources against 3.x). One JVM per
// version runs every check in turn (admin, producer, consumer; see ClientChecks.java) against one Eddy and prints a
// JSON line per check; each check is a test here, so a failure names itself with the client's own error.
import { describeClient } from './support/compat-clients';
import { startEddy, type RunningEddy } from './support/eddy';
import { javaModuleProblem, spawnJava, type JavaProcess, type JavaRun } from './support/java';
import { CODEC_IDS, storedCodecs } from './support/stored-batches';

/** The JVMs run side by side; the slowest checks wait on group rebalances, not on the CPU. */
const RUN_TIMEOUT_MS = 150_000;
jest.setTimeout(RUN_TIMEOUT_MS + 30_000);

const CLIENTS = [
  { module: 'clients4', version: '4.4.0', prefix: 'j4' },
  { module: 'clients3', version: '3.9.2', prefix: 'j3' },
] as const;

/** Every check ClientChecks prints, in its order; a check that does not report fails by name. */
const CHECKS = [
  'admin.createTopics',
  'admin.describeCluster',
  'admin.describeTopics',
  'admin.describeConfigs',
  'admin.incrementalAlterConfigs',
  'admin.listOffsets',
  'admin.deleteRecords',
  'admin.describeProducers',
  'admin.consumerGroups',
  'admin.transactions',
  'admin.deleteTopics',
  'producer.idempotentByDefault',
  'producer.compression.gzip',
  'producer.compression.snappy',
  'producer.compression.lz4',
  'producer.compression.zstd',
  'producer.headers',
  'producer.transactions',
  'producer.transactionsFenced',
  'producer.transactionsProtocol',
  'producer.telemetry',
  'consumer.classicGroup',
  'consumer.groupProtocolConsumer',
  'consumer.readCommitted',
  'consumer.seekPosition',
  'consumer.pauseResume',
  'consumer.staticMembership',
  'consumer.cooperativeSticky',
  'consumer.groupProtocolConsumerRebalance',
  'group.regexSubscription',
  'group.staticMemberRestart',
] as const;

interface CheckResult {
  readonly check: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail?: string;
  readonly error?: string;
}

function parseResults(stdout: string): Map<string, CheckResult> {
  const results = new Map<string, CheckResult>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const result = JSON.parse(line) as CheckResult;
    results.set(result.check, result);
  }
  return results;
}

/** The end of the JVM's stderr: the client's warnings and the stack traces of failed checks. */
function stderrTail(run: JavaRun): string {
  return run.stderr.split('\n').slice(-40).join('\n');
}

describeClient(
  'Java client (kafka-clients 4.4.0 and 3.9.2)',
  CLIENTS.map((c) => javaModuleProblem(c.module)),
  () => {
    let eddy: RunningEddy;
    const jvms: JavaProcess[] = [];
    const runs = new Map<string, JavaRun>();

    beforeAll(async () => {
      eddy = await startEddy();
      for (const client of CLIENTS) {
        jvms.push(spawnJava(client.module, 'eddy.compat.ClientChecks', [eddy.bootstrap, client.prefix], { timeoutMs: RUN_TIMEOUT_MS }));
      }
      const finished = await Promise.all(jvms.map((jvm) => jvm.result));
      CLIENTS.forEach((client, i) => runs.set(client.module, finished[i]));
    }, RUN_TIMEOUT_MS + 20_000);

    afterAll(async () => {
      await Promise.all(jvms.map((jvm) => jvm.stop()));
      await eddy?.stop();
    });

    describe.each(CLIENTS)('kafka-clients $version', (client) => {
      function results(): { run: JavaRun; byCheck: Map<string, CheckResult> } {
        const run = runs.get(client.module);
        if (run === undefined) throw new Error(`the ${client.module} JVM did not run`);
        return { run, byCheck: parseResults(run.stdout) };
      }

      test('the JVM ran every check and exited cleanly', () => {
        const { run, byCheck } = results();
        expect({ code: run.code, unknown: [...byCheck.keys()].filter((c) => !(CHECKS as readonly string[]).includes(c)) }).toEqual({
          code: 0,
          unknown: [],
        });
      });

      test.each(CHECKS)('%s', (check) => {
        const { run, byCheck } = results();
        const result = byCheck.get(check);
        if (result === undefined) throw new Error(`${check} did not report (exit ${run.code}):\n${stderrTail(run)}`);
        if (!result.ok) throw new Error(`${check} failed after ${result.ms} ms: ${result.error}\n${stderrTail(run)}`);
        expect(result.ok).toBe(true);
      });

      // Read back intact proves little if the client quietly sent them uncompressed: look at the stored batches. The
      // Java client compresses every batch (no uncompressed fallback), in the check's one-partition topic.
      test.each(['gzip', 'snappy', 'lz4', 'zstd'])('producer.compression.%s stored compressed batches', async (codec) => {
        expect([...(await storedCodecs(eddy.port, `${client.prefix}-codec-${codec}`, [0]))]).toEqual([CODEC_IDS[codec]]);
      });
    });
  },
);
