// Kafka Connect and MirrorMaker 2 (4.3.1, the newest release with connect-file and connect-mirror on Maven Central)
// against Eddy (issue 17). One distributed worker keeps its config, offset and status topics on Eddy and runs, through
// its REST API: the FileStream source and sink connectors (a file in, a topic, a file out, byte for byte, and after a
// restart of the worker, lines appended meanwhile arrive exactly once), then MirrorMaker 2's source, checkpoint and
// heartbeat connectors replicating a topic and a consumer group's offsets from a second Eddy into the first.
import { Kafka } from 'kafkajs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTopics, kafkaClient, withAdmin } from '../helpers/kafkajs';
import { waitFor } from '../helpers/wait';
import { describeClient } from './support/compat-clients';
import { ConnectWorker, startConnectWorker } from './support/connect-worker';
import { startEddy, RunningEddy } from './support/eddy';
import { javaModuleProblem } from './support/java';
import { readTopics, topicConfigs } from './support/topic-reader';

const GROUP = 'eddy-connect';
const LINES_TOPIC = 'connect-lines';
const MIRRORED = 'orders';
const MIRROR_GROUP = 'orders-auditor';
const MIRROR_RECORDS = 120;

jest.setTimeout(120000);

/** MirrorMaker 2's three connectors, each with the settings that make it act within seconds. */
const MIRROR_CONNECTORS: readonly (readonly [string, string, Record<string, string>])[] = [
  [
    'mm2-source',
    'MirrorSourceConnector',
    { topics: MIRRORED, 'replication.factor': '1', 'offset-syncs.topic.replication.factor': '1', 'refresh.topics.interval.seconds': '1' },
  ],
  [
    'mm2-checkpoint',
    'MirrorCheckpointConnector',
    {
      groups: MIRROR_GROUP,
      'checkpoints.topic.replication.factor': '1',
      'emit.checkpoints.interval.seconds': '1',
      'sync.group.offsets.enabled': 'true',
      'sync.group.offsets.interval.seconds': '1',
      'refresh.groups.interval.seconds': '1',
    },
  ],
  ['mm2-heartbeat', 'MirrorHeartbeatConnector', { 'heartbeats.topic.replication.factor': '1', 'emit.heartbeats.interval.seconds': '1' }],
];

/**
 * Lines a file connector must carry unchanged: tabs, empty lines, long and short ones. ASCII only: Kafka's
 * FileStreamSourceTask counts its stored position in characters but skips that many bytes when it resumes, so
 * after a restart a file with multi-byte UTF-8 resumes mid-line (a limitation of the example connector, the same
 * on Apache Kafka).
 */
function fileLines(from: number, count: number): string {
  const lines: string[] = [];
  for (let i = from; i < from + count; i++) {
    if (i % 97 === 5) lines.push('');
    else lines.push(`line ${i}\tcolumn "${i * 31}" ${'x'.repeat(i % 13)}${i % 50 === 0 ? 'y'.repeat(2000) : ''}`);
  }
  return lines.join('\n') + '\n';
}

function mirrorConfig(connectorClass: string, sourceBootstrap: string, targetBootstrap: string, extra: Record<string, string>): Record<string, string> {
  return {
    'connector.class': `org.apache.kafka.connect.mirror.${connectorClass}`,
    'source.cluster.alias': 'source',
    'target.cluster.alias': 'target',
    'source.cluster.bootstrap.servers': sourceBootstrap,
    'target.cluster.bootstrap.servers': targetBootstrap,
    'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
    'tasks.max': '1',
    ...extra,
  };
}

