// Differential scenarios for classic consumer groups as members live them: the join/sync/heartbeat/commit/leave
// dance at the versions each client sends, and the errors a member meets on the way (stale generations, unknown
// or fenced members, bad join parameters). Each scenario owns its group and topic names.
import type { Scenario, Step } from './harness';
import {
  assignmentBytes,
  heartbeat,
  joinedAt,
  joinGroup,
  leaveGroup,
  memberIdOf,
  offsetCommit,
  offsetFetch,
  syncGroup,
  type JoinOptions,
  type MemberRef,
} from './group-steps';

/** Protocol versions a client uses across one group's life. */
interface ClientVersions {
  readonly join: number;
  readonly sync: number;
  readonly heartbeat: number;
  readonly commit: number;
  readonly fetch: number;
  readonly leave: number;
}

/**
 * The steps that make a member the leader of a stable one-member group: at JoinGroup v4+ a member without id is
 * first answered MEMBER_ID_REQUIRED and joins again with the id it was given; a static member skips that.
 */
export function becomeStable(join: number, sync: number, group: string, topic: string, options: JoinOptions = {}): { steps: Step[]; member: MemberRef } {
  const instance = options.groupInstanceId ?? null;
  const assignment = assignmentBytes(topic, [0, 1]);
  if (join < 4 || instance !== null) {
    const member = joinedAt(0, instance);
    return { steps: [joinGroup(join, group, { topics: [topic], ...options }), syncGroup(sync, group, member, assignment)], member };
  }
  const member = joinedAt(1);
  const steps = [
    joinGroup(join, group, { topics: [topic], ...options }),
    joinGroup(join, group, { topics: [topic], ...options, memberId: memberIdOf(0) }),
    syncGroup(sync, group, member, assignment),
  ];
  return { steps, member };
}

function fullDance(client: string, v: ClientVersions): Scenario {
  const group = `diff-g-dance-${client.replace(/\W+/g, '-')}`;
  const topic = group;
  const { steps, member } = becomeStable(v.join, v.sync, group, topic);
  return {
    name: `Classic group dance as ${client} sends it (JoinGroup v${v.join}, OffsetCommit v${v.commit}, LeaveGroup v${v.leave})`,
    topics: [{ name: topic, partitions: 2 }],
    steps: [
      ...steps,
      heartbeat(v.heartbeat, group, member),
      offsetCommit(v.commit, group, member, [
        { topic, partition: 0, offset: 5n, metadata: 'meta' },
        { topic, partition: 1, offset: 7n },
      ]),
      offsetFetch(v.fetch, group, [{ name: topic, partitionIndexes: [0, 1] }]),
      leaveGroup(v.leave, group, [{ memberId: member.memberId }]),
      offsetFetch(v.fetch, group, [{ name: topic, partitionIndexes: [0, 1] }]),
    ],
  };
}

/** JoinGroup then SyncGroup at one version pair, for the response shapes of the versions no dance above uses. */
function joinAndSync(join: number, sync: number): Scenario {
  const group = `diff-g-join-v${join}`;
  const { steps, member } = becomeStable(join, sync, group, group);
  return {
    name: `JoinGroup v${join} and SyncGroup v${sync} of a one-member group`,
    topics: [{ name: group, partitions: 2 }],
    steps: [...steps, heartbeat(Math.min(sync, 4), group, member)],
  };
}

/** A stable one-member group (JoinGroup v5, SyncGroup v3), then `then` against it. */
function onStableGroup(name: string, key: string, then: (group: string, topic: string, member: MemberRef, first: number) => Step[]): Scenario {
  const group = `diff-g-${key}`;
  const { steps, member } = becomeStable(5, 3, group, group);
  return { name, topics: [{ name: group, partitions: 2 }], steps: [...steps, ...then(group, group, member, steps.length)] };
}

const wrongGeneration = (member: MemberRef): MemberRef => ({
  ...member,
  generationId: (h) => (typeof member.generationId === 'function' ? member.generationId(h) : member.generationId) + 5,
});
const unknownMember = (member: MemberRef): MemberRef => ({ ...member, memberId: 'diff-no-such-member' });

const DANCES: readonly Scenario[] = [
  fullDance('kafkajs', { join: 5, sync: 3, heartbeat: 3, commit: 5, fetch: 4, leave: 3 }),
  fullDance('librdkafka', { join: 5, sync: 3, heartbeat: 3, commit: 9, fetch: 9, leave: 1 }),
  fullDance('the Java client', { join: 9, sync: 5, heartbeat: 4, commit: 9, fetch: 9, leave: 5 }),
  fullDance('kafka-python', { join: 2, sync: 1, heartbeat: 1, commit: 2, fetch: 1, leave: 1 }),
  fullDance('an old client', { join: 0, sync: 0, heartbeat: 0, commit: 3, fetch: 2, leave: 0 }),
  joinAndSync(1, 1),
  joinAndSync(3, 2),
  joinAndSync(4, 3),
  joinAndSync(6, 4),
  joinAndSync(7, 5),
  joinAndSync(8, 5),
];

