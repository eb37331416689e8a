// kcat 1.7 (librdkafka) against Eddy: metadata listing, 10,000 keyed records with headers produced with -P and
// read back both with -C and with a balanced consumer group (-G), committed offsets surviving a restart of the
// group consumer, each compression codec (-z), librdkafka's idempotent producer, and auto.offset.reset applied to
// an offset past the end.
import { KCAT, run, RunResult } from '../helpers/tools';
import { describeClient, executableProblem } from './support/compat-clients';
import { startEddy, RunningEddy } from './support/eddy';
import { expectStoredCodec } from './support/stored-batches';
import { ConsumedRecord, ExpectedRecord, expectedRecords, indexFromValue, verifyConsumed } from './support/keyed-records';

jest.setTimeout(120000);

/** kcat's -f format: fields joined by a separator that never occurs in the test records. */
const FORMAT = '%p|%o|%k|%s|%h\\n';

function parseRows(stdout: string): ConsumedRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [partition, offset, key, value, headerText] = line.split('|');
      const headers: Record<string, string> = {};
      for (const pair of (headerText ?? '').split(',').filter((p) => p.length > 0)) {
        const eq = pair.indexOf('=');
        headers[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return { partition: Number(partition), offset, key, value, headers };
    });
}

function kcatInput(records: readonly ExpectedRecord[]): string {
  return records.map((r) => `${r.key}:${r.value}`).join('\n') + '\n';
}

function expectOk(res: RunResult): void {
  if (res.code !== 0) throw new Error(`kcat exited with ${res.code}: ${res.stderr}`);
}

describeClient('kcat', [executableProblem(KCAT, 'apt-get install kcat')], () => {
  let eddy: RunningEddy;
  let bootstrap: string;

  beforeAll(async () => {
    eddy = await startEddy({ 'num.partitions': '3' });
    bootstrap = eddy.bootstrap;
  });

  afterAll(async () => {
    await eddy?.stop();
  });

  async function produce(topic: string, records: readonly ExpectedRecord[], extra: string[] = []): Promise<void> {
    // -H puts the same headers on every record, so all records of one call share them.
    const headerArgs = Object.entries(records[0].headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
    expectOk(await run(KCAT, ['-b', bootstrap, '-P', '-t', topic, '-K', ':', ...headerArgs, ...extra], kcatInput(records), 60000));
  }

  async function consumeGroup(topic: string, group: string): Promise<ConsumedRecord[]> {
    const res = await run(KCAT, ['-b', bootstrap, '-G', group, '-X', 'auto.offset.reset=earliest', '-e', '-f', FORMAT, topic], '', 60000);
    expectOk(res);
    return parseRows(res.stdout);
  }

  test('-L lists the broker and an auto-created 3-partition topic', async () => {
    expectOk(await run(KCAT, ['-b', bootstrap, '-P', '-t', 'kcat-meta'], 'one\n'));
    const res = await run(KCAT, ['-b', bootstrap, '-L', '-t', 'kcat-meta']);
    expectOk(res);
    expect(res.stdout).toContain(`broker ${eddy.nodeId} at 127.0.0.1:${eddy.port}`);
    expect(res.stdout).toMatch(/topic "kcat-meta" with 3 partitions/);
  });

  test('-P 10,000 keyed records with headers; -C reads each partition back in order', async () => {
    const records = expectedRecords(10000, 'kcat', { indexHeader: false });
    await produce('kcat-kv', records);
    const consumed: ConsumedRecord[] = [];
    for (const partition of [0, 1, 2]) {
      const res = await run(KCAT, ['-b', bootstrap, '-C', '-t', 'kcat-kv', '-p', String(partition), '-o', 'beginning', '-e', '-f', FORMAT]);
      expectOk(res);
      consumed.push(...parseRows(res.stdout));
    }
    expect(verifyConsumed(records, consumed, indexFromValue).partitionsSeen).toBe(3);
  });

  test('-G consumes 10,000 keyed records with headers through a consumer group', async () => {
    const records = expectedRecords(10000, 'kcat-group', { indexHeader: false });
    await produce('kcat-group', records);
    expect(verifyConsumed(records, await consumeGroup('kcat-group', 'kcat-group-1'), indexFromValue).partitionsSeen).toBe(3);
  });

  test('-G commits offsets: a restarted group consumer reads only what was produced since', async () => {
    const first = expectedRecords(300, 'kcat-resume', { indexHeader: false });
    const second = expectedRecords(200, 'kcat-resume', { first: 300, indexHeader: false });
    await produce('kcat-resume', first);
    verifyConsumed(first, await consumeGroup('kcat-resume', 'kcat-resume-group'), indexFromValue);
    await produce('kcat-resume', second);
    verifyConsumed(second, await consumeGroup('kcat-resume', 'kcat-resume-group'), indexFromValue);
  });

  test.each(['gzip', 'snappy', 'lz4', 'zstd'])('-z %s batches round-trip', async (codec) => {
    const topic = `kcat-${codec}`;
    const records = expectedRecords(2000, `kcat-${codec}`, { indexHeader: false });
    await produce(topic, records, ['-z', codec]);
    verifyConsumed(records, await consumeGroup(topic, `${topic}-group`), indexFromValue);
    await expectStoredCodec(eddy.port, topic, codec);
  });

  test('-C from an offset past the end gets OFFSET_OUT_OF_RANGE and auto.offset.reset=earliest reads from the start', async () => {
    const records = expectedRecords(20, 'kcat-past-end', { indexHeader: false });
    await produce('kcat-past-end', records, ['-p', '0']);
    const args = ['-b', bootstrap, '-C', '-t', 'kcat-past-end', '-p', '0', '-o', '1000', '-X', 'auto.offset.reset=earliest', '-c', '20', '-f', FORMAT];
    const res = await run(KCAT, args, '', 30000);
    expectOk(res);
    expect(parseRows(res.stdout).map((r) => Number(r.offset))).toEqual(records.map((_, i) => i));
  });

  test('idempotent producer (enable.idempotence=true)', async () => {
    const records = expectedRecords(2000, 'kcat-idempotent', { indexHeader: false });
    await produce('kcat-idempotent', records, ['-X', 'enable.idempotence=true']);
    verifyConsumed(records, await consumeGroup('kcat-idempotent', 'kcat-idempotent-group'), indexFromValue);
  });
});
