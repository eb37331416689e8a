// librdkafka's transactional producer through python3-confluent-kafka (Debian's python): init, commit, abort,
// send_offsets_to_transaction from a consumer's group metadata, then read_committed and read_uncommitted
// consumers read the topic back and the committed offset is fetched.
import { startInProcess, removeDir } from '../helpers/broker';
import type { Broker } from '../../src/broker/broker';
import { DEBIAN_PYTHON, pythonHasModule, run } from '../helpers/tools';

const available = pythonHasModule('confluent_kafka');
const describeIfPython = available ? describe : describe.skip;
if (!available) {
  console.warn('python3-confluent-kafka not installed (apt-get install python3-confluent-kafka): skipping');
}

jest.setTimeout(90000);

const SCRIPT = `
import json, sys
from confluent_kafka import Producer, Consumer, TopicPartition, OFFSET_BEGINNING

bootstrap, topic = sys.argv[1], sys.argv[2]
p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'py-tx', 'transaction.timeout.ms': 30000})
p.init_transactions(20)
p.begin_transaction()
p.produce(topic, b'py-c1')
p.produce(topic, b'py-c2')
p.commit_transaction(20)
p.begin_transaction()
p.produce(topic, b'py-a1')
p.flush(20)
p.abort_transaction(20)
p.begin_transaction()
p.produce(topic, b'py-c3')
group = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'py-group', 'enable.auto.commit': False})
p.send_offsets_to_transaction([TopicPartition(topic, 0, 7)], group.consumer_group_metadata(), 20)
p.commit_transaction(20)
group.close()

def read(isolation):
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'reader-' + isolation, 'isolation.level': isolation,
                  'enable.partition.eof': True, 'enable.auto.commit': False})
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    got = []
    for _ in range(200):
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                break
            raise Exception(str(m.error()))
        got.append(m.value().decode())
    c.close()
    return got

committed_reader = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'py-group', 'isolation.level': 'read_committed'})
offset = committed_reader.committed([TopicPartition(topic, 0)], 20)[0].offset
committed_reader.close()
print(json.dumps({'committed': read('read_committed'), 'uncommitted': read('read_uncommitted'), 'offset': offset}))
`;

describeIfPython('confluent-kafka transactional producer', () => {
  let broker: Broker;
  let dataDir: string;
  let bootstrap: string;

  beforeAll(async () => {
    ({ broker, dataDir, bootstrap } = await startInProcess(undefined, {
      'transaction.state.log.num.partitions': '3',
      'offsets.topic.num.partitions': '3',
    }));
    await broker.logs.createTopic('py-txn', 1);
  });

  afterAll(async () => {
    await broker?.stop();
    removeDir(dataDir);
  });

  test('commits, aborts and sends offsets; read_committed sees only committed records', async () => {
    const result = await run(DEBIAN_PYTHON, ['-c', SCRIPT, bootstrap, 'py-txn'], '', 80000);
    if (result.code !== 0) throw new Error(`python exited ${result.code}: ${result.stderr}`);
    const out = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { committed: string[]; uncommitted: string[]; offset: number };
    expect(out.uncommitted).toEqual(['py-c1', 'py-c2', 'py-a1', 'py-c3']);
    expect(out.committed).toEqual(['py-c1', 'py-c2', 'py-c3']);
    expect(out.offset).toBe(7);
    expect(broker.transactions.describe('py-tx')?.state).toBe('CompleteCommit');
  });
});
