// A Metadata request may name a coordinator's internal topic before any group or transaction needs it, and with
// auto-creation on it creates the topic: it must come out as the coordinator would make it (its partition count,
// compacted), as Kafka's AutoTopicCreationManager does, or the coordinator later finds a one-partition topic.
import { FindCoordinatorRequestCodec } from '../../codecs/generated/FindCoordinatorRequest';
import { FindCoordinatorResponseCodec } from '../../codecs/generated/FindCoordinatorResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { brokersPerTest } from '../helpers/broker';
import { withRawClient } from '../helpers/raw-client';

jest.setTimeout(30000);

const brokers = brokersPerTest();

test.each([
  ['__consumer_offsets', 'offsets.topic.num.partitions'],
  ['__transaction_state', 'transaction.state.log.num.partitions'],
])('Metadata v1 auto-creates %s with its coordinator partitions and compacted', async (topic, partitionsKey) => {
  const { broker } = await brokers.inProcess(brokers.dataDir(), { [partitionsKey]: '4' });
  await withRawClient(broker.port, async (client) => {
    const res = await client.request(MetadataRequestCodec, MetadataResponseCodec, 1, { topics: [{ name: topic }] });
    expect(res.topics.map((t) => [t.errorCode, t.isInternal, t.partitions.length])).toEqual([[0, true, 4]]);
  });
  expect(broker.logs.topic(topic)?.configs).toEqual(expect.objectContaining({ 'cleanup.policy': 'compact' }));
});

test('the group coordinator works on an offsets topic a Metadata request created', async () => {
  const { broker } = await brokers.inProcess(brokers.dataDir(), { 'offsets.topic.num.partitions': '4' });
  await withRawClient(broker.port, async (client) => {
    await client.request(MetadataRequestCodec, MetadataResponseCodec, 1, { topics: [{ name: '__consumer_offsets' }] });
    const found = await client.request(FindCoordinatorRequestCodec, FindCoordinatorResponseCodec, 4, { keyType: 0, coordinatorKeys: ['g'] });
    expect(found.coordinators[0]?.errorCode).toBe(0);
  });
  expect(broker.groups.partitionFor('g')).toBeLessThan(4);
});
