// Kafka's own command-line tools (kafka-tools 4.4.0, the main classes behind bin/kafka-*.sh) against Eddy: topics,
// console producer and consumer with keys and headers, consumer-groups (lag, a live member, offset resets), configs,
// get-offsets, transactions (after kafka-producer-perf-test's transactional run), log-dirs and delete-records; then,
// with Eddy stopped, kafka-dump-log reads Eddy's own segment, offset-index, time-index and producer-snapshot files
// and finds Kafka's format in them: the records Eddy stored at their offsets, and indexes that pass its checks.
import * as fs from 'fs';
import * as path from 'path';
import { Broker } from '../../src/broker/broker';
import { removeDir, startInProcess, tempDataDir } from '../helpers/broker';
import { describeClient } from './support/compat-clients';
import { javaModuleProblem, spawnJava } from './support/java';
import { KAFKA_TOOLS_VERSION, KafkaTools, TOOL, TOOLS_MODULE, parseConfigLines, parseFields, parseTable } from './support/kafka-tools';

jest.setTimeout(60_000);

interface ConsumedLine {
  readonly timestamp: number;
  readonly partition: number;
  readonly offset: number;
  readonly headers: string;
  readonly key: string;
  readonly value: string;
}

/** Console consumer lines with print.timestamp/partition/offset/headers/key, tab-separated in that order. */
function parseConsumed(stdout: string): ConsumedLine[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('CreateTime:'))
    .map((line) => {
      const [ts, partition, offset, headers, key, value] = line.split('\t');
      return {
        timestamp: Number(ts.slice('CreateTime:'.length)),
        partition: Number(partition.slice('Partition:'.length)),
        offset: Number(offset.slice('Offset:'.length)),
        headers,
        key,
        value,
      };
    });
}

/** The `name: value` pairs of one kafka-dump-log line (values in this suite never hold spaces). */
function dumpFields(line: string): Map<string, string> {
  return new Map([...line.matchAll(/(\w+): (\S+)/g)].map((m) => [m[1], m[2]]));
}

function dumpLines(stdout: string, startsWith: string): Array<Map<string, string>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(startsWith))
    .map(dumpFields);
}

interface DumpedBatch {
  readonly base: number;
  readonly last: number;
  readonly position: number;
  readonly size: number;
  readonly maxTimestamp: string;
  readonly codec: string | undefined;
  readonly valid: string | undefined;
}

/** `count` lines for the console producer with parse.headers and parse.key: headers, key, value, tab-separated. */
function producerInput(from: number, count: number): string {
  return Array.from({ length: count }, (_, j) => `idx:${from + j},src:tools\tkey-${(from + j) % 5}\tvalue-${from + j}\n`).join('');
}