const MEMBER_ERRORS: readonly Scenario[] = [
  onStableGroup('Heartbeat with a stale generation', 'hb-generation', (g, _t, m) => [heartbeat(3, g, wrongGeneration(m))]),
  onStableGroup('Heartbeat v4 from an unknown member id', 'hb-unknown-member', (g, _t, m) => [heartbeat(4, g, unknownMember(m))]),
  { name: 'Heartbeat to a group that does not exist', steps: [heartbeat(3, 'diff-g-hb-no-group', { memberId: 'diff-nobody', generationId: 1 })] },
  onStableGroup('SyncGroup with a stale generation', 'sync-generation', (g, t, m) => [syncGroup(3, g, wrongGeneration(m), assignmentBytes(t, [0]))]),
  onStableGroup('SyncGroup from an unknown member id', 'sync-unknown-member', (g, t, m) => [syncGroup(3, g, unknownMember(m), assignmentBytes(t, [0]))]),
  onStableGroup('OffsetCommit with a stale generation', 'commit-generation', (g, t, m) => [
    offsetCommit(8, g, wrongGeneration(m), [{ topic: t, partition: 0, offset: 1n }]),
  ]),
  onStableGroup('OffsetCommit from an unknown member id', 'commit-unknown-member', (g, t, m) => [
    offsetCommit(8, g, unknownMember(m), [{ topic: t, partition: 0, offset: 1n }]),
  ]),
  onStableGroup('OffsetCommit with generation -1 into a group with members', 'commit-simple-active', (g, t) => [
    offsetCommit(8, g, { memberId: '', generationId: -1 }, [{ topic: t, partition: 0, offset: 1n }]),
  ]),
  onStableGroup('OffsetCommit of a member to an unknown partition and an unknown topic', 'commit-unknown-partition', (g, t, m) => [
    offsetCommit(8, g, m, [
      { topic: t, partition: 9, offset: 1n },
      { topic: 'diff-g-no-such-topic', partition: 0, offset: 1n },
    ]),
  ]),
  onStableGroup('OffsetCommit with metadata over offset.metadata.max.bytes', 'commit-big-metadata', (g, t, m) => [
    offsetCommit(8, g, m, [{ topic: t, partition: 0, offset: 3n, metadata: 'm'.repeat(5000) }]),
    offsetFetch(8, g, [{ name: t, partitionIndexes: [0] }]),
  ]),
  onStableGroup('LeaveGroup v3 of a known and an unknown member at once', 'leave-batch', (g, _t, m) => [
    leaveGroup(3, g, [{ memberId: m.memberId }, { memberId: 'diff-no-such-member' }]),
  ]),
  onStableGroup('LeaveGroup v1 of an unknown member id', 'leave-unknown', (g) => [leaveGroup(1, g, [{ memberId: 'diff-no-such-member' }])]),
  { name: 'LeaveGroup v3 of a group that does not exist', steps: [leaveGroup(3, 'diff-g-leave-no-group', [{ memberId: 'diff-nobody' }])] },
  onStableGroup('The leader rejoins a stable group with the same subscription', 'rejoin-same', (g, t, m) => [
    joinGroup(5, g, { topics: [t], memberId: m.memberId }),
    heartbeat(3, g, m),
  ]),
  onStableGroup('A member rejoins with a new subscription, then heartbeats the old generation', 'rejoin-new-subscription', (g, t, m, first) => [
    joinGroup(5, g, { topics: [t, 'diff-g-other'], memberId: m.memberId }),
    heartbeat(3, g, m),
    syncGroup(3, g, joinedAt(first), assignmentBytes(t, [0])),
    heartbeat(3, g, joinedAt(first)),
  ]),
  onStableGroup('Heartbeat between JoinGroup and SyncGroup of a new generation', 'hb-awaiting-sync', (g, t, m, first) => [
    joinGroup(5, g, { topics: [t, 'diff-g-other'], memberId: m.memberId }),
    heartbeat(3, g, joinedAt(first)),
    offsetCommit(8, g, joinedAt(first), [{ topic: t, partition: 0, offset: 2n }]),
  ]),
  onStableGroup('SyncGroup v5 with an inconsistent protocol type', 'sync-protocol-type', (g, t, m) => [syncGroup(5, g, m, assignmentBytes(t, [0]), 'connect')]),
];

