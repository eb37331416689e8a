// Classic consumer groups with kafkajs members: partitions shared exactly once between two and three members,
// rebalances when members join and leave, a member that dies silently expelled after its session timeout, and a
// restarted consumer resuming from committed offsets.
import { JoinGroupRequestCodec } from '../../codecs/generated/JoinGroupRequest';
import { JoinGroupResponseCodec } from '../../codecs/generated/JoinGroupResponse';
import { SyncGroupRequestCodec } from '../../codecs/generated/SyncGroupRequest';
import { SyncGroupResponseCodec } from '../../codecs/generated/SyncGroupResponse';
import { HeartbeatRequestCodec } from '../../codecs/generated/HeartbeatRequest';
import { HeartbeatResponseCodec } from '../../codecs/generated/HeartbeatResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { consumeOnceAndLeave, expectExactlyOnce, expectResumeFromCommitted, kafkajsGroupsSuite, oneMemberGroup, produceKeyed } from '../helpers/groups';
import { waitFor } from '../helpers/wait';
import { subscriptionMetadata } from '../helpers/consumer-protocol';
import { RawClient } from '../helpers/raw-client';

jest.setTimeout(60000);

describe('consumer groups with kafkajs', () => {
  const s = kafkajsGroupsSuite('eddy-groups-');

  test('two members share a 6-partition topic and consume every record exactly once', async () => {
    const topic = await s.newTopic();
    const h = s.harness('two-members', topic);
    const started = Date.now();
    await h.add('a');
    await h.add('b');
    await waitFor('two members to settle', () => h.settled(6));
    const settleMs = Date.now() - started;
    // Reported in the test log: how long a two-member kafkajs group takes to settle on Eddy.
    process.stdout.write(`two-member kafkajs group settled in ${settleMs} ms\n`);
    expect(h.consumers.map((c) => c.assigned.length)).toEqual([3, 3]);

    const produced = await produceKeyed(s.producer, topic, 'two', 120);
    await waitFor('all records consumed', () => h.consumedKeys().length >= produced.length);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce(h.consumedKeys(), produced);
    for (const c of h.consumers) {
      expect(c.consumed.length).toBeGreaterThan(0);
      expect(c.consumed.every((m) => c.assigned.includes(m.partition))).toBe(true);
    }
  });

  test('three members share a 6-partition topic and consume every record exactly once', async () => {
    const topic = await s.newTopic();
    const h = s.harness('three-members', topic);
    await h.add('a');
    await h.add('b');
    await h.add('c');
    await waitFor('three members to settle', () => h.settled(6));
    expect(h.consumers.map((c) => c.assigned.length)).toEqual([2, 2, 2]);

    const produced = await produceKeyed(s.producer, topic, 'three', 90);
    await waitFor('all records consumed', () => h.consumedKeys().length >= produced.length);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce(h.consumedKeys(), produced);
    expect(h.consumers.every((c) => c.consumed.length > 0)).toBe(true);
  });

  test('the group rebalances when a member joins and when one leaves', async () => {
    const { topic, harness: h, member: a } = await oneMemberGroup(s, 'join-leave');
    expect(a.assigned).toEqual([0, 1, 2, 3, 4, 5]);
    const first = await produceKeyed(s.producer, topic, 'first', 30);
    await waitFor('first records consumed', () => h.consumedKeys().length >= 30);

    const joinStarted = Date.now();
    const b = await h.add('b');
    await waitFor('split between two members', () => h.settled(6) && b.assigned.length === 3);
    process.stdout.write(`a second kafkajs member joining a stable group settled in ${Date.now() - joinStarted} ms\n`);
    expect(a.assigned.length).toBe(3);
    const second = await produceKeyed(s.producer, topic, 'second', 30);
    await waitFor('second records consumed', () => h.consumedKeys().length >= 60);

    await h.stop(b);
    await waitFor('the remaining member to own everything again', () => a.assigned.length === 6);
    const third = await produceKeyed(s.producer, topic, 'third', 30);
    await waitFor('third records consumed', () => h.consumedKeys().length >= 90);
    await new Promise((r) => setTimeout(r, 300));
    expectExactlyOnce(h.consumedKeys(), [...first, ...second, ...third]);
  });

  test('a member that dies without leaving is expelled after its session timeout', async () => {
    const groupId = 'silent-death';
    const { topic, member: a } = await oneMemberGroup(s, groupId);

    // A raw member joins, receives its assignment, then never heartbeats again (as a crashed process would).
    const raw = await RawClient.connect(s.broker.port);
    try {
      const join = (memberId: string) =>
        raw.request(JoinGroupRequestCodec, JoinGroupResponseCodec, 5, {
          groupId,
          sessionTimeoutMs: 1500,
          rebalanceTimeoutMs: 10000,
          memberId,
          protocolType: 'consumer',
          protocols: [{ name: 'RoundRobinAssigner', metadata: subscriptionMetadata([topic]) }],
        });
      const first = await join('');
      expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
      const joined = await join(first.memberId);
      expect(joined.errorCode).toBe(ErrorCode.NONE);
      const synced = await raw.request(SyncGroupRequestCodec, SyncGroupResponseCodec, 3, {
        groupId,
        generationId: joined.generationId,
        memberId: joined.memberId,
        assignments: [],
      });
      expect(synced.errorCode).toBe(ErrorCode.NONE);
      await waitFor('kafkajs member to give up half', () => a.assigned.length === 3);
      expect(s.broker.groups.group(groupId)?.has(joined.memberId)).toBe(true);

      await waitFor('the silent member to be expelled and kafkajs to own everything', () => a.assigned.length === 6, 15000);
      expect(s.broker.groups.group(groupId)?.has(joined.memberId)).toBe(false);
      const hb = await raw.request(HeartbeatRequestCodec, HeartbeatResponseCodec, 3, {
        groupId,
        generationId: joined.generationId,
        memberId: joined.memberId,
      });
      expect(hb.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    } finally {
      raw.close();
    }
  });

  test('a restarted consumer resumes from the committed offsets', async () => {
    const topic = await s.newTopic();
    const groupId = 'resume-after-restart';
    await consumeOnceAndLeave(s, groupId, topic, 'before', 40);
    await expectResumeFromCommitted(s, groupId, topic, 'after', 25);
  });
});