describeClient('Kafka Connect and MirrorMaker 2 4.3.1', [javaModuleProblem('connect')], () => {
  let eddy: RunningEddy;
  let sourceEddy: RunningEddy;
  let kafka: Kafka;
  let workDir: string;
  let worker: ConnectWorker | undefined;
  let inFile: string;
  let outFile: string;

  beforeAll(async () => {
    [eddy, sourceEddy] = await Promise.all([startEddy(), startEddy()]);
    kafka = kafkaClient(eddy.bootstrap, 'connect-suite');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-connect-'));
    inFile = path.join(workDir, 'in.txt');
    outFile = path.join(workDir, 'out.txt');
    worker = await startConnectWorker(eddy.bootstrap, GROUP, workDir);
  });

  afterAll(async () => {
    await worker?.stop();
    await Promise.all([eddy?.stop(), sourceEddy?.stop()]);
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  function currentWorker(): ConnectWorker {
    if (worker === undefined) throw new Error('no Connect worker');
    return worker;
  }

  async function waitForOutput(expected: string, timeoutMs: number): Promise<void> {
    const read = (): string => (fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '');
    await waitFor('the sink file to catch up', () => read().length >= expected.length, timeoutMs).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${read().length} of ${expected.length} bytes\n${(await currentWorker().stop()).stderr.slice(-6000)}`);
    });
    // Anything written twice would make the file longer than the input: compare the whole file, byte for byte.
    await new Promise((r) => setTimeout(r, 1500));
    const written = fs.readFileSync(outFile);
    // Compared as lines first, for a readable difference; then as bytes.
    expect(written.toString('utf8').split('\n')).toEqual(expected.split('\n'));
    expect(written.equals(Buffer.from(expected, 'utf8'))).toBe(true);
  }

  test('the worker keeps its config, offset and status topics on Eddy, compacted', async () => {
    for (const kind of ['configs', 'offsets', 'status']) {
      expect(await topicConfigs(kafka, `${GROUP}-${kind}`, ['cleanup.policy'])).toEqual({ 'cleanup.policy': 'compact' });
    }
  });

  test('FileStream source and sink: a file in, a topic, a file out, byte for byte', async () => {
    fs.writeFileSync(inFile, fileLines(0, 500));
    await createTopics(kafka, [{ topic: LINES_TOPIC, numPartitions: 1 }]);
    const w = currentWorker();
    await w.createConnector('file-source', {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '1',
      file: inFile,
      topic: LINES_TOPIC,
    });
    await w.createConnector('file-sink', {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'tasks.max': '1',
      file: outFile,
      topics: LINES_TOPIC,
    });
    await Promise.all([w.waitRunning('file-source', 30_000), w.waitRunning('file-sink', 30_000)]);
    await waitForOutput(fileLines(0, 500), 30_000);
  });

  test('a restarted worker resumes where it was: lines appended while it was down and after arrive once', async () => {
    const stopped = await currentWorker().stop();
    expect(stopped.stderr).not.toMatch(/\bERROR\b/);
    fs.appendFileSync(inFile, fileLines(500, 300));
    worker = await startConnectWorker(eddy.bootstrap, GROUP, workDir);
    await Promise.all([worker.waitRunning('file-source', 30_000), worker.waitRunning('file-sink', 30_000)]);
    await waitForOutput(fileLines(0, 800), 30_000);
    // And lines appended to the running worker's file after the restart follow, once.
    fs.appendFileSync(inFile, fileLines(800, 100));
    await waitForOutput(fileLines(0, 900), 30_000);
  });

  test('MirrorMaker 2 replicates a topic as source.<topic> and translates a group offsets', async () => {
    const source = kafkaClient(sourceEddy.bootstrap, 'connect-suite-source');
    await createTopics(source, [{ topic: MIRRORED, numPartitions: 3 }]);
    const producer = source.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const sent = Array.from({ length: MIRROR_RECORDS }, (_, i) => ({ key: `order-${i}`, value: `amount=${i * 7}`, partition: i % 3 }));
    await producer.send({ topic: MIRRORED, messages: sent });
    await producer.disconnect();
    // A group on the source reads everything and commits: its offsets are what MirrorMaker translates.
    const auditor = await readTopics(source, MIRROR_GROUP, [MIRRORED]);
    await auditor.waitForCount(MIRRORED, MIRROR_RECORDS, 30_000);
    await auditor.stop();

    const w = currentWorker();
    for (const [name, connectorClass, extra] of MIRROR_CONNECTORS) {
      await w.createConnector(name, mirrorConfig(connectorClass, sourceEddy.bootstrap, eddy.bootstrap, extra));
    }
    await Promise.all(MIRROR_CONNECTORS.map(([name]) => w.waitRunning(name, 60_000)));

    const mirrored = `source.${MIRRORED}`;
    await waitFor('MirrorMaker to create the mirrored topic', async () => (await withAdmin(kafka, (a) => a.listTopics())).includes(mirrored), 60_000);
    const reader = await readTopics(kafka, 'connect-suite-mirror-reader', [mirrored]);
    try {
      await reader.waitForCount(mirrored, MIRROR_RECORDS, 60_000);
      const got = reader.of(mirrored).map((r) => ({ key: r.key, value: r.value, partition: r.partition }));
      const bySent = (a: { key: string | null }, b: { key: string | null }): number => ((a.key ?? '') < (b.key ?? '') ? -1 : 1);
      expect([...got].sort(bySent)).toEqual([...sent].sort(bySent));
    } finally {
      await reader.stop();
    }

    // The checkpoint connector writes the translated offsets into the same group on the target, which is idle there.
    const expected = [0, 1, 2].map((partition) => ({ partition, offset: String(MIRROR_RECORDS / 3) }));
    let translated: { partition: number; offset: string }[] = [];
    await waitFor(
      'MirrorMaker to translate the group offsets',
      async () => {
        const fetched = await withAdmin(kafka, (a) => a.fetchOffsets({ groupId: MIRROR_GROUP, topics: [mirrored] }));
        translated = (fetched[0]?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition);
        return JSON.stringify(translated) === JSON.stringify(expected);
      },
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: target group offsets ${JSON.stringify(translated)}, expected ${JSON.stringify(expected)}`);
    });
    expect((await withAdmin(kafka, (a) => a.listTopics())).sort()).toEqual(expect.arrayContaining(['heartbeats', 'source.checkpoints.internal']));

    // Nothing MirrorMaker asked of either Eddy failed (before Eddy served DescribeAcls, its topic ACL sync did).
    expect(w.errorLines()).toEqual([]);
  });
});
