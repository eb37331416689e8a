// The `eddy` tools speak the protocol, not Eddy: the same commands against the reference Apache Kafka (topic
// create and list, produce with keys and compression, consume back as a group member of either protocol, a
// group's offsets, cluster info).
import { eddy } from '../helpers/eddy-tools';
import { describeWithReferenceKafka, startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka';

jest.setTimeout(240_000);

describeWithReferenceKafka('eddy tools against Apache Kafka', () => {
  let kafka: ReferenceKafka | undefined;
  const b = (): string[] => ['-b', kafka?.bootstrap ?? ''];

  beforeAll(async () => {
    kafka = await startReferenceKafka();
  }, 240_000);
  afterAll(async () => {
    await kafka?.stop();
  });

  test('topic create/list/describe, produce, consume, group offsets and cluster info', async () => {
    const created = await eddy(['topic', 'create', 'ref-tools', '-p', '2', '-c', 'retention.ms=3600000', '--json', ...b()]);
    expect([created.code, created.stderr]).toEqual([0, '']);
    expect(created.json()).toMatchObject({ topic: 'ref-tools', created: true, partitions: 2, replicationFactor: 1 });
    const duplicate = await eddy(['topic', 'create', 'ref-tools', ...b()]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/^eddy topic create: TOPIC_ALREADY_EXISTS: topic 'ref-tools'/);
    expect((await eddy(['topic', 'list', ...b()])).stdout.split('\n')).toContain('ref-tools');
    expect((await eddy(['topic', 'describe', 'ref-tools', '--json', ...b()])).json()).toMatchObject([
      { name: 'ref-tools', configs: { 'retention.ms': '3600000' } },
    ]);

    const lines = Array.from({ length: 1000 }, (_, i) => `k${i % 10}=v${i}`);
    const produced = await eddy(['produce', 'ref-tools', '-K', '=', '-z', 'zstd', '--json', ...b()], lines.join('\n') + '\n');
    expect([produced.code, produced.stderr]).toEqual([0, '']);
    const consumed = await eddy(['consume', 'ref-tools', '-g', 'ref-group', '--json', ...b()]);
    expect([consumed.code, consumed.stderr]).toEqual([0, '']);
    const records = consumed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { key: string; value: string });
    expect(records.map((r) => `${r.key}=${r.value}`).sort()).toEqual([...lines].sort());

    const described = (await eddy(['group', 'describe', 'ref-group', '--json', ...b()])).json<{ offsets: { lag: number }[] }>();
    expect(described.offsets.map((o) => o.lag)).toEqual([0, 0]);
    // The classic protocol (JoinGroup/SyncGroup, range assignment computed by the tool as the group's leader).
    const classic = await eddy(['consume', 'ref-tools', '-g', 'ref-classic', '--group-protocol', 'classic', '--json', ...b()]);
    expect([classic.code, classic.stderr]).toEqual([0, '']);
    const classicRecords = classic.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { key: string; value: string });
    expect(classicRecords.map((r) => `${r.key}=${r.value}`).sort()).toEqual([...lines].sort());
    const classicGroup = (await eddy(['group', 'describe', 'ref-classic', '--json', ...b()])).json<{
      type: string;
      state: string;
      offsets: { lag: number }[];
    }>();
    expect(classicGroup).toMatchObject({ type: 'classic', state: 'Empty' });
    expect(classicGroup.offsets.map((o) => o.lag)).toEqual([0, 0]);
    const info = (await eddy(['cluster', 'info', '--json', ...b()])).json<{ brokers: unknown[]; apiVersions: { name: string; shared: number | null }[] }>();
    expect(info.brokers).toHaveLength(1);
    expect(info.apiVersions.find((a) => a.name === 'Fetch')?.shared).toBe(18);
  });
});
