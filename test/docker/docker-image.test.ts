// The Docker image, built from the unmodified Dockerfile with podman (../shared/tools/docker-smoke.sh builds a
// local node:20-slim stand-in, since no image registry is reachable here). Run by `npm run test:docker` from
// .ci/run as root; skipped elsewhere.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Kafka, logLevel } from 'kafkajs';

const REPO = path.resolve(__dirname, '..', '..', '..');
const TOOLS = path.resolve(REPO, '..', 'shared', 'tools');
const enabled = process.env.EDDY_DOCKER_TEST === '1' && fs.existsSync(path.join(TOOLS, 'docker-smoke.sh'));
const describeDocker = enabled ? describe : describe.skip;
const TAG = 'localhost/eddy:test';
const NAME = `eddy-test-${process.pid}`;
const HOST_PORT = 19093;

jest.setTimeout(20 * 60 * 1000);

/** Runs a podman command with the sandbox-friendly configuration the shared tools use. */
function podman(args: string[]): string {
  const script = `. "${TOOLS}/podman-env.sh" >/dev/null; setup_containers_conf >/dev/null; export CONTAINERS_CONF; podman "$@"`;
  return execFileSync('bash', ['-c', script, 'podman', ...args], { encoding: 'utf8' });
}

describeDocker('Docker image', () => {
  afterAll(() => {
    spawnSync('bash', ['-c', `. "${TOOLS}/podman-env.sh" >/dev/null; setup_containers_conf >/dev/null; export CONTAINERS_CONF; podman rm -f -t 0 ${NAME}`]);
  });

  test('builds, answers on its port, and stops cleanly on SIGTERM', () => {
    const res = spawnSync('bash', [path.join(TOOLS, 'docker-smoke.sh'), REPO, '9092'], {
      env: { ...process.env, TAG },
      encoding: 'utf8',
      timeout: 15 * 60 * 1000,
    });
    const out = `${res.stdout}\n${res.stderr}`;
    if (res.status !== 0) throw new Error(`docker-smoke.sh failed:\n${out}`);
    expect(out).toMatch(/container exit code after SIGTERM: 0/);
  });

  test('a kafkajs client on the host produces and reads metadata through a published port', async () => {
    podman(['run', '-d', '--name', NAME, '-p', `127.0.0.1:${HOST_PORT}:9092`, '-e', `EDDY_ADVERTISED_LISTENERS=PLAINTEXT://127.0.0.1:${HOST_PORT}`, TAG]);
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${HOST_PORT}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 300 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'from-host', numPartitions: 2 }] });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'from-host', messages: [{ key: 'a', value: 'hello container' }] });
      await producer.disconnect();
      const offsets = await admin.fetchTopicOffsets('from-host');
      expect(offsets.map((o) => Number(o.high)).reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      await admin.disconnect();
    }
    podman(['stop', '-t', '10', NAME]);
    expect(podman(['inspect', '-f', '{{.State.ExitCode}}', NAME]).trim()).toBe('0');
  });
});
