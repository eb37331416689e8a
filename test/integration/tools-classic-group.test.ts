// `eddy consume --group --group-protocol classic`: the tool as a classic-protocol member (JoinGroup/SyncGroup, range
// assignor, eager rebalancing), for brokers before Kafka 3.7 and groups of classic clients. Two tool processes
// share a topic's partitions (the first one, as leader, computes the assignment) and a rebalance gives the newcomer
// half of them, with nothing read twice; commits made on revocation and on exit are where the next run resumes; a
// kafkajs consumer (with a range assignor of its own, as the leader) and the tool read one group's partitions
// between them.
import { spawn, type ChildProcessWithoutNullStreams } from 'child_process';
import { AssignerProtocol, type Kafka, type PartitionAssigner } from 'kafkajs';
import { brokerPerSuite, EDDY_BIN } from '../helpers/broker';
import { eddy } from '../helpers/eddy-tools';
import { createTopics, kafkaClient } from '../helpers/kafkajs';
import { waitFor } from '../helpers/wait';

jest.setTimeout(180_000);

const suite = brokerPerSuite({ dataDirPrefix: 'eddy-tools-classic-' });
const b = (): string[] => ['-b', suite.bootstrap];

interface Member {
  readonly child: ChildProcessWithoutNullStreams;
  lines: () => string[];
  stop: () => Promise<number | null>;
}

/** `eddy consume <topic> -g <group> --group-protocol classic --follow`, collecting what it prints. */
function classicMember(topic: string, group: string): Member {
  const child = spawn(
    process.execPath,
    [EDDY_BIN, 'consume', topic, '-g', group, '--group-protocol', 'classic', '--follow', '--print-key', '--key-separator', '=', ...b()],
    {
      stdio: 'pipe',
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines: () => out.split('\n').filter(Boolean),
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      if (code !== 0) throw new Error(`eddy consume exited ${code}: ${err}`);
      return code;
    },
  };
}

interface DescribedGroup {
  readonly type: string;
  readonly state: string;
  readonly protocolType: string;
  readonly members: { readonly assignment: { readonly topic: string; readonly partitions: number[] }[] }[];
}

const describe_ = async (group: string): Promise<DescribedGroup> => (await eddy(['group', 'describe', group, '--json', ...b()])).json<DescribedGroup>();

/** Keyed records `key=value`, one per partition in turn (`-p` per partition), so every partition gets some. */
async function produceSpread(topic: string, partitions: number, from: number, count: number): Promise<string[]> {
  const all: string[] = [];
  for (let p = 0; p < partitions; p++) {
    const lines = Array.from({ length: count }, (_, i) => `p${p}=v${from + i}`);
    const produced = await eddy(['produce', topic, '-p', String(p), '-K', '=', ...b()], lines.join('\n') + '\n');
    expect([produced.code, produced.stderr]).toEqual([0, '']);
    all.push(...lines);
  }
  return all;
}

test('two classic members share the partitions (range assignment by the leader), rebalance without reading twice, and resume from their commits', async () => {
  await createTopics(kafkaClient(suite.bootstrap, 'setup'), [{ topic: 'classic-share', numPartitions: 4 }]);
  const first = await produceSpread('classic-share', 4, 0, 5);
  const a = classicMember('classic-share', 'classic-tools');
  let b2: Member | null = null;
  try {
    await waitFor('the first member to read everything', () => a.lines().length === first.length, 60000);
    expect(await describe_('classic-tools')).toMatchObject({
      type: 'classic',
      state: 'Stable',
      protocolType: 'consumer',
      members: [{ assignment: [{ topic: 'classic-share', partitions: [0, 1, 2, 3] }] }],
    });
    b2 = classicMember('classic-share', 'classic-tools');
    await waitFor(
      'the group to rebalance over two members with two partitions each',
      async () => {
        const g = await describe_('classic-tools');
        return g.state === 'Stable' && g.members.length === 2 && g.members.every((m) => m.assignment[0]?.partitions.length === 2);
      },
      60000,
    );
    const second = await produceSpread('classic-share', 4, 100, 5);
    const b3 = b2;
    await waitFor('both members to read the new records', () => a.lines().length + b3.lines().length === first.length + second.length, 60000);
    // Range assignment in member id order: one member has partitions 0-1, the other 2-3, each reading only its own.
    const partitionsRead = (lines: string[]): string[] => [...new Set(lines.map((l) => l.split('=')[0]))].sort();
    const newByA = a.lines().slice(first.length);
    expect([partitionsRead(newByA), partitionsRead(b3.lines())].sort()).toEqual([
      ['p0', 'p1'],
      ['p2', 'p3'],
    ]);
    expect([...newByA, ...b3.lines()].sort()).toEqual([...second].sort());
  } finally {
    await Promise.all([a.stop(), b2?.stop()]);
  }
  const after = await describe_('classic-tools');
  expect(after).toMatchObject({ state: 'Empty', members: [] });
  // Everything was committed on revocation and on exit: a new run reads only what came since.
  const again = await eddy(['consume', 'classic-share', '-g', 'classic-tools', '--group-protocol', 'classic', ...b()]);
  expect([again.code, again.stdout, again.stderr]).toEqual([0, '', '']);
  await produceSpread('classic-share', 1, 200, 2);
  const resumed = await eddy(['consume', 'classic-share', '-g', 'classic-tools', '--group-protocol', 'classic', ...b()]);
  expect([resumed.code, resumed.stdout, resumed.stderr]).toEqual([0, 'v200\nv201\n', '']);
});

