// Rack awareness with one broker: `broker.rack` is what Metadata and DescribeCluster report for the node, so classic
// clients' rack-aware assignors (KIP-881) see every replica in that rack; KIP-848 members' rackIds are kept and
// described. Kafka 4.3's server-side assignors ignore racks, so a member's rack changes nothing in its assignment.
import { ConsumerGroupDescribeRequestCodec } from '../../codecs/generated/ConsumerGroupDescribeRequest';
import { ConsumerGroupDescribeResponseCodec } from '../../codecs/generated/ConsumerGroupDescribeResponse';
import { ConsumerGroupHeartbeatRequestCodec } from '../../codecs/generated/ConsumerGroupHeartbeatRequest';
import { ConsumerGroupHeartbeatResponseCodec } from '../../codecs/generated/ConsumerGroupHeartbeatResponse';
import { DescribeClusterRequestCodec } from '../../codecs/generated/DescribeClusterRequest';
import { DescribeClusterResponseCodec } from '../../codecs/generated/DescribeClusterResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { brokerPerSuite } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';

jest.setTimeout(60000);

describe('broker.rack and member racks', () => {
  let raw: RawClient | undefined;
  const eddy = brokerPerSuite({ overrides: { 'broker.rack': 'rack-1' }, dataDirPrefix: 'eddy-groups-rack-', beforeStop: async () => raw?.close() });
  const client = (): RawClient => {
    if (!raw) throw new Error('not connected');
    return raw;
  };

  beforeAll(async () => {
    await eddy.broker.topics.create({ name: 'racked', numPartitions: 4, replicationFactor: 1, configs: {} });
    raw = await RawClient.connect(eddy.broker.port);
  });

  test('Metadata and DescribeCluster report the broker rack', async () => {
    const metadata = await client().request(MetadataRequestCodec, MetadataResponseCodec, 12, { topics: null, allowAutoTopicCreation: false });
    expect(metadata.brokers.map((b) => b.rack)).toEqual(['rack-1']);
    const cluster = await client().request(DescribeClusterRequestCodec, DescribeClusterResponseCodec, 1, { includeClusterAuthorizedOperations: false });
    expect(cluster.brokers.map((b) => b.rack)).toEqual(['rack-1']);
  });

  test("a KIP-848 member's rack is described and does not change what the assignor gives", async () => {
    const join = (memberId: string, rackId: string) =>
      client().request(ConsumerGroupHeartbeatRequestCodec, ConsumerGroupHeartbeatResponseCodec, 1, {
        groupId: 'racked-group',
        memberId,
        memberEpoch: 0,
        rackId,
        rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: ['racked'],
        topicPartitions: [],
      });
    expect((await join('in-rack', 'rack-1')).errorCode).toBe(0);
    expect((await join('elsewhere', 'rack-2')).errorCode).toBe(0);
    const described = await client().request(ConsumerGroupDescribeRequestCodec, ConsumerGroupDescribeResponseCodec, 1, { groupIds: ['racked-group'] });
    const members = [...described.groups[0].members].sort((a, b) => a.memberId.localeCompare(b.memberId));
    expect(members.map((m) => [m.memberId, m.rackId])).toEqual([
      ['elsewhere', 'rack-2'],
      ['in-rack', 'rack-1'],
    ]);
    // Two partitions each, as without racks: the uniform assignor balances by count only.
    expect(members.map((m) => m.targetAssignment.topicPartitions[0].partitions.length)).toEqual([2, 2]);
  });
});
