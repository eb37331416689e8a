// Kafka Streams 4.4.0 against Eddy (issue 17): test/compat/java/streams runs a topology with a groupBy through a
// repartition topic, a key-value and a windowed count with their changelogs, and exactly_once_v2. Input is fed
// while the Streams JVM is stopped with SIGTERM, restarted, killed with SIGKILL mid-transaction and restarted
// again; the outputs, read with read_committed, must hold exactly one update per input record (every user's
// counts run 1, 2, … n with no gap and no repeat), and the internal topics must carry the configs Streams asked for.
import { Kafka, Producer } from 'kafkajs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTopics, kafkaClient, withAdmin } from '../helpers/kafkajs';
import { waitFor } from '../helpers/wait';
import { describeClient } from './support/compat-clients';
import { startEddy, RunningEddy } from './support/eddy';
import { javaModuleProblem, JavaProcess, spawnJava } from './support/java';
import { readTopics, topicConfigs, TopicReader, valuesByKey } from './support/topic-reader';

jest.setTimeout(180000);

const APP_ID = 'eddy-streams';
const INPUT = 'streams-activity';
const COUNTS = 'streams-user-counts';
const WINDOW_COUNTS = 'streams-user-window-counts';
const PARTITIONS = 3;
const USERS = 7;
const WINDOW_MS = 10_000;
/** The app's window: 10 s with 1 h of grace; Streams adds its default 1 day of changelog retention. */
const WINDOW_CHANGELOG_RETENTION_MS = WINDOW_MS + 3_600_000 + 86_400_000;
/** Input records are 50 ms of event time apart, so each 10 s window holds 200 of them. */
const EVENT_STEP_MS = 50;
const BATCH = 10;
const BATCH_EVERY_MS = 100;

interface InputEvent {
  readonly user: string;
  readonly timestamp: number;
}

/** Feeds input records in small batches until stopped, remembering each one for the expected outputs. */
class Feeder {
  readonly sent: InputEvent[] = [];
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly producer: Producer,
    private readonly baseTimestamp: number,
  ) {}

  async send(count: number): Promise<void> {
    const messages = [];
    for (let i = 0; i < count; i++) {
      const index = this.sent.length;
      const event = { user: `user-${index % USERS}`, timestamp: this.baseTimestamp + index * EVENT_STEP_MS };
      this.sent.push(event);
      messages.push({ key: `event-${index}`, value: event.user, timestamp: String(event.timestamp) });
    }
    await this.producer.send({ topic: INPUT, messages });
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.send(BATCH);
        await new Promise((r) => setTimeout(r, BATCH_EVERY_MS));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** For every key, the updates an exact run produces: 1, 2, … up to that key's number of input records. */
function expectedUpdates(events: readonly InputEvent[], keyOf: (event: InputEvent) => string): Map<string, string[]> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(keyOf(event), (counts.get(keyOf(event)) ?? 0) + 1);
  const out = new Map<string, string[]>();
  for (const [key, n] of counts)
    out.set(
      key,
      Array.from({ length: n }, (_, i) => String(i + 1)),
    );
  return out;
}

function sorted(map: Map<string, string[]>): [string, string[]][] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