/** kafkajs ships no range assignor: this one assigns as Kafka's RangeAssignor, under the protocol name "range". */
const kafkajsRange: PartitionAssigner = ({ cluster }) => ({
  name: 'range',
  version: 0,
  protocol: ({ topics }) => ({ name: 'range', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) }),
  assign: async ({ members, topics }) => {
    await Promise.resolve();
    const ids = members.map((m) => m.memberId).sort();
    const plan = new Map<string, Record<string, number[]>>(ids.map((id) => [id, {}]));
    for (const topic of topics) {
      const count = cluster.findTopicPartitionMetadata(topic).length;
      const each = Math.floor(count / ids.length);
      const extra = count % ids.length;
      ids.forEach((id, i) => {
        const start = i * each + Math.min(i, extra);
        (plan.get(id) as Record<string, number[]>)[topic] = Array.from({ length: each + (i < extra ? 1 : 0) }, (_, k) => start + k);
      });
    }
    return ids.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: plan.get(memberId) ?? {}, userData: Buffer.alloc(0) }),
    }));
  },
});

test('a kafkajs consumer and the tool share one classic group: each reads its own partitions, every record once', async () => {
  const kafka: Kafka = kafkaClient(suite.bootstrap, 'classic-mixed');
  await createTopics(kafka, [{ topic: 'classic-mixed', numPartitions: 2 }]);
  const consumer = kafka.consumer({ groupId: 'classic-mixed', partitionAssigners: [kafkajsRange], heartbeatInterval: 500, maxWaitTimeInMs: 200 });
  const byKafkajs: string[] = [];
  let tool: Member | null = null;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'classic-mixed', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void byKafkajs.push(`${String(message.key)}=${String(message.value)}`) });
    await waitFor('kafkajs to own the group', async () => (await describe_('classic-mixed')).state === 'Stable', 60000);
    tool = classicMember('classic-mixed', 'classic-mixed');
    await waitFor(
      'the group to rebalance over kafkajs and the tool, one partition each',
      async () => {
        const g = await describe_('classic-mixed');
        return g.state === 'Stable' && g.members.length === 2 && g.members.every((m) => m.assignment[0]?.partitions.length === 1);
      },
      60000,
    );
    const produced = await produceSpread('classic-mixed', 2, 0, 10);
    const t = tool;
    await waitFor('every record to be read', () => byKafkajs.length + t.lines().length === produced.length, 60000);
    expect([...byKafkajs, ...t.lines()].sort()).toEqual([...produced].sort());
    const partitionsOf = (lines: string[]): string[] => [...new Set(lines.map((l) => l.split('=')[0]))];
    expect([partitionsOf(byKafkajs), partitionsOf(t.lines())].sort()).toEqual([['p0'], ['p1']]);
  } finally {
    await tool?.stop();
    await consumer.disconnect();
  }
});

test('--group-protocol takes classic or consumer and goes with --group, each refusal one line and exit code 2', async () => {
  const wrong = await eddy(['consume', 'classic-share', '-g', 'g', '--group-protocol', 'eager', ...b()]);
  expect([wrong.code, wrong.stderr]).toEqual([2, 'eddy consume: --group-protocol must be classic or consumer, got "eager"\n']);
  const alone = await eddy(['consume', 'classic-share', '--group-protocol', 'classic', ...b()]);
  expect([alone.code, alone.stderr]).toEqual([2, 'eddy consume: --group-protocol goes with --group\n']);
});
