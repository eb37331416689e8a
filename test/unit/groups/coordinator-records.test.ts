// The byte layout of the records the group coordinator writes to __consumer_offsets, as Kafka's readers expect it.
import { decodeCoordinatorRecord, groupMetadataKey, groupMetadataValue, offsetCommitKey, offsetCommitValue } from '../../../src/groups/coordinator-records';
import { ConsumerGroup, ConsumerMember } from '../../../src/groups/consumer-group';
import { consumerGroupSnapshot, ConsumerGroupRebuilder } from '../../../src/groups/consumer-group-records';

describe('__consumer_offsets records', () => {
  test('offset commit key: INT16 type 1, then group, topic, partition as v0 strings/int32', () => {
    const key = offsetCommitKey('g', 'tp', 3);
    expect(key.toString('hex')).toBe('0001' + '0001' + '67' + '0002' + '7470' + '00000003');
  });

  test('offset commit value v3 round-trips; an explicit expiry selects v1', () => {
    const value = { offset: 42n, leaderEpoch: 5, metadata: 'meta', commitTimestamp: 1700000000000n, expireTimestamp: null };
    const v3 = offsetCommitValue(value);
    expect(v3.readInt16BE(0)).toBe(3);
    expect(decodeCoordinatorRecord(offsetCommitKey('g', 't', 0), v3)).toEqual({ kind: 'offset', group: 'g', topic: 't', partition: 0, value });

    const expiring = { ...value, leaderEpoch: -1, expireTimestamp: 1700000100000n };
    const v1 = offsetCommitValue(expiring);
    expect(v1.readInt16BE(0)).toBe(1);
    expect(decodeCoordinatorRecord(offsetCommitKey('g', 't', 0), v1)).toMatchObject({ value: expiring });
  });

  test('tombstones decode with a null value', () => {
    expect(decodeCoordinatorRecord(offsetCommitKey('g', 't', 1), null)).toEqual({ kind: 'offset', group: 'g', topic: 't', partition: 1, value: null });
    expect(decodeCoordinatorRecord(groupMetadataKey('g'), null)).toEqual({ kind: 'group', group: 'g', value: null });
  });

  test('group metadata v3 keeps members, assignments and static ids', () => {
    const key = groupMetadataKey('grp');
    expect(key.readInt16BE(0)).toBe(2);
    const value = groupMetadataValue({
      protocolType: 'consumer',
      generation: 7,
      protocol: 'range',
      leader: 'm1',
      currentStateTimestamp: 123n,
      members: [
        {
          memberId: 'm1',
          groupInstanceId: 'i1',
          clientId: 'c',
          clientHost: '/127.0.0.1',
          rebalanceTimeout: 1000,
          sessionTimeout: 500,
          subscription: Buffer.from('s'),
          assignment: Buffer.from('a'),
        },
      ],
    });
    expect(value.readInt16BE(0)).toBe(3);
    const decoded = decodeCoordinatorRecord(key, value);
    expect(decoded.kind).toBe('group');
    if (decoded.kind !== 'group' || decoded.value === null) throw new Error('expected group metadata');
    expect(decoded.value).toMatchObject({ protocolType: 'consumer', generation: 7, protocol: 'range', leader: 'm1', currentStateTimestamp: 123n });
    expect(decoded.value.members[0]).toMatchObject({ memberId: 'm1', groupInstanceId: 'i1', rebalanceTimeout: 1000, sessionTimeout: 500 });
    expect(decoded.value.members[0].assignment.toString()).toBe('a');
  });

  test('KIP-848 consumer group records decode as such; types Eddy does not use are reported as unknown', () => {
    const groupEpochKey = Buffer.from([0x00, 0x03, 0x00, 0x01, 0x67]);
    expect(decodeCoordinatorRecord(groupEpochKey, null)).toEqual({ kind: 'consumer', record: { kind: 'group-epoch', groupId: 'g', epoch: null } });
    const regexKey = Buffer.from([0x00, 0x10, 0x00, 0x01, 0x67]);
    expect(decodeCoordinatorRecord(regexKey, null)).toEqual({ kind: 'unknown', recordType: 16 });
  });
});

