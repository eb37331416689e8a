// The reference Apache Kafka broker for tests (issue 16): the real thing, so suites can play the same requests
// against Eddy and Kafka. Starting and stopping it lives in bench/lib/reference-kafka.ts, which the bench shares
// (the bench never imports from test/); this file adds what is jest's: without the broker's jars or java a suite
// skips outside CI and fails under CI=true, as the compatibility suites do.
import {
  INSTALL_HINT,
  referenceKafkaProblem,
  startReferenceKafka as startKafkaNode,
  type ReferenceKafka,
  type ReferenceKafkaOptions,
} from '../../bench/lib/reference-kafka';

export { INSTALL_HINT, referenceKafkaProblem, type ReferenceKafka };

/** How long a suite gives the reference broker to answer its first request; hooks that start it allow this and more. */
export const REFERENCE_KAFKA_START_TIMEOUT_MS = 120_000;

/** Declares a suite that needs the reference broker: skipped with a message outside CI when it is missing, failed under CI. */
export function describeWithReferenceKafka(title: string, body: () => void): void {
  const problem = referenceKafkaProblem();
  if (problem === null) {
    describe(title, body);
  } else if (process.env.CI !== 'true') {
    console.warn(`${title} skipped: ${problem}. To run it, ${INSTALL_HINT}.`);
    describe.skip(title, body);
  } else {
    describe(title, () => {
      test('the reference Kafka is installed', () => {
        throw new Error(`${title} cannot run: ${problem}. To install it, ${INSTALL_HINT}.`);
      });
    });
  }
}

/**
 * Formats a fresh node in a temp dir, starts it and resolves once it answers ApiVersions on its PLAINTEXT port;
 * `security` adds a SASL_PLAINTEXT listener with PLAIN users and server properties such as the authorizer's.
 */
export function startReferenceKafka(security: Pick<ReferenceKafkaOptions, 'saslPlainUsers' | 'properties'> = {}): Promise<ReferenceKafka> {
  // Two minutes, not the launcher's 40 s: in the full suite Kafka's JVM starts beside Eddy's tests and other JVMs
  // on two cores, and a slow start is no failure of what the suites check.
  return startKafkaNode({ ...security, startTimeoutMs: REFERENCE_KAFKA_START_TIMEOUT_MS });
}
