// `startBroker()` as a test uses it: a broker on a free loopback port in a temp dir that stop() deletes, the
// options that reach the broker's config, the topic helpers, the HTTP console on request, and the ESM entry.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { promisify } from 'util';
import { startBroker, type RunningBroker } from '../../../src/index';
import { BrokerConfigKeys } from '../../../src/config/broker-config';
import { ErrorCode, KafkaError } from '../../../codecs/protocol/errors';
import { kafkaClient } from '../../helpers/kafkajs';
import { removeDir, tempDataDir } from '../../helpers/broker';

jest.setTimeout(30000);

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Stops what a test started, also when it fails. */
const started: RunningBroker[] = [];
afterEach(async () => {
  for (const broker of started.splice(0)) await broker.stop();
});

async function start(options: Parameters<typeof startBroker>[0] = {}): Promise<RunningBroker> {
  const broker = await startBroker(options);
  started.push(broker);
  return broker;
}

test('a broker on 127.0.0.1 and a free port, in a temp dir that stop() deletes; stop() twice is harmless', async () => {
  const eddy = await start();
  expect(eddy.bootstrap).toBe(`127.0.0.1:${eddy.port}`);
  expect(eddy.brokers).toEqual([eddy.bootstrap]);
  expect(eddy.listeners).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: eddy.port, advertised: eddy.bootstrap }]);
  expect(eddy.httpUrl).toBeNull();
  expect(fs.existsSync(path.join(eddy.dataDir, 'meta.properties'))).toBe(true);
  expect(eddy.readyInfo()).toEqual({ bootstrap: eddy.bootstrap, listeners: eddy.listeners, http: null, pid: process.pid });
  await eddy.stop();
  await eddy.stop();
  expect(fs.existsSync(eddy.dataDir)).toBe(false);
});

test('kafkajs produces to it and consumes back from it', async () => {
  const eddy = await start();
  const kafka = kafkaClient(eddy.bootstrap, 'kit-test');
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'kit-group' });
  try {
    await producer.connect();
    await producer.send({ topic: 'kit-orders', messages: [{ key: 'k', value: 'v1' }, { value: 'v2' }] });
    await consumer.connect();
    await consumer.subscribe({ topic: 'kit-orders', fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            values.push(String(message.value));
            if (values.length === 2) resolve();
          },
        })
        .catch(reject);
    });
    expect(values).toEqual(['v1', 'v2']);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
});

test('options reach the broker config: Kafka names, partitions, auto-creation', async () => {
  const eddy = await start({ configs: { 'log.retention.ms': 60000, 'log.cleaner.enable': false }, partitions: 3, autoCreateTopics: false });
  const config = eddy.broker.config;
  expect(config.get(BrokerConfigKeys.NUM_PARTITIONS)).toBe(3);
  expect(config.get(BrokerConfigKeys.AUTO_CREATE_TOPICS_ENABLE)).toBe(false);
  expect(config.staticValue('log.retention.ms')).toBe('60000');
  expect(config.staticValue('log.cleaner.enable')).toBe('false');
  expect(await eddy.broker.topics.autoCreate('nope')).toBeUndefined();
});

test('a given data dir is used and kept on stop, and the next broker finds its topics there', async () => {
  const dataDir = tempDataDir('eddy-kit-');
  try {
    const first = await start({ dataDir });
    await first.createTopic('kept', 2);
    await first.stop();
    expect(fs.existsSync(path.join(dataDir, 'meta.properties'))).toBe(true);
    const second = await start({ dataDir });
    expect(second.broker.topics.get('kept')?.partitions).toBe(2);
  } finally {
    for (const broker of started.splice(0)) await broker.stop();
    removeDir(dataDir);
  }
});

test('createTopic and deleteTopic follow CreateTopics and DeleteTopics rules', async () => {
  const eddy = await start({ partitions: 4 });
  const created = await eddy.createTopic('compacted', 2, { 'cleanup.policy': 'compact' });
  expect(created).toEqual({ name: 'compacted', topicId: expect.any(String), partitions: 2 });
  expect(eddy.broker.topics.get('compacted')?.configs).toEqual({ 'cleanup.policy': 'compact' });
  expect((await eddy.createTopic('defaulted')).partitions).toBe(4);
  const exists = eddy.createTopic('compacted');
  await expect(exists).rejects.toBeInstanceOf(KafkaError);
  await expect(exists).rejects.toMatchObject({ code: ErrorCode.TOPIC_ALREADY_EXISTS });
  await expect(eddy.createTopic('bad', 1, { 'cleanup.policy': 'sometimes' })).rejects.toMatchObject({ code: ErrorCode.INVALID_CONFIG });
  await eddy.deleteTopic('compacted');
  expect(eddy.broker.topics.get('compacted')).toBeUndefined();
  await expect(eddy.deleteTopic('compacted')).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
});

test('the HTTP console only when asked for, on a free loopback port, closed by stop()', async () => {
  const eddy = await start({ http: true });
  expect(eddy.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${eddy.httpUrl}/health`);
  expect(res.status).toBe(200);
  await eddy.stop();
  await expect(fetch(`${eddy.httpUrl}/health`)).rejects.toThrow();
});

test('faults is the broker’s own fault-injection API, whatever this build has', async () => {
  const eddy = await start();
  expect(eddy.faults).toBe((eddy.broker as unknown as { faults?: unknown }).faults);
});

test('a start that fails leaves no temp dir behind', async () => {
  // os.tmpdir() follows TMPDIR: a dir of the test's own, where nothing else runs, shows what the start left.
  const tmp = tempDataDir('eddy-kit-tmp-');
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    await expect(startBroker({ configs: { 'num.partitions': 'many' } })).rejects.toThrow(/num.partitions/);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const takenPort = (blocker.address() as net.AddressInfo).port;
    await expect(startBroker({ port: takenPort })).rejects.toThrow(/EADDRINUSE/);
    blocker.close();
    expect(fs.readdirSync(tmp)).toEqual([]);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    removeDir(tmp);
  }
});

test("import { startBroker } from 'eddy' works from an ES module, as require('eddy') does", async () => {
  const script = [
    "import { startBroker, Broker } from 'eddy';",
    "import eddy from 'eddy';",
    "import * as named from 'eddy';",
    'const running = await startBroker();',
    'const esmNames = Object.keys(named).filter((name) => name !== "default").sort();',
    'const cjsNames = Object.keys(eddy).filter((name) => name !== "__esModule").sort();',
    'const facts = { bootstrap: running.bootstrap, isBroker: running.broker instanceof Broker, sameAsCjs: eddy.startBroker === startBroker, esmNames, cjsNames };',
    'await running.stop();',
    'console.log(JSON.stringify(facts));',
  ].join('\n');
  // The package resolves itself by name from inside its own directory (package.json "exports").
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 20000 });
  const facts = JSON.parse(stdout) as { bootstrap: string; isBroker: boolean; sameAsCjs: boolean; esmNames: string[]; cjsNames: string[] };
  // Every value the CommonJS entry exports is a named export of the ESM one (esm/index.mjs lists them).
  expect(facts.esmNames).toEqual(facts.cjsNames);
  expect(facts.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
  expect(facts.isBroker).toBe(true);
  expect(facts.sameAsCjs).toBe(true);
});
