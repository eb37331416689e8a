// Consumer groups seen from outside: kafkajs admin operations on a group (describe, list, fetch/reset/set
// offsets, delete), committed offsets and generations surviving a broker restart, and librdkafka and kafka-python
// consumers committing as group members.
import { DEBIAN_PYTHON, pythonHasModule, run } from '../helpers/tools';
import { consumeOnceAndLeave, expectResumeFromCommitted, kafkajsGroupsSuite, oneMemberGroup, produceKeyed } from '../helpers/groups';
import { waitFor } from '../helpers/wait';

jest.setTimeout(60000);

describe('consumer group administration and other clients', () => {
  const s = kafkajsGroupsSuite('eddy-groups-admin-');

  test('admin: describeGroups, listGroups, fetchOffsets, resetOffsets, setOffsets, deleteGroups', async () => {
    const groupId = 'admin-ops';
    const { topic, harness: h, member: c } = await oneMemberGroup(s, groupId);
    await produceKeyed(s.producer, topic, 'adm', 60);
    await waitFor('records consumed', () => h.consumedKeys().length >= 60);
    await waitFor('offsets committed', async () => {
      const fetched = await s.admin.fetchOffsets({ groupId, topics: [topic] });
      return fetched[0].partitions.reduce((n, p) => n + Number(p.offset), 0) === 60;
    });

    const described = await s.admin.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(described.groups[0].members).toHaveLength(1);
    expect(described.groups[0].members[0].memberAssignment.length).toBeGreaterThan(0);

    const listed = await s.admin.listGroups();
    expect(listed.groups).toEqual(expect.arrayContaining([{ groupId, protocolType: 'consumer' }]));

    // Deleting or resetting a group with members is refused.
    await expect(s.admin.deleteGroups([groupId])).rejects.toThrow();
    await expect(s.admin.resetOffsets({ groupId, topic, earliest: true })).rejects.toThrow();

    await h.stop(c);
    await waitFor('group to become empty', async () => (await s.admin.describeGroups([groupId])).groups[0].state === 'Empty');

    // kafkajs commits the logical offsets -2 (earliest) and -1 (latest), stored as given, as Kafka does.
    await s.admin.resetOffsets({ groupId, topic, earliest: true });
    let fetched = await s.admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions.map((p) => p.offset)).toEqual(['-2', '-2', '-2', '-2', '-2', '-2']);
    // Explicit offsets are honoured by the next consumer, even one that would otherwise start at the end.
    await s.admin.setOffsets({ groupId, topic, partitions: [0, 1, 2, 3, 4, 5].map((partition) => ({ partition, offset: '0' })) });
    const again = s.harness(groupId, topic);
    await again.add('re-reader', { fromBeginning: false });
    await waitFor('everything re-read from the set offsets', () => again.consumedKeys().length >= 60);
    await again.stopAll();
    expect(new Set(again.consumedKeys()).size).toBe(60);
    fetched = await s.admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(60);

    const deleted = await s.admin.deleteGroups([groupId]);
    expect(deleted).toEqual([{ groupId, errorCode: 0 }]);
    fetched = await s.admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0].partitions.every((p) => p.offset === '-1')).toBe(true);
    expect((await s.admin.describeGroups([groupId])).groups[0].state).toBe('Dead');
    expect((await s.admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
    await expect(s.admin.deleteGroups(['never-existed'])).rejects.toThrow();
  });

  test('committed offsets and group generations survive a broker restart', async () => {
    const topic = await s.newTopic();
    const groupId = 'survives-restart';
    await consumeOnceAndLeave(s, groupId, topic, 'pre', 30);
    const committed = await s.admin.fetchOffsets({ groupId, topics: [topic] });
    const generation = s.broker.groups.group(groupId)?.generationId;
    expect(generation).toBeGreaterThan(0);

    await s.restart();

    expect(await s.admin.fetchOffsets({ groupId, topics: [topic] })).toEqual(committed);
    expect(s.broker.groups.group(groupId)?.generationId).toBe(generation);
    expect(s.broker.groups.group(groupId)?.state).toBe('Empty');

    await expectResumeFromCommitted(s, groupId, topic, 'post', 20);
    expect(s.broker.groups.group(groupId)?.generationId).toBeGreaterThan(generation ?? 0);
  });

  // librdkafka (through confluent-kafka) and kafka-python each run a group consumer that commits synchronously.
  const pythonClients: Array<[string, string, (bootstrap: string, topic: string, group: string) => string]> = [
    [
      'librdkafka (confluent-kafka)',
      'confluent_kafka',
      (bootstrap, topic, group) => `
import time
from confluent_kafka import Consumer
c = Consumer({'bootstrap.servers': '${bootstrap}', 'group.id': '${group}', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
c.subscribe(['${topic}'])
n = 0
deadline = time.time() + 20
while n < 30 and time.time() < deadline:
    m = c.poll(0.2)
    if m is None or m.error():
        continue
    n += 1
c.commit(asynchronous=False)
print(n, len(c.assignment()))
c.close()
`,
    ],
    [
      'kafka-python',
      'kafka',
      (bootstrap, topic, group) => `
from kafka import KafkaConsumer
c = KafkaConsumer('${topic}', bootstrap_servers='${bootstrap}', group_id='${group}', auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=10000)
n = 0
for m in c:
    n += 1
    if n >= 30:
        break
c.commit()
print(n, len(c.assignment()))
c.close()
`,
    ],
  ];
  for (const [name, module, script] of pythonClients) {
    const testIfModule = pythonHasModule(module) ? test : test.skip;
    testIfModule(`${name} consumes as a group member and commits its offsets`, async () => {
      const topic = await s.newTopic();
      const groupId = `python-${module}`;
      await produceKeyed(s.producer, topic, module, 30);
      const result = await run(DEBIAN_PYTHON, ['-c', script(`127.0.0.1:${s.broker.port}`, topic, groupId)], '', 40000);
      expect(result.stdout.trim()).toBe('30 6');
      const committed = await s.admin.fetchOffsets({ groupId, topics: [topic] });
      expect(committed[0].partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(30);
      expect((await s.admin.describeGroups([groupId])).groups[0].state).toBe('Empty');
    });
  }
});
