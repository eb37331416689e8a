// Differential scenarios for KIP-848 consumer groups (ConsumerGroupHeartbeat v0/v1, ConsumerGroupDescribe) where the
// broker's assignment is deterministic: join at epoch 0, steady heartbeats, fencing, leaving, a static member's
// temporary leave, regular-expression subscriptions, and how the classic APIs see such a group. Member ids are
// client-chosen at v1 and minted at v0; both are masked.
import type { Scenario } from './harness';
import {
  deleteGroups,
  describeGroups,
  generationOf,
  heartbeat,
  joinedAt,
  joinGroup,
  listGroups,
  memberIdOf,
  offsetCommit,
  offsetFetch,
  SIMPLE_CONSUMER,
  syncGroup,
} from './group-steps';
import {
  assignmentOf,
  cgDescribe,
  cgHeartbeat,
  createTopicStep,
  epochOf,
  firstAssignedPartition,
  firstJoin,
  LEAVE,
  member,
  STATIC_LEAVE,
  steady,
  untilAssigned,
  whenAssignable,
} from './consumer-group-steps';
import { becomeStable } from './scenarios-groups';

/** Patterns RE2/J refuses (Kafka answers INVALID_REGULAR_EXPRESSION with RE2's reason) and RE2 features it accepts. */
const REGEX_CHECKS: ReadonlyArray<readonly [string, string]> = [
  ['paren', '('],
  ['lookahead', '(?=x)a'],
  ['lookbehind', '(?<!x)a'],
  ['angle-named', '(?<n>x)y'],
  ['unnamed-capture', '(?P<>x)'],
  ['atomic', '(?>x)'],
  ['unknown-escape', '\\e'],
  ['backreference', '(a)\\1'],
  ['possessive', 'a*+'],
  ['repeat-count', 'a{1001}'],
  ['bracket', '[a-'],
  ['range', '[z-a]'],
  ['nothing-to-repeat', '*a'],
  ['unexpected-paren', 'a)'],
  ['trailing-backslash', 'a\\'],
  ['empty', ''],
  ['re2-syntax', '\\p{Greek}+|[[:alpha:]]|(?i)ABC|\\Qa.b\\E|(?P<n>x)|\\x{41}|(?s:.)'],
];

