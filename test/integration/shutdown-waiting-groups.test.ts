// A broker stopping while a JoinGroup waits for a rebalance: Kafka unloads the group at once and answers the
// waiting member NOT_COORDINATOR, so the client moves on and the broker does not sit out its drain timeout.
import { JoinGroupRequestCodec } from '../../codecs/generated/JoinGroupRequest';
import { JoinGroupResponseCodec } from '../../codecs/generated/JoinGroupResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { RawClient } from '../helpers/raw-client';
import { removeDir, startInProcess } from '../helpers/broker';
import { GROUP_BROKER_OVERRIDES } from '../helpers/groups';
import { subscriptionMetadata } from '../helpers/consumer-protocol';

jest.setTimeout(60000);

test('a JoinGroup waiting in a rebalance is answered NOT_COORDINATOR when the broker stops, before its connection closes', async () => {
  const { broker, dataDir } = await startInProcess(undefined, { ...GROUP_BROKER_OVERRIDES, 'group.initial.rebalance.delay.ms': '0' });
  const first = await RawClient.connect(broker.port);
  const second = await RawClient.connect(broker.port);
  try {
    const join = (client: RawClient, memberId: string) =>
      client.request(JoinGroupRequestCodec, JoinGroupResponseCodec, 5, {
        groupId: 'stopping-broker',
        sessionTimeoutMs: 30000,
        rebalanceTimeoutMs: 30000,
        memberId,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscriptionMetadata(['t']) }],
      });
    const firstId = (await join(first, '')).memberId;
    expect((await join(first, firstId)).errorCode).toBe(ErrorCode.NONE);
    // A second member's join starts a rebalance that waits (up to 30 s) for the first member to join again.
    const secondId = (await join(second, '')).memberId;
    const waiting = join(second, secondId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Before the connections are cut (after the 5 s drain), the waiter must have had its answer.
    await broker.stop();
    expect((await waiting).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  } finally {
    first.close();
    second.close();
    await broker.stop();
    removeDir(dataDir);
  }
});