/** The groups a snapshot's records rebuild to, as a restart reads them back. */
function rebuild(records: ReturnType<typeof consumerGroupSnapshot>): ConsumerGroup {
  const rebuilder = new ConsumerGroupRebuilder();
  for (const r of records) {
    const decoded = decodeCoordinatorRecord(r.key, r.value);
    if (decoded.kind === 'consumer') rebuilder.apply(decoded.record);
  }
  return rebuilder.build()[0];
}

describe('unknown tagged fields of KIP-848 member records', () => {
  // Kafka 4.3.1 rebuilds these records from its ConsumerGroupMember and drops tags it does not know; Eddy keeps them.
  test('survive a reload and the next write of the member', () => {
    const tags = { metadata: [{ tag: 9, data: Buffer.from('aa', 'hex') }], assignment: [{ tag: 30, data: Buffer.from('newer') }] };
    const group = new ConsumerGroup('g');
    group.groupEpoch = 3;
    group.assignmentEpoch = 3;
    const member = new ConsumerMember('m', null, 'client', '/127.0.0.1');
    member.memberEpoch = 3;
    member.storedTags = tags;
    group.members.set('m', member);
    const reloaded = rebuild(consumerGroupSnapshot(group));
    expect(reloaded.members.get('m')?.storedTags).toEqual(tags);
    const moved = reloaded.members.get('m') as ConsumerMember;
    moved.memberEpoch = 4;
    expect(rebuild(consumerGroupSnapshot(reloaded)).members.get('m')).toMatchObject({ memberEpoch: 4, storedTags: tags });
  });
});

describe('KIP-848 group records: unknown tagged fields and assignment epochs', () => {
  test('the group-epoch, target-epoch and member-target records keep tags a newer broker wrote, on reload and rewrite', () => {
    const groupTags = { groupEpoch: [{ tag: 7, data: Buffer.from('0102', 'hex') }], targetEpoch: [{ tag: 12, data: Buffer.from('later') }] };
    const targetTags = [{ tag: 5, data: Buffer.from('ff', 'hex') }];
    const group = new ConsumerGroup('g');
    group.groupEpoch = 4;
    group.assignmentEpoch = 4;
    group.storedTags = groupTags;
    const member = new ConsumerMember('m', null, 'client', '/127.0.0.1');
    member.memberEpoch = 4;
    member.storedTags = { target: targetTags };
    group.members.set('m', member);
    group.targetAssignment.set('m', new Map([['00000000-0000-0000-0000-000000000001', new Set([0])]]));
    const reloaded = rebuild(consumerGroupSnapshot(group));
    expect(reloaded.storedTags).toEqual(groupTags);
    expect(reloaded.members.get('m')?.storedTags).toEqual({ target: targetTags });
    reloaded.groupEpoch = 5;
    reloaded.assignmentEpoch = 5;
    const again = rebuild(consumerGroupSnapshot(reloaded));
    expect(again).toMatchObject({ groupEpoch: 5, assignmentEpoch: 5, storedTags: groupTags });
    expect(again.members.get('m')?.storedTags).toEqual({ target: targetTags });
    expect(again.targetAssignment.get('m')).toEqual(group.targetAssignment.get('m'));
  });

  test('the epoch each partition was assigned at survives a reload (KIP-1251 AssignmentEpochs)', () => {
    const T = '00000000-0000-0000-0000-000000000001';
    const group = new ConsumerGroup('g');
    group.groupEpoch = 6;
    group.assignmentEpoch = 6;
    const member = new ConsumerMember('m', null, 'client', '/127.0.0.1');
    member.memberEpoch = 6;
    member.assigned = new Map([[T, new Set([0, 1])]]);
    member.pendingRevocation = new Map([[T, new Set([2])]]);
    member.assignmentEpochs = new Map([
      [
        T,
        new Map([
          [0, 3],
          [1, 6],
          [2, 4],
        ]),
      ],
    ]);
    group.members.set('m', member);
    expect(rebuild(consumerGroupSnapshot(group)).members.get('m')?.assignmentEpochs).toEqual(member.assignmentEpochs);
  });
});