export const CONSUMER_GROUP_SCENARIOS: readonly Scenario[] = [
  member('ConsumerGroupHeartbeat v1: join at epoch 0, steady heartbeat, describe, leave at epoch -1', 'lifecycle', (g, _t, id) => [
    steady(g, id, epochOf(0)),
    cgDescribe(0, [g]),
    cgHeartbeat(1, g, { memberId: id, memberEpoch: LEAVE }),
    cgDescribe(1, [g]),
    steady(g, id, epochOf(0)),
  ]),
  {
    name: 'ConsumerGroupHeartbeat v0: the broker mints the member id',
    topics: [{ name: 'diff-cg-v0', partitions: 2 }],
    steps: [
      whenAssignable('diff-cg-v0', cgHeartbeat(0, 'diff-cg-v0', { memberId: '', memberEpoch: 0, topics: ['diff-cg-v0'] })),
      steady('diff-cg-v0', memberIdOf(0), epochOf(0), 0),
      cgHeartbeat(0, 'diff-cg-v0', { memberId: memberIdOf(0), memberEpoch: LEAVE }),
    ],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join without a member id',
    steps: [cgHeartbeat(1, 'diff-cg-no-id', { memberId: '', memberEpoch: 0, topics: ['diff-cg-x'] })],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join with an empty group id',
    steps: [cgHeartbeat(1, '', { memberId: 'diff-cg-member', memberEpoch: 0, topics: ['diff-cg-x'] })],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join without a subscription',
    steps: [cgHeartbeat(1, 'diff-cg-no-subscription', { memberId: 'diff-cg-member', memberEpoch: 0 })],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join with an unknown server assignor',
    steps: [cgHeartbeat(1, 'diff-cg-bad-assignor', { memberId: 'diff-cg-member', memberEpoch: 0, topics: ['diff-cg-x'], serverAssignor: 'no-such-assignor' })],
  },
  {
    name: 'ConsumerGroupHeartbeat v1 join with the range assignor',
    topics: [{ name: 'diff-cg-range', partitions: 3 }],
    steps: [firstJoin('diff-cg-range', 'diff-cg-range-member', { serverAssignor: 'range' }), cgDescribe(0, ['diff-cg-range'])],
  },
  // The message quotes the group's epoch, one lower on Eddy (see the accepted divergences); a unit test pins its words.
  {
    ...member('ConsumerGroupHeartbeat with a member epoch the group never gave is fenced', 'fenced', (g, _t, id) => [
      steady(g, id, 7),
      steady(g, id, epochOf(0)),
    ]),
    freeTextMessages: true,
  },
  member('ConsumerGroupHeartbeat from an unknown member id', 'unknown-member', (g) => [steady(g, 'diff-cg-not-a-member', 1)]),
  { name: 'ConsumerGroupHeartbeat of a member of a group that does not exist', steps: [steady('diff-cg-no-group', 'diff-cg-nobody', 1)] },
  member('A member that left heartbeats again with its old id and epoch', 'after-leave', (g, _t, id) => [
    cgHeartbeat(1, g, { memberId: id, memberEpoch: LEAVE }),
    steady(g, id, epochOf(0)),
  ]),
  member(
    'A static member leaves with epoch -2 and rejoins with a new member id',
    'static',
    (g, t) => [
      cgHeartbeat(1, g, { memberId: `${g}-member-1`, memberEpoch: STATIC_LEAVE, instanceId: `${g}-instance` }),
      cgDescribe(0, [g]),
      cgHeartbeat(1, g, { memberId: `${g}-member-2`, memberEpoch: 0, topics: [t], instanceId: `${g}-instance` }),
      cgHeartbeat(1, g, { memberId: `${g}-member-3`, memberEpoch: 0, topics: [t], instanceId: `${g}-instance` }),
    ],
    'diff-cg-static-instance',
  ),
  member('OffsetCommit v9 and OffsetFetch v9 with a consumer group member epoch', 'commit', (g, t, id) => [
    offsetCommit(9, g, { memberId: id, generationId: epochOf(0) }, [{ topic: t, partition: 0, offset: 3n }]),
    offsetCommit(9, g, { memberId: id, generationId: 9 }, [{ topic: t, partition: 0, offset: 4n }]),
    offsetCommit(9, g, { memberId: 'diff-cg-not-a-member', generationId: epochOf(0) }, [{ topic: t, partition: 0, offset: 5n }]),
    offsetCommit(9, g, SIMPLE_CONSUMER, [{ topic: t, partition: 1, offset: 6n }]),
    offsetFetch(9, g, null),
  ]),
  member('The classic APIs see a consumer group: DescribeGroups, ListGroups, JoinGroup, DeleteGroups', 'classic-view', (g, t) => [
    describeGroups(5, [g]),
    listGroups(5, g, { types: ['consumer'] }),
    listGroups(5, g, { types: ['classic'] }),
    listGroups(4, g),
    deleteGroups(2, [g]),
    joinGroup(2, g, { topics: [t], protocolType: 'connect' }),
  ]),
  {
    name: 'ConsumerGroupHeartbeat to a classic group with a member, and ConsumerGroupDescribe of it',
    topics: [{ name: 'diff-cg-classic', partitions: 2 }],
    steps: [
      ...becomeStable(5, 3, 'diff-cg-classic', 'diff-cg-classic').steps,
      cgHeartbeat(1, 'diff-cg-classic', { memberId: 'diff-cg-classic-member', memberEpoch: 0, topics: ['diff-cg-classic'] }),
      cgDescribe(0, ['diff-cg-classic']),
    ],
  },
  onlineMigration(),
  lateCommits(),
  ...staticReplacements(),
  { name: 'ConsumerGroupDescribe of an unknown group and of an empty group id', steps: [cgDescribe(1, ['diff-cg-describe-unknown', ''])] },
  {
    name: 'A static member leaves with epoch -2, keeps its partitions, and its instance id takes them back under a new member id',
    topics: [{ name: 'diff-cg-static-back', partitions: 3 }],
    steps: [
      firstJoin('diff-cg-static-back', 'diff-cg-sb-1', { instanceId: 'diff-cg-sb' }),
      cgHeartbeat(1, 'diff-cg-static-back', { memberId: 'diff-cg-sb-2', memberEpoch: 0, topics: ['diff-cg-static-back'] }),
      cgHeartbeat(1, 'diff-cg-static-back', { memberId: 'diff-cg-sb-1', memberEpoch: STATIC_LEAVE, instanceId: 'diff-cg-sb' }),
      cgDescribe(1, ['diff-cg-static-back']),
      steady('diff-cg-static-back', 'diff-cg-sb-2', epochOf(1)),
      cgHeartbeat(1, 'diff-cg-static-back', { memberId: 'diff-cg-sb-3', memberEpoch: 0, topics: ['diff-cg-static-back'], instanceId: 'diff-cg-sb' }),
      cgDescribe(1, ['diff-cg-static-back']),
      cgHeartbeat(1, 'diff-cg-static-back', { memberId: 'diff-cg-sb-1', memberEpoch: epochOf(0) }),
    ],
  },
  {
    name: 'Members with rack ids are described with them, and the uniform assignor ignores racks',
    topics: [{ name: 'diff-cg-rack', partitions: 4 }],
    steps: [
      firstJoin('diff-cg-rack', 'diff-cg-rack-1', { rackId: 'rack-a' }),
      cgHeartbeat(1, 'diff-cg-rack', { memberId: 'diff-cg-rack-2', memberEpoch: 0, topics: ['diff-cg-rack'], rackId: 'rack-b' }),
      cgDescribe(1, ['diff-cg-rack']),
    ],
  },
  {
    name: 'ConsumerGroupHeartbeat with a regular expression that is not valid RE2, or uses RE2-only syntax',
    steps: REGEX_CHECKS.map(([key, regex]) => cgHeartbeat(1, `diff-cg-regex-${key}`, { memberId: 'diff-cg-regex-member', memberEpoch: 0, regex })),
  },
  {
    name: 'A regular-expression subscription is resolved after the join, matches whole topic names, and is described',
    topics: [
      { name: 'diff-cg-rx-one', partitions: 2 },
      { name: 'diff-cg-rx-one-more', partitions: 1 },
    ],
    steps: [
      whenAssignable('diff-cg-rx-one', cgHeartbeat(1, 'diff-cg-rx', { memberId: 'diff-cg-rx-1', memberEpoch: 0, regex: 'diff-cg-rx-o.e' })),
      untilAssigned('diff-cg-rx', 'diff-cg-rx-1', 0),
      cgDescribe(1, ['diff-cg-rx']),
      cgHeartbeat(1, 'diff-cg-rx', { memberId: 'diff-cg-rx-2', memberEpoch: 0, regex: 'diff-cg-rx-o.e' }),
      cgDescribe(1, ['diff-cg-rx']),
      cgHeartbeat(1, 'diff-cg-rx', { memberId: 'diff-cg-rx-2', memberEpoch: epochOf(3), topics: ['diff-cg-rx-one-more'], regex: '' }),
      cgDescribe(1, ['diff-cg-rx']),
    ],
  },
  {
    name: 'A regular-expression subscription takes in a topic created after the member joined',
    steps: [
      cgHeartbeat(1, 'diff-cg-rx-late', { memberId: 'diff-cg-rx-late-1', memberEpoch: 0, regex: 'diff-cg-rx-late-.*' }),
      createTopicStep('diff-cg-rx-late-topic', 2),
      untilAssigned('diff-cg-rx-late', 'diff-cg-rx-late-1', 0),
      cgDescribe(1, ['diff-cg-rx-late']),
    ],
  },
];

