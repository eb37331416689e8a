// kcat (librdkafka) against Eddy: metadata listing, producing keyed records with headers, consuming them back,
// and each compression codec librdkafka offers.
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker';
import { hasCommand, KCAT, run } from '../helpers/tools';

jest.setTimeout(60000);

const describeIfKcat = hasCommand(KCAT) ? describe : describe.skip;
if (!hasCommand(KCAT)) {
  // eslint-disable-next-line no-console
  console.warn('kcat not installed (apt-get install kcat): skipping the kcat suite');
}

describeIfKcat('kcat', () => {
  let broker: Broker;
  let dataDir: string;
  let bootstrap: string;

  beforeAll(async () => {
    ({ broker, dataDir, bootstrap } = await startInProcess());
  });

  afterAll(async () => {
    await broker?.stop();
    removeDir(dataDir);
  });

  test('-L lists the broker and auto-created topics', async () => {
    await run(KCAT, ['-b', bootstrap, '-P', '-t', 'kcat-meta'], 'one\n');
    const res = await run(KCAT, ['-b', bootstrap, '-L', '-t', 'kcat-meta']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`broker ${broker.identity.nodeId} at 127.0.0.1:${broker.port}`);
    expect(res.stdout).toMatch(/topic "kcat-meta" with 1 partitions/);
  });

  test('-P with keys and headers, then -C reads them back', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `key${i % 7}:value-${i}`).join('\n') + '\n';
    const produced = await run(KCAT, ['-b', bootstrap, '-P', '-t', 'kcat-kv', '-K', ':', '-H', 'origin=kcat', '-H', 'n=1'], lines);
    expect(produced.code).toBe(0);
    const consumed = await run(KCAT, [
      '-b', bootstrap, '-C', '-t', 'kcat-kv', '-o', 'beginning', '-e', '-f', '%k|%s|%h|%o\\n',
    ]);
    expect(consumed.code).toBe(0);
    const rows = consumed.stdout.trim().split('\n');
    expect(rows).toHaveLength(500);
    rows.forEach((row, i) => {
      expect(row).toBe(`key${i % 7}|value-${i}|origin=kcat,n=1|${i}`);
    });
  });

  test.each(['gzip', 'snappy', 'lz4', 'zstd'])('-z %s batches round-trip', async (codec) => {
    const topic = `kcat-${codec}`;
    const lines = Array.from({ length: 300 }, (_, i) => `${codec}-record-${i}-${'y'.repeat(50)}`).join('\n') + '\n';
    const produced = await run(KCAT, ['-b', bootstrap, '-P', '-t', topic, '-z', codec], lines);
    expect(produced.code).toBe(0);
    const consumed = await run(KCAT, ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e']);
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toEqual(lines.trim().split('\n'));
  });
});