describeClient('Kafka Streams 4.4.0', [javaModuleProblem('streams')], () => {
  let eddy: RunningEddy;
  let kafka: Kafka;
  let stateDir: string;
  let streams: JavaProcess | undefined;
  const printed: string[] = [];

  beforeAll(async () => {
    eddy = await startEddy();
    kafka = kafkaClient(eddy.bootstrap, 'streams-suite');
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-streams-state-'));
    await createTopics(
      kafka,
      [INPUT, COUNTS, WINDOW_COUNTS].map((topic) => ({ topic, numPartitions: PARTITIONS })),
    );
  });

  afterAll(async () => {
    await streams?.stop();
    await eddy?.stop();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  /** Starts the Streams JVM and waits until it has joined its group and owns its tasks. */
  async function startStreams(): Promise<JavaProcess> {
    let running = false;
    const process = spawnJava('streams', 'eddy.compat.streams.UserActivityApp', [eddy.bootstrap, APP_ID, stateDir], {
      timeoutMs: 150_000,
      onLine: (line) => {
        printed.push(line);
        if (line === 'STATE RUNNING') running = true;
      },
    });
    streams = process;
    try {
      await waitFor('Kafka Streams to reach RUNNING', () => running || process.child.exitCode !== null, 60_000);
    } catch (err) {
      await process.stop();
      throw err;
    }
    if (!running) throw new Error(`Kafka Streams exited before RUNNING:\n${(await process.result).stderr}`);
    return process;
  }

  function explain(run: { stdout: string; stderr: string }): string {
    return `Kafka Streams printed:\n${run.stdout}\n${run.stderr.split('\n').slice(-60).join('\n')}`;
  }

  test('exactly_once_v2 output stays exact across a SIGTERM and a SIGKILL mid-stream', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const reader: TopicReader = await readTopics(kafka, 'streams-suite-verifier', [COUNTS, WINDOW_COUNTS]);
    // Event time starts on a window boundary a little in the past, so the windowed changelog's retention keeps it.
    const feeder = new Feeder(producer, Math.floor((Date.now() - 600_000) / WINDOW_MS) * WINDOW_MS);
    try {
      await feeder.send(300);
      let current = await startStreams();
      feeder.start();

      // A graceful stop while input keeps arriving: Streams commits its open transaction and closes.
      await reader.waitForCount(COUNTS, 400, 60_000);
      const graceful = await current.stop();
      expect(graceful.stdout).toContain('CLOSED');

      current = await startStreams();
      const beforeKill = reader.of(COUNTS).length;
      await reader.waitForCount(COUNTS, beforeKill + 300, 60_000);
      // A hard kill leaves a transaction open; the restarted producer (same transactional.id) must fence it.
      current.child.kill('SIGKILL');
      const killed = await current.result;
      expect(killed.stdout).not.toContain('CLOSED');

      current = await startStreams();
      const afterKill = reader.of(COUNTS).length;
      await reader.waitForCount(COUNTS, afterKill + 300, 60_000);
      await feeder.stop();

      const total = feeder.sent.length;
      try {
        await reader.waitForCount(COUNTS, total, 60_000);
        await reader.waitForCount(WINDOW_COUNTS, total, 60_000);
      } catch (err) {
        const detail = `read ${reader.of(COUNTS).length} of ${total}\n${explain(await current.stop())}`;
        throw new Error(`${(err as Error).message}; ${detail}`, { cause: err });
      }
      // A duplicate committed after the last expected record would show here.
      await new Promise((r) => setTimeout(r, 1000));
      expect(sorted(valuesByKey(reader.of(COUNTS)))).toEqual(sorted(expectedUpdates(feeder.sent, (e) => e.user)));
      const windowKey = (e: InputEvent): string => `${e.user}@${Math.floor(e.timestamp / WINDOW_MS) * WINDOW_MS}`;
      expect(sorted(valuesByKey(reader.of(WINDOW_COUNTS)))).toEqual(sorted(expectedUpdates(feeder.sent, windowKey)));
      expect(printed.filter((line) => line.startsWith('FAILED'))).toEqual([]);
    } finally {
      await feeder.stop();
      await reader.stop();
      await producer.disconnect();
    }
  });

  test('the repartition and changelog topics carry the configs Streams asked for', async () => {
    const topics = await withAdmin(kafka, (admin) => admin.listTopics());
    const repartition = `${APP_ID}-by-user-repartition`;
    const counts = `${APP_ID}-user-counts-changelog`;
    const windowCounts = `${APP_ID}-user-window-counts-changelog`;
    expect(topics).toEqual(expect.arrayContaining([repartition, counts, windowCounts]));

    expect(await topicConfigs(kafka, repartition, ['cleanup.policy', 'segment.bytes', 'retention.ms'])).toEqual({
      'cleanup.policy': 'delete',
      'segment.bytes': '52428800',
      'retention.ms': '-1',
    });
    expect(await topicConfigs(kafka, counts, ['cleanup.policy', 'message.timestamp.type'])).toEqual({
      'cleanup.policy': 'compact',
      'message.timestamp.type': 'CreateTime',
    });
    expect(await topicConfigs(kafka, windowCounts, ['cleanup.policy', 'retention.ms', 'message.timestamp.type'])).toEqual({
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(WINDOW_CHANGELOG_RETENTION_MS),
      'message.timestamp.type': 'CreateTime',
    });

    // Streams sizes internal topics after its input, and purges consumed repartition records with DeleteRecords.
    const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(repartition));
    expect(offsets).toHaveLength(PARTITIONS);
    expect(offsets.some((p) => Number(p.low) > 0)).toBe(true);
  });
});