/**
 * Online upgrade and downgrade: a classic member at generation 1 is upgraded by a ConsumerGroupHeartbeat, learns
 * of the new epoch from its Heartbeat, rejoins (owning nothing, as an eager client does) and syncs its trimmed
 * assignment, which frees the other partition for the consumer-protocol member; that member leaves, and the group
 * is a classic group again, rebalancing.
 */
function onlineMigration(): Scenario {
  const g = 'diff-cg-migrate';
  const classic = joinedAt(1);
  const rejoined = { memberId: memberIdOf(1), generationId: generationOf(5) };
  return {
    name: 'A classic group upgraded by a ConsumerGroupHeartbeat: its classic member rejoins and syncs, then the group downgrades',
    topics: [{ name: g, partitions: 2 }],
    steps: [
      ...becomeStable(5, 3, g, g).steps,
      cgHeartbeat(1, g, { memberId: `${g}-member`, memberEpoch: 0, topics: [g] }),
      heartbeat(3, g, classic),
      joinGroup(5, g, { memberId: memberIdOf(1), topics: [g] }),
      syncGroup(3, g, rejoined, null),
      heartbeat(3, g, rejoined),
      cgHeartbeat(1, g, { memberId: `${g}-member`, memberEpoch: epochOf(3) }),
      cgDescribe(1, [g]),
      offsetCommit(7, g, rejoined, [{ topic: g, partition: 0, offset: 3n }]),
      cgHeartbeat(1, g, { memberId: `${g}-member`, memberEpoch: LEAVE }),
      describeGroups(5, [g]),
      heartbeat(3, g, rejoined),
      joinGroup(5, g, { memberId: memberIdOf(1), topics: [g] }),
      offsetFetch(7, g, [{ name: g, partitionIndexes: [0, 1] }]),
    ],
  };
}