describeClient(`Kafka command-line tools ${KAFKA_TOOLS_VERSION}`, [javaModuleProblem(TOOLS_MODULE)], () => {
  let broker: Broker | undefined;
  let dataDir: string;
  let bootstrap: string;
  let nodeId: number;
  let tools: KafkaTools;
  const consumed: ConsumedLine[] = [];

  beforeAll(async () => {
    dataDir = tempDataDir('eddy-kafka-tools-');
    const started = await startInProcess(dataDir, { 'num.partitions': '1' });
    broker = started.broker;
    bootstrap = started.bootstrap;
    nodeId = broker.identity.nodeId;
    tools = new KafkaTools();
  });

  afterAll(async () => {
    await tools?.close();
    await broker?.stop();
    if (dataDir !== undefined) removeDir(dataDir);
  });

  const withServer = (args: readonly string[]): string[] => ['--bootstrap-server', bootstrap, ...args];
  const topics = (...args: string[]): Promise<string> => tools.ok(TOOL.topics, withServer(args));
  const groups = (...args: string[]): Promise<string> => tools.ok(TOOL.consumerGroups, withServer(args));
  const configs = (...args: string[]): Promise<string> => tools.ok(TOOL.configs, withServer(args));
  const offsetsAt = async (topic: string, time: string): Promise<string[]> =>
    (await tools.ok(TOOL.getOffsets, withServer(['--topic', topic, '--time', time]))).trim().split('\n');

  async function produce(topic: string, from: number, count: number, extra: string[] = []): Promise<void> {
    const props = ['--reader-property', 'parse.key=true', '--reader-property', 'parse.headers=true'];
    await tools.ok(TOOL.consoleProducer, withServer(['--topic', topic, ...props, ...extra]), { input: producerInput(from, count) });
  }

  async function consume(topic: string, count: number, group: string[]): Promise<ConsumedLine[]> {
    const printed = ['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key'].flatMap((p) => ['--formatter-property', `${p}=true`]);
    const args = ['--topic', topic, '--from-beginning', '--max-messages', String(count), '--timeout-ms', '20000', ...group, ...printed];
    return parseConsumed(await tools.ok(TOOL.consoleConsumer, withServer(args)));
  }

  test('kafka-topics: --create with configs and partitions, --list, --describe, --alter --partitions, --delete', async () => {
    expect(
      await topics('--create', '--topic', 'tools-t', '--partitions', '3', '--config', 'retention.ms=3600000', '--config', 'max.message.bytes=200000'),
    ).toContain('Created topic tools-t.');
    await topics('--create', '--topic', 'tools-doomed', '--partitions', '1');
    expect((await topics('--list')).split('\n')).toEqual(expect.arrayContaining(['tools-t', 'tools-doomed']));

    const described = (await topics('--describe', '--topic', 'tools-t')).split('\n').filter((l) => l.length > 0);
    const head = parseFields(described[0]);
    expect(head.get('Topic')).toBe('tools-t');
    expect(head.get('PartitionCount')).toBe('3');
    expect(head.get('ReplicationFactor')).toBe('1');
    // Every config not at its default: min.insync.replicas is a cluster-wide dynamic default, as on a formatted Kafka node.
    expect(head.get('Configs')?.split(',').sort()).toEqual(['max.message.bytes=200000', 'min.insync.replicas=1', 'retention.ms=3600000']);
    const partitions = described.slice(1).map(parseFields);
    expect(partitions.map((p) => [p.get('Partition'), p.get('Leader'), p.get('Replicas'), p.get('Isr')])).toEqual(
      [0, 1, 2].map((p) => [String(p), String(nodeId), String(nodeId), String(nodeId)]),
    );

    await topics('--alter', '--topic', 'tools-t', '--partitions', '5');
    expect(parseFields((await topics('--describe', '--topic', 'tools-t')).split('\n')[0]).get('PartitionCount')).toBe('5');

    await topics('--delete', '--topic', 'tools-doomed');
    const listed = (await topics('--list')).split('\n');
    expect(listed).toContain('tools-t');
    expect(listed).not.toContain('tools-doomed');
  });

  test('console producer with keys and headers; console consumer in a group prints them with offsets', async () => {
    await topics('--create', '--topic', 'tools-kv', '--partitions', '1');
    await produce('tools-kv', 0, 50);
    const first = await consume('tools-kv', 50, ['--group', 'tools-group']);
    expect(first.map((r) => [r.partition, r.offset, r.headers, r.key, r.value])).toEqual(
      Array.from({ length: 50 }, (_, i) => [0, i, `idx:${i},src:tools`, `key-${i % 5}`, `value-${i}`]),
    );
    consumed.push(...first);
  });

  test('kafka-consumer-groups: --list, --describe with lag, --reset-offsets (earliest, offset, datetime), --delete', async () => {
    expect((await groups('--list')).split('\n')).toContain('tools-group');
    const lagOf = async (): Promise<string[]> => {
      const rows = parseTable(await groups('--describe', '--group', 'tools-group'), 'GROUP');
      expect(rows.map((r) => [r.GROUP, r.TOPIC, r.PARTITION])).toEqual([['tools-group', 'tools-kv', '0']]);
      return [rows[0]['CURRENT-OFFSET'], rows[0]['LOG-END-OFFSET'], rows[0].LAG];
    };
    expect(await lagOf()).toEqual(['50', '50', '0']);

    // A later second run, so that a datetime separates the two runs' records.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await produce('tools-kv', 50, 10);
    expect(await lagOf()).toEqual(['50', '60', '10']);
    const all = await consume('tools-kv', 60, []);
    expect(all.map((r) => r.value)).toEqual(Array.from({ length: 60 }, (_, i) => `value-${i}`));
    consumed.splice(0, consumed.length, ...all);

    const reset = async (...how: string[]): Promise<string> => {
      const rows = parseTable(await groups('--reset-offsets', '--group', 'tools-group', '--topic', 'tools-kv', ...how, '--execute'), 'GROUP');
      expect(rows.map((r) => [r.TOPIC, r.PARTITION])).toEqual([['tools-kv', '0']]);
      return rows[0]['NEW-OFFSET'];
    };
    expect(await reset('--to-earliest')).toBe('0');
    expect(await lagOf()).toEqual(['0', '60', '60']);
    expect(await reset('--to-offset', '25')).toBe('25');
    expect(await lagOf()).toEqual(['25', '60', '35']);
    const secondRun = new Date(all[50].timestamp).toISOString();
    expect(all[49].timestamp).toBeLessThan(all[50].timestamp);
    expect(await reset('--to-datetime', secondRun)).toBe('50');
    expect(await lagOf()).toEqual(['50', '60', '10']);

    expect(await groups('--delete', '--group', 'tools-group')).toContain("Deletion of requested consumer groups ('tools-group') was successful.");
    expect((await groups('--list')).split('\n')).not.toContain('tools-group');
  });

  test('kafka-consumer-groups --describe shows a live console consumer: member columns, state, members', async () => {
    // The live member runs in a JVM of its own, as it must poll while the runner's JVM describes its group.
    const live = spawnJava(TOOLS_MODULE, TOOL.consoleConsumer, withServer(['--topic', 'tools-kv', '--group', 'tools-live', '--timeout-ms', '30000']), {
      timeoutMs: 60_000,
    });
    try {
      let state: Record<string, string> | undefined;
      for (let attempt = 0; attempt < 40 && state?.STATE !== 'Stable'; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const out = await tools.run(TOOL.consumerGroups, withServer(['--describe', '--group', 'tools-live', '--state']));
        state = out.code === 0 && out.stdout.includes('COORDINATOR') ? parseTable(out.stdout, 'GROUP')[0] : undefined;
      }
      expect(state).toMatchObject({ GROUP: 'tools-live', 'ASSIGNMENT-STRATEGY': 'range', STATE: 'Stable', '#MEMBERS': '1' });
      const [row] = parseTable(await groups('--describe', '--group', 'tools-live'), 'GROUP');
      expect(row).toMatchObject({ TOPIC: 'tools-kv', PARTITION: '0', 'LOG-END-OFFSET': '60', HOST: '/127.0.0.1', 'CLIENT-ID': 'console-consumer' });
      expect(row['CONSUMER-ID']).toMatch(/^console-consumer-[0-9a-f-]{36}$/);
      const [member] = parseTable(await groups('--describe', '--group', 'tools-live', '--members', '--verbose'), 'GROUP');
      expect(member).toMatchObject({ 'CONSUMER-ID': row['CONSUMER-ID'], '#PARTITIONS': '1', 'CURRENT-ASSIGNMENT': 'tools-kv:0' });
    } finally {
      await live.stop();
    }
  });

  test('kafka-configs: --describe and --alter for a topic, --describe for the broker', async () => {
    const topicConfigs = async (): Promise<Map<string, string>> =>
      parseConfigLines(await configs('--entity-type', 'topics', '--entity-name', 'tools-t', '--describe'));
    expect(await topicConfigs()).toEqual(
      new Map([
        ['max.message.bytes', '200000'],
        ['retention.ms', '3600000'],
      ]),
    );
    expect(
      await configs(
        '--entity-type',
        'topics',
        '--entity-name',
        'tools-t',
        '--alter',
        '--add-config',
        'retention.ms=7200000,cleanup.policy=compact',
        '--delete-config',
        'max.message.bytes',
      ),
    ).toContain('Completed updating config for topic tools-t.');
    expect(await topicConfigs()).toEqual(
      new Map([
        ['cleanup.policy', 'compact'],
        ['retention.ms', '7200000'],
      ]),
    );

    const brokerOut = await configs('--entity-type', 'brokers', '--entity-name', String(nodeId), '--describe', '--all');
    expect(brokerOut).toContain(`All configs for broker ${nodeId} are:`);
    const broker = parseConfigLines(brokerOut);
    expect(broker.get('log.dirs')).toBe(dataDir);
    expect(broker.get('num.partitions')).toBe('1');
    expect(broker.get('node.id')).toBe(String(nodeId));
  });

  test('kafka-configs: --alter --entity-default for brokers sets a cluster-wide default topics inherit; --delete-config restores it', async () => {
    await topics('--create', '--topic', 'tools-dyn', '--partitions', '1');
    const brokerDefault = ['--entity-type', 'brokers', '--entity-default'];
    const topicAll = async (): Promise<Map<string, string>> =>
      parseConfigLines(await configs('--entity-type', 'topics', '--entity-name', 'tools-dyn', '--describe', '--all'));
    expect(await configs(...brokerDefault, '--alter', '--add-config', 'log.retention.ms=5400000')).toContain(
      'Completed updating default config for brokers in the cluster.',
    );
    const described = await configs(...brokerDefault, '--describe');
    expect(described).toContain('Default configs for brokers in the cluster are:');
    expect(described).toContain('log.retention.ms=5400000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=5400000}');
    expect((await topicAll()).get('retention.ms')).toBe('5400000');

    const readOnly = await tools.run(TOOL.configs, withServer([...brokerDefault, '--alter', '--add-config', 'num.partitions=4']));
    expect(readOnly.stdout + readOnly.stderr).toContain('Cannot update these configs dynamically: [num.partitions]');

    expect(await configs(...brokerDefault, '--alter', '--delete-config', 'log.retention.ms')).toContain(
      'Completed updating default config for brokers in the cluster.',
    );
    expect((await topicAll()).get('retention.ms')).toBe('604800000');
  });

  test('kafka-get-offsets: latest (-1), earliest (-2), max timestamp (-3) and a timestamp', async () => {
    expect(await offsetsAt('tools-kv', '-1')).toEqual(['tools-kv:0:60']);
    expect(await offsetsAt('tools-kv', '-2')).toEqual(['tools-kv:0:0']);
    expect(await offsetsAt('tools-kv', String(consumed[50].timestamp))).toEqual(['tools-kv:0:50']);
    const maxTs = Math.max(...consumed.map((r) => r.timestamp));
    expect(await offsetsAt('tools-kv', '-3')).toEqual([`tools-kv:0:${consumed.findIndex((r) => r.timestamp === maxTs)}`]);
  });

  test('kafka-transactions: list, describe and describe-producers after a transactional kafka-producer-perf-test', async () => {
    await topics('--create', '--topic', 'tools-txn', '--partitions', '1');
    const perf = [
      '--topic',
      'tools-txn',
      '--num-records',
      '20',
      '--record-size',
      '16',
      '--throughput',
      '-1',
      '--transactional-id',
      'tools-tx',
      '--transaction-duration-ms',
      '60000',
    ];
    expect(await tools.ok(TOOL.producerPerfTest, withServer(perf))).toMatch(/^20 records sent/m);

    const txn = (...args: string[]): Promise<Array<Record<string, string>>> =>
      tools
        .ok(TOOL.transactions, withServer(args))
        .then((out) => parseTable(out, args[0] === 'describe-producers' ? 'ProducerId' : args[0] === 'list' ? 'TransactionalId' : 'CoordinatorId'));
    const listed = (await txn('list')).filter((r) => r.TransactionalId === 'tools-tx');
    expect(listed).toEqual([
      { TransactionalId: 'tools-tx', Coordinator: String(nodeId), ProducerId: expect.stringMatching(/^\d+$/), TransactionState: 'CompleteCommit' },
    ]);
    const producerId = listed[0].ProducerId;
    const [described] = await txn('describe', '--transactional-id', 'tools-tx');
    expect(described).toMatchObject({
      CoordinatorId: String(nodeId),
      TransactionalId: 'tools-tx',
      ProducerId: producerId,
      ProducerEpoch: '1',
      TransactionState: 'CompleteCommit',
      TransactionTimeoutMs: '60000',
    });
    // Transaction protocol 2 (the 4.x producer against transaction.version 2): the commit marker moved the producer
    // to the next epoch, whose sequences start afresh, as Kafka 4.x reports it.
    const producers = await txn('describe-producers', '--topic', 'tools-txn', '--partition', '0');
    expect(producers).toEqual([
      expect.objectContaining({ ProducerId: producerId, ProducerEpoch: '1', LastSequence: '-1', CurrentTransactionStartOffset: 'None' }),
    ]);
  });

  test('kafka-log-dirs --describe reports the data dir and each partition size', async () => {
    const out = await tools.ok(TOOL.logDirs, withServer(['--describe', '--topic-list', 'tools-kv,tools-txn']));
    const json = JSON.parse(out.split('\n').find((l) => l.startsWith('{')) ?? 'null') as {
      brokers: Array<{
        broker: number;
        logDirs: Array<{ logDir: string; error: string | null; partitions: Array<{ partition: string; size: number; offsetLag: number; isFuture: boolean }> }>;
      }>;
    };
    expect(json.brokers.map((b) => b.broker)).toEqual([nodeId]);
    const [dir] = json.brokers[0].logDirs;
    expect(dir.logDir).toBe(dataDir);
    expect(dir.error).toBeNull();
    const onDisk = (p: string): number =>
      fs
        .readdirSync(path.join(dataDir, p))
        .filter((f) => f.endsWith('.log'))
        .reduce((sum, f) => sum + fs.statSync(path.join(dataDir, p, f)).size, 0);
    expect(dir.partitions.map((p) => [p.partition, p.size, p.offsetLag, p.isFuture]).sort()).toEqual(
      ['tools-kv-0', 'tools-txn-0'].map((p) => [p, onDisk(p), 0, false]),
    );
  });

  test('kafka-delete-records with its JSON file moves the log start offset', async () => {
    const file = path.join(dataDir, '..', `${path.basename(dataDir)}-delete-records.json`);
    fs.writeFileSync(file, JSON.stringify({ partitions: [{ topic: 'tools-kv', partition: 0, offset: 10 }], version: 1 }));
    try {
      const out = await tools.ok(TOOL.deleteRecords, withServer(['--offset-json-file', file]));
      expect(out).toMatch(/partition: tools-kv-0\s+low_watermark: 10/);
    } finally {
      fs.rmSync(file, { force: true });
    }
    expect(await offsetsAt('tools-kv', '-2')).toEqual(['tools-kv:0:10']);
  });

  /** One segment's batches as kafka-dump-log prints them, checked to tile the file from its base offset. */
  async function dumpSegment(
    log: string,
    dump: (...args: string[]) => Promise<string>,
  ): Promise<{ records: Array<Map<string, string>>; batches: DumpedBatch[] }> {
    const out = await dump(log, '--deep-iteration', '--print-data-log');
    const batches = dumpLines(out, 'baseOffset:').map((b) => ({
      base: Number(b.get('baseOffset')),
      last: Number(b.get('lastOffset')),
      position: Number(b.get('position')),
      size: Number(b.get('size')),
      maxTimestamp: b.get('CreateTime') ?? '',
      codec: b.get('compresscodec'),
      valid: b.get('isvalid'),
    }));
    let position = 0;
    let next = Number(path.basename(log, '.log'));
    for (const b of batches) {
      expect([b.base, b.position, b.codec, b.valid]).toEqual([next, position, 'lz4', 'true']);
      position += b.size;
      next = b.last + 1;
    }
    expect(position).toBe(fs.statSync(log).size);
    return { records: dumpLines(out, '| offset:'), batches };
  }

  test('kafka-dump-log reads the segments, offset and time indexes and producer snapshots Eddy wrote', async () => {
    // segment.ms rolls at the second run's first batch (its timestamp is past the first batch's by more than that).
    const segmentMs = 1000;
    await topics('--create', '--topic', 'tools-dump', '--partitions', '1', '--config', 'index.interval.bytes=200', '--config', `segment.ms=${segmentMs}`);
    const smallLz4Batches = ['--compression-codec', 'lz4', '--command-property', 'batch.size=400', '--command-property', 'linger.ms=0'];
    await produce('tools-dump', 0, 200, smallLz4Batches);
    await new Promise((resolve) => setTimeout(resolve, segmentMs + 100));
    await produce('tools-dump', 200, 100, smallLz4Batches);
    // Stopped, Eddy has written its indexes and the closing time-index entry, as Kafka does at shutdown.
    await broker?.stop();
    broker = undefined;
    const dir = path.join(dataDir, 'tools-dump-0');
    const dump = (...args: string[]): Promise<string> => tools.ok(TOOL.dumpLog, ['--files', ...args]);
    const segments = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => path.join(dir, f.slice(0, -'.log'.length)));
    expect(segments.length).toBeGreaterThanOrEqual(2);

    const records: Array<Map<string, string>> = [];
    let offsetIndexEntries = 0;
    for (const segment of segments) {
      const dumped = await dumpSegment(`${segment}.log`, dump);
      records.push(...dumped.records);
      const { batches } = dumped;
      const indexFiles = `${segment}.index,${segment}.timeindex`;
      const indexes = await tools.run(TOOL.dumpLog, ['--files', indexFiles]);
      expect(indexes.code).toBe(0);
      expect(indexes.stderr + indexes.stdout).not.toMatch(/not found|Mismatch|out of order|failed/i);
      const offsetEntries = dumpLines(indexes.stdout, 'offset:').map((e) => [Number(e.get('offset')), Number(e.get('position'))]);
      for (const entry of offsetEntries) expect(batches.map((b) => [b.last, b.position])).toContainEqual(entry);
      offsetIndexEntries += offsetEntries.length;
      const timeEntries = dumpLines(indexes.stdout, 'timestamp:').map((e) => [Number(e.get('offset')), e.get('timestamp')]);
      expect(timeEntries.length).toBeGreaterThanOrEqual(1);
      for (const entry of timeEntries) expect(batches.map((b) => [b.last, b.maxTimestamp])).toContainEqual(entry);
      // The segment's closing entry carries its max timestamp.
      expect(timeEntries[timeEntries.length - 1][1]).toBe(String(Math.max(...batches.map((b) => Number(b.maxTimestamp)))));

      const verified = await tools.run(TOOL.dumpLog, ['--files', indexFiles, '--verify-index-only']);
      expect([verified.code, verified.stderr.trim()]).toEqual([0, '']);
      expect(verified.stdout).not.toMatch(/not found|Mismatch|out of order/i);
      const sanity = await dump(indexFiles, '--index-sanity-check');
      expect(sanity).toContain(`${segment}.index passed sanity check.`);
      expect(sanity).toContain(`${segment}.timeindex passed sanity check.`);
    }
    expect(records.map((r) => [r.get('offset'), r.get('headerKeys'), r.get('key'), r.get('payload')])).toEqual(
      Array.from({ length: 300 }, (_, i) => [String(i), '[idx,src]', `key-${i % 5}`, `value-${i}`]),
    );
    // The batches (about 280 bytes each) outgrow index.interval.bytes=200 again and again: the indexes have entries.
    expect(offsetIndexEntries).toBeGreaterThan(segments.length);

    // Snapshots at rolls and at shutdown, as Kafka takes them. Each console producer run is its own producer: the
    // first wrote offsets 0-199 (sequences 0-199), the second 200-299 (sequences 0-99).
    const producersAt = (offset: number): string[][] => [
      ...(offset > 0 ? [['0', String(Math.min(offset, 200) - 1), String(Math.min(offset, 200) - 1)]] : []),
      ...(offset > 200 ? [['0', String(offset - 201), String(offset - 1)]] : []),
    ];
    const snapshots = fs.readdirSync(dir).filter((f) => f.endsWith('.snapshot'));
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    expect(snapshots).toContain(`${'300'.padStart(20, '0')}.snapshot`);
    for (const snapshot of snapshots) {
      const offset = Number(snapshot.slice(0, -'.snapshot'.length));
      const producers = dumpLines(await dump(path.join(dir, snapshot)), 'producerId:')
        .map((p) => [p.get('producerEpoch') ?? '', p.get('lastSequence') ?? '', p.get('lastOffset') ?? ''])
        .sort((a, b) => Number(a[2]) - Number(b[2]));
      expect(producers).toEqual(producersAt(offset));
    }

    const txnLog = await dump(path.join(dataDir, 'tools-txn-0', `${'0'.repeat(20)}.log`), '--deep-iteration');
    const txnBatches = dumpLines(txnLog, 'baseOffset:').map((b) => [b.get('baseOffset'), b.get('lastOffset'), b.get('isTransactional'), b.get('isControl')]);
    expect(txnBatches[txnBatches.length - 1]).toEqual(['20', '20', 'true', 'true']);
    expect(dumpLines(txnLog, '| offset: 20').map((r) => r.get('endTxnMarker'))).toEqual(['COMMIT']);
  });
});