const JOIN_ERRORS: readonly Scenario[] = [
  { name: 'JoinGroup v5 with an empty group id', steps: [joinGroup(5, '', { topics: ['diff-g-x'] })] },
  { name: 'JoinGroup v0 with an empty group id', steps: [joinGroup(0, '', { topics: ['diff-g-x'] })] },
  { name: 'JoinGroup v5 with a session timeout under the minimum', steps: [joinGroup(5, 'diff-g-short-session', { sessionTimeoutMs: 1000 })] },
  { name: 'JoinGroup v5 with a session timeout over the maximum', steps: [joinGroup(5, 'diff-g-long-session', { sessionTimeoutMs: 2_000_000 })] },
  { name: 'JoinGroup v5 with an empty protocol type', steps: [joinGroup(5, 'diff-g-empty-type', { protocolType: '' })] },
  { name: 'JoinGroup v5 with no protocols', steps: [joinGroup(5, 'diff-g-no-protocols', { protocolNames: [] })] },
  { name: 'JoinGroup v4 with a member id the group never gave', steps: [joinGroup(4, 'diff-g-made-up-id', { memberId: 'diff-made-up-member' })] },
  onStableGroup('A second member joins with another protocol type', 'inconsistent-type', (g, t) => [joinGroup(5, g, { topics: [t], protocolType: 'connect' })]),
  onStableGroup('A second member joins with no protocol in common', 'no-common-protocol', (g, t) => [
    joinGroup(5, g, { topics: [t], protocolNames: ['roundrobin'] }),
  ]),
  {
    name: 'A group of protocol type connect joins, syncs and leaves',
    steps: [
      joinGroup(2, 'diff-g-connect', { protocolType: 'connect', protocolNames: ['sessioned'] }),
      syncGroup(2, 'diff-g-connect', joinedAt(0), Buffer.from('connect-assignment')),
      leaveGroup(2, 'diff-g-connect', [{ memberId: memberIdOf(0) }]),
    ],
  },
];

function staticScenario(name: string, key: string, then: (group: string, topic: string, member: MemberRef, first: number) => Step[]): Scenario {
  const group = `diff-g-static-${key}`;
  const { steps, member } = becomeStable(5, 3, group, group, { groupInstanceId: `${group}-instance` });
  return { name, topics: [{ name: group, partitions: 2 }], steps: [...steps, ...then(group, group, member, steps.length)] };
}

const STATIC_MEMBERS: readonly Scenario[] = [
  staticScenario('A static member joins without MEMBER_ID_REQUIRED and heartbeats', 'join', (g, _t, m) => [heartbeat(3, g, m)]),
  staticScenario('A static member rejoins with a new id and the old id is fenced', 'rejoin', (g, t, m, first) => [
    joinGroup(5, g, { topics: [t], groupInstanceId: `${g}-instance` }),
    heartbeat(3, g, m),
    heartbeat(3, g, { ...joinedAt(first, `${g}-instance`), generationId: m.generationId }),
    offsetCommit(7, g, m, [{ topic: t, partition: 0, offset: 4n }]),
  ]),
  staticScenario('A static member leaves by its instance id with LeaveGroup v3', 'leave', (g, _t, m) => [
    leaveGroup(3, g, [{ memberId: m.memberId, groupInstanceId: `${g}-instance` }]),
    heartbeat(3, g, m),
  ]),
  staticScenario('LeaveGroup v4 of a static member with the wrong member id', 'leave-wrong-id', (g) => [
    leaveGroup(4, g, [{ memberId: 'diff-not-this-member', groupInstanceId: `${g}-instance` }]),
  ]),
  staticScenario('LeaveGroup v3 of an unknown instance id', 'leave-unknown-instance', (g) => [
    leaveGroup(3, g, [{ memberId: '', groupInstanceId: 'diff-g-nobody' }]),
  ]),
  staticScenario('Heartbeat of a static member with another instance id', 'hb-wrong-instance', (g, _t, m) => [
    heartbeat(3, g, { ...m, groupInstanceId: 'diff-g-someone-else' }),
  ]),
  staticScenario('OffsetCommit of a static member with another instance id', 'commit-wrong-instance', (g, t, m) => [
    offsetCommit(7, g, { ...m, groupInstanceId: 'diff-g-someone-else' }, [{ topic: t, partition: 0, offset: 1n }]),
  ]),
  staticScenario('SyncGroup of a static member with another instance id', 'sync-wrong-instance', (g, t, m) => [
    syncGroup(3, g, { ...m, groupInstanceId: 'diff-g-someone-else' }, assignmentBytes(t, [0])),
  ]),
];

export const GROUP_SCENARIOS: readonly Scenario[] = [...DANCES, ...MEMBER_ERRORS, ...JOIN_ERRORS, ...STATIC_MEMBERS];