/**
 * KIP-1251 (Kafka 4.3): m1 holds both partitions at epoch 2; m2 joins (epoch 3) and m1, having revoked one, moves to
 * epoch 3 keeping the other. A commit still carrying epoch 2 is accepted for the partition m1 has held since epoch 2,
 * and refused (STALE_MEMBER_EPOCH) when it names the one m1 gave up, for m2's partition from before m2 got it, or
 * from a newer epoch; a member unknown to the group is refused before the OffsetCommit version is checked.
 */
function lateCommits(): Scenario {
  const g = 'diff-cg-late-commit';
  const [m1, m2] = [`${g}-1`, `${g}-2`];
  const kept = firstAssignedPartition(2);
  const givenUp = (history: readonly unknown[]) => 1 - kept(history);
  return {
    name: 'KIP-1251: a commit with an older member epoch is accepted for partitions the member has held since that epoch',
    topics: [{ name: g, partitions: 2 }],
    steps: [
      firstJoin(g, m1),
      cgHeartbeat(1, g, { memberId: m2, memberEpoch: 0, topics: [g] }),
      cgHeartbeat(1, g, { memberId: m1, memberEpoch: epochOf(0) }),
      cgHeartbeat(1, g, { memberId: m1, memberEpoch: epochOf(2), owned: assignmentOf(2) }),
      offsetCommit(9, g, { memberId: m1, generationId: epochOf(0) }, [{ topic: g, partition: kept, offset: 7n }]),
      offsetCommit(9, g, { memberId: m1, generationId: epochOf(0) }, [
        { topic: g, partition: kept, offset: 8n },
        { topic: g, partition: givenUp, offset: 8n },
      ]),
      offsetCommit(9, g, { memberId: m1, generationId: (h) => epochOf(3)(h) + 1 }, [{ topic: g, partition: kept, offset: 9n }]),
      cgHeartbeat(1, g, { memberId: m2, memberEpoch: epochOf(1) }),
      offsetCommit(9, g, { memberId: m2, generationId: epochOf(7) }, [{ topic: g, partition: givenUp, offset: 10n }]),
      offsetCommit(9, g, { memberId: m2, generationId: epochOf(0) }, [{ topic: g, partition: givenUp, offset: 11n }]),
      offsetCommit(8, g, { memberId: `${g}-nobody`, generationId: epochOf(0) }, [{ topic: g, partition: 0, offset: 12n }]),
      offsetFetch(9, g, null),
      cgDescribe(1, [g]),
    ],
  };
}

/**
 * A static member's instance id taken over across protocols: a ConsumerGroupHeartbeat with the instance id of a
 * classic member (the application restarted with group.protocol=consumer) replaces it without UNRELEASED_INSTANCE_ID,
 * upgrading the group; a JoinGroup with the instance id of the last consumer-protocol member (restarted with the
 * classic protocol) replaces it and turns the group back into a classic group, Stable since nothing changed; and a
 * consumer-protocol static member rejoining at epoch 0 with its own member id while it still holds its instance id.
 */
function staticReplacements(): Scenario[] {
  const up = 'diff-cg-static-up';
  const down = 'diff-cg-static-down';
  const again = 'diff-cg-static-again';
  const downJoined = joinedAt(1, `${down}-instance`);
  return [
    {
      name: 'A ConsumerGroupHeartbeat with the instance id of a classic static member replaces it and upgrades the group',
      topics: [{ name: up, partitions: 2 }],
      steps: [
        ...becomeStable(5, 3, up, up, { groupInstanceId: `${up}-instance` }).steps,
        cgHeartbeat(1, up, { memberId: `${up}-member`, memberEpoch: 0, topics: [up], instanceId: `${up}-instance` }),
        cgDescribe(1, [up]),
        listGroups(5, up),
      ],
    },
    {
      name: 'A JoinGroup with the instance id of the last consumer-protocol static member replaces it and downgrades the group',
      topics: [{ name: down, partitions: 2 }],
      steps: [
        firstJoin(down, `${down}-member`, { instanceId: `${down}-instance` }),
        joinGroup(5, down, { topics: [down], groupInstanceId: `${down}-instance` }),
        describeGroups(5, [down]),
        syncGroup(3, down, downJoined, null),
        heartbeat(3, down, downJoined),
        listGroups(5, down),
        cgHeartbeat(1, down, { memberId: `${down}-member`, memberEpoch: epochOf(0) }),
      ],
    },
    {
      name: 'A consumer-protocol static member rejoins at epoch 0 with its own member id while holding its instance id',
      topics: [{ name: again, partitions: 2 }],
      steps: [
        firstJoin(again, `${again}-member`, { instanceId: `${again}-instance` }),
        cgHeartbeat(1, again, { memberId: `${again}-member`, memberEpoch: 0, topics: [again], instanceId: `${again}-instance` }),
        cgDescribe(1, [again]),
      ],
    },
  ];
}
