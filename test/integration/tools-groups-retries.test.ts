// The `eddy` tools as a client that rides out a misbehaving broker and takes part in a group: produce and consume
// retry through a NOT_LEADER_OR_FOLLOWER burst (fault injection on the in-process broker), produce --idempotent
// writes a batch whose answer was lost once, consume --group is a real member of a KIP-848 group (group describe
// shows it with its assignment, reads it with ConsumerGroupDescribe), and bad combinations are refused in one line.
import { spawn } from 'child_process';
import { brokerPerSuite, EDDY_BIN } from '../helpers/broker';
import { eddy } from '../helpers/eddy-tools';
import { createTopics, kafkaClient } from '../helpers/kafkajs';
import { withRawClient } from '../helpers/raw-client';
import { fetchPartition, values } from '../helpers/txn-requests';
import { waitFor } from '../helpers/wait';

jest.setTimeout(120_000);

const suite = brokerPerSuite({ dataDirPrefix: 'eddy-tools-retries-' });
const b = (): string[] => ['-b', suite.bootstrap];

afterEach(() => suite.broker.faults.clear());

const stored = async (topic: string): Promise<string[]> => values((await withRawClient(suite.broker.port, (c) => fetchPartition(c, topic, 0, 0))).batches);

test('produce and consume retry through a NOT_LEADER_OR_FOLLOWER burst and deliver every record once', async () => {
  await createTopics(kafkaClient(suite.bootstrap, 'setup'), [{ topic: 'tools-burst', numPartitions: 1 }]);
  suite.broker.faults.add({
    id: 'produce-burst',
    match: { api: 'Produce', topic: 'tools-burst' },
    action: { type: 'error', error: 'NOT_LEADER_OR_FOLLOWER' },
    times: 3,
  });
  const produced = await eddy(['produce', 'tools-burst', '--batch-size', '20', ...b()], 'a\nb\nc\nd\n');
  expect([produced.code, produced.stderr]).toEqual([0, '']);
  expect(suite.broker.faults.list()).toEqual([expect.objectContaining({ id: 'produce-burst', fired: 3 })]);
  expect(await stored('tools-burst')).toEqual(['a', 'b', 'c', 'd']);
  suite.broker.faults.add({
    id: 'fetch-burst',
    match: { api: 'Fetch', topic: 'tools-burst' },
    action: { type: 'error', error: 'NOT_LEADER_OR_FOLLOWER' },
    times: 3,
  });
  const consumed = await eddy(['consume', 'tools-burst', ...b()]);
  expect([consumed.code, consumed.stdout, consumed.stderr]).toEqual([0, 'a\nb\nc\nd\n', '']);
  expect(suite.broker.faults.list()).toContainEqual(expect.objectContaining({ id: 'fetch-burst', fired: 3 }));
});

test('a retriable error that does not end fails after --timeout with its Kafka name', async () => {
  await createTopics(kafkaClient(suite.bootstrap, 'setup'), [{ topic: 'tools-stuck', numPartitions: 1 }]);
  suite.broker.faults.add({ match: { api: 'Produce', topic: 'tools-stuck' }, action: { type: 'error', error: 'NOT_LEADER_OR_FOLLOWER' } });
  const produced = await eddy(['produce', 'tools-stuck', '--timeout', '1000', ...b()], 'x\n');
  expect([produced.code, produced.stderr]).toEqual([1, "eddy produce: NOT_LEADER_OR_FOLLOWER: partition 0 of topic 'tools-stuck'\n"]);
});

test('produce --idempotent: a batch whose answer was lost is resent and written once', async () => {
  await createTopics(kafkaClient(suite.bootstrap, 'setup'), [{ topic: 'tools-idem', numPartitions: 1 }]);
  suite.broker.faults.add({ id: 'ack-lost', match: { api: 'Produce', topic: 'tools-idem' }, action: { type: 'drop', when: 'after' }, times: 1 });
  const produced = await eddy(['produce', 'tools-idem', '--idempotent', ...b()], 'one\ntwo\n');
  expect([produced.code, produced.stderr]).toEqual([0, '']);
  expect(suite.broker.faults.list()).toEqual([expect.objectContaining({ id: 'ack-lost', fired: 1 })]);
  expect(await stored('tools-idem')).toEqual(['one', 'two']);
});

test('consume --group joins the group as a KIP-848 member, shows in group describe, commits and leaves', async () => {
  await createTopics(kafkaClient(suite.bootstrap, 'setup'), [{ topic: 'tools-member', numPartitions: 2 }]);
  expect((await eddy(['produce', 'tools-member', '-p', '0', ...b()], 'p0-a\np0-b\n')).code).toBe(0);
  expect((await eddy(['produce', 'tools-member', '-p', '1', ...b()], 'p1-a\n')).code).toBe(0);
  const child = spawn(process.execPath, [EDDY_BIN, 'consume', 'tools-member', '--group', 'tools-kip848', '--follow', ...b()], { stdio: 'pipe' });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor('the member to read every record', () => out.split('\n').length > 3, 30000);
    const live = (await eddy(['group', 'describe', 'tools-kip848', '--json', ...b()])).json<{
      type: string;
      state: string;
      members: { clientId: string; assignment: { topic: string; partitions: number[] }[] }[];
    }>();
    expect(live).toMatchObject({ type: 'consumer', state: 'Stable', protocolType: 'consumer' });
    expect(live.members).toEqual([expect.objectContaining({ clientId: 'eddy-tools', assignment: [{ topic: 'tools-member', partitions: [0, 1] }] })]);
    const refused = await eddy(['group', 'reset-offsets', 'tools-kip848', '--to-earliest', ...b()]);
    expect([refused.code, refused.stderr]).toEqual([
      1,
      "eddy group reset-offsets: NON_EMPTY_GROUP: group 'tools-kip848': offsets can only be reset while the group is inactive, but its state is Stable\n",
    ]);
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  expect(out.split('\n').filter(Boolean).sort()).toEqual(['p0-a', 'p0-b', 'p1-a']);
  const after = (await eddy(['group', 'describe', 'tools-kip848', '--json', ...b()])).json<{ state: string; members: unknown[]; offsets: unknown[] }>();
  expect(after).toMatchObject({ type: 'consumer', state: 'Empty', members: [] });
  expect(after.offsets).toEqual([
    { topic: 'tools-member', partition: 0, currentOffset: 2, logEndOffset: 2, lag: 0, memberId: null },
    { topic: 'tools-member', partition: 1, currentOffset: 1, logEndOffset: 1, lag: 0, memberId: null },
  ]);
  // A second run of the group starts where the first committed: nothing left to read.
  const again = await eddy(['consume', 'tools-member', '--group', 'tools-kip848', ...b()]);
  expect([again.code, again.stdout]).toEqual([0, '']);
});

test('bad input: --idempotent without acks all, --partition with --group, each one line and exit code 2', async () => {
  const idempotent = await eddy(['produce', 'tools-burst', '--idempotent', '--acks', '1', ...b()], 'x\n');
  expect([idempotent.code, idempotent.stderr]).toEqual([2, 'eddy produce: --idempotent needs --acks all, as Kafka requires for idempotence\n']);
  const grouped = await eddy(['consume', 'tools-burst', '--group', 'g', '--partition', '0', ...b()]);
  expect([grouped.code, grouped.stderr]).toEqual([2, 'eddy consume: --partition cannot be used with --group: the group assigns the partitions\n']);
});
