// Differential scenarios for what admin tools and assign-only consumers do with classic groups: commits outside a
// generation, OffsetFetch of everything, DescribeGroups, ListGroups filters, DeleteGroups and OffsetDelete.
import type { Scenario } from './harness';
import { deleteGroups, describeGroups, heartbeat, leaveGroup, listGroups, offsetCommit, offsetDelete, offsetFetch, SIMPLE_CONSUMER } from './group-steps';
import { becomeStable } from './scenarios-groups';

const ALL_TOPICS = null;

function simpleCommits(group: string, topic: string, version = 8) {
  return offsetCommit(version, group, SIMPLE_CONSUMER, [
    { topic, partition: 0, offset: 10n, metadata: 'first' },
    { topic, partition: 1, offset: 20n, metadata: null },
  ]);
}

const SIMPLE_CONSUMERS: readonly Scenario[] = [
  {
    name: 'OffsetCommit v2 with generation -1 creates an empty group, OffsetFetch v1 reads it',
    topics: [{ name: 'diff-ga-simple-v2', partitions: 2 }],
    steps: [
      simpleCommits('diff-ga-simple-v2', 'diff-ga-simple-v2', 2),
      offsetFetch(1, 'diff-ga-simple-v2', [{ name: 'diff-ga-simple-v2', partitionIndexes: [0, 1, 2] }]),
    ],
  },
  {
    name: 'OffsetCommit v9 with generation -1, then OffsetFetch v9 of all topics',
    topics: [{ name: 'diff-ga-simple-v9', partitions: 2 }],
    steps: [simpleCommits('diff-ga-simple-v9', 'diff-ga-simple-v9', 9), offsetFetch(9, 'diff-ga-simple-v9', ALL_TOPICS)],
  },
  {
    name: 'OffsetFetch v5 of all topics of a group with commits',
    topics: [{ name: 'diff-ga-all-v5', partitions: 2 }],
    steps: [
      simpleCommits('diff-ga-all-v5', 'diff-ga-all-v5'),
      offsetFetch(5, 'diff-ga-all-v5', ALL_TOPICS),
      offsetFetch(7, 'diff-ga-all-v5', ALL_TOPICS, true),
    ],
  },
  { name: 'OffsetFetch v7 of all topics of an unknown group', steps: [offsetFetch(7, 'diff-ga-all-unknown', ALL_TOPICS)] },
  {
    name: 'OffsetCommit with generation -1 to an unknown topic and an unknown partition',
    topics: [{ name: 'diff-ga-simple-unknown', partitions: 1 }],
    steps: [
      offsetCommit(8, 'diff-ga-simple-unknown', SIMPLE_CONSUMER, [
        { topic: 'diff-ga-simple-unknown', partition: 3, offset: 1n },
        { topic: 'diff-ga-no-such-topic', partition: 0, offset: 1n },
      ]),
      offsetFetch(8, 'diff-ga-simple-unknown', ALL_TOPICS),
    ],
  },
  {
    name: 'OffsetCommit with generation -1 of a known and an unknown partition of one topic',
    topics: [{ name: 'diff-ga-simple-mixed', partitions: 1 }],
    steps: [simpleCommits('diff-ga-simple-mixed', 'diff-ga-simple-mixed', 9), simpleCommits('diff-ga-simple-mixed', 'diff-ga-simple-mixed', 3)],
  },
  { name: 'OffsetCommit v8 with an empty group id', topics: [{ name: 'diff-ga-empty-id', partitions: 2 }], steps: [simpleCommits('', 'diff-ga-empty-id')] },
  {
    name: 'OffsetCommit of a negative offset',
    topics: [{ name: 'diff-ga-negative', partitions: 1 }],
    steps: [
      offsetCommit(8, 'diff-ga-negative', SIMPLE_CONSUMER, [{ topic: 'diff-ga-negative', partition: 0, offset: -5n }]),
      offsetFetch(8, 'diff-ga-negative', ALL_TOPICS),
    ],
  },
  {
    name: 'OffsetCommit with a member id but generation -1 into an empty group',
    topics: [{ name: 'diff-ga-member-no-generation', partitions: 1 }],
    steps: [
      offsetCommit(8, 'diff-ga-member-no-generation', { memberId: 'diff-someone', generationId: -1 }, [
        { topic: 'diff-ga-member-no-generation', partition: 0, offset: 1n },
      ]),
    ],
  },
  {
    name: 'OffsetCommit with a generation into an empty group',
    topics: [{ name: 'diff-ga-generation-empty', partitions: 2 }],
    steps: [
      simpleCommits('diff-ga-generation-empty', 'diff-ga-generation-empty'),
      offsetCommit(8, 'diff-ga-generation-empty', { memberId: 'diff-someone', generationId: 3 }, [
        { topic: 'diff-ga-generation-empty', partition: 0, offset: 1n },
      ]),
      heartbeat(3, 'diff-ga-generation-empty', { memberId: 'diff-someone', generationId: 3 }),
    ],
  },
];

function stableGroup(key: string) {
  const group = `diff-ga-${key}`;
  return { group, ...becomeStable(5, 3, group, group) };
}

const describeActive = stableGroup('describe-active');
const listActive = stableGroup('list-stable');
const deleteActive = stableGroup('delete-non-empty');
const offsetDeleteActive = stableGroup('offset-delete-subscribed');

const ADMIN: readonly Scenario[] = [
  {
    name: 'DescribeGroups v0, v3 and v5 of a stable group',
    topics: [{ name: describeActive.group, partitions: 2 }],
    steps: [
      ...describeActive.steps,
      describeGroups(0, [describeActive.group]),
      describeGroups(3, [describeActive.group]),
      describeGroups(5, [describeActive.group]),
    ],
  },
  {
    name: 'DescribeGroups v5 of a group after its member left, and of a commit-only group',
    topics: [{ name: 'diff-ga-describe-left', partitions: 2 }],
    steps: [
      ...becomeStable(5, 3, 'diff-ga-describe-left', 'diff-ga-describe-left').steps,
      leaveGroup(3, 'diff-ga-describe-left', [{ memberId: (h) => (h[1] as { memberId: string }).memberId }]),
      simpleCommits('diff-ga-describe-offsets', 'diff-ga-describe-left'),
      describeGroups(5, ['diff-ga-describe-left', 'diff-ga-describe-offsets']),
    ],
  },
  {
    name: 'DescribeGroups v6 of a group between JoinGroup and SyncGroup',
    topics: [{ name: 'diff-ga-describe-awaiting', partitions: 1 }],
    steps: [
      ...becomeStable(5, 3, 'diff-ga-describe-awaiting', 'diff-ga-describe-awaiting').steps.slice(0, 2),
      describeGroups(6, ['diff-ga-describe-awaiting']),
    ],
  },
  { name: 'DescribeGroups v5 of an empty group id', steps: [describeGroups(5, [''])] },
  { name: 'DescribeGroups v6 of an unknown group', steps: [describeGroups(6, ['diff-ga-describe-unknown'])] },
  {
    name: 'ListGroups v4 with a states filter and v5 with a types filter',
    topics: [{ name: listActive.group, partitions: 2 }],
    steps: [
      ...listActive.steps,
      simpleCommits('diff-ga-list-stable-empty', listActive.group),
      listGroups(4, 'diff-ga-list-stable', { states: ['Stable'] }),
      listGroups(4, 'diff-ga-list-stable', { states: ['Empty'] }),
      listGroups(4, 'diff-ga-list-stable', { states: ['stable', 'EMPTY'] }),
      listGroups(5, 'diff-ga-list-stable', { types: ['classic'] }),
      listGroups(5, 'diff-ga-list-stable', { types: ['consumer'] }),
      listGroups(5, 'diff-ga-list-stable', { types: ['Classic'], states: ['Empty'] }),
      listGroups(2, 'diff-ga-list-stable'),
      listGroups(0, 'diff-ga-list-stable'),
    ],
  },
  {
    name: 'ListGroups v5 with an unknown type and an unknown state',
    steps: [listGroups(5, 'diff-ga-', { types: ['no-such-type'] }), listGroups(4, 'diff-ga-', { states: ['NoSuchState'] })],
  },
  {
    name: 'DeleteGroups of a non-empty group, then after its member left, then again',
    topics: [{ name: deleteActive.group, partitions: 2 }],
    steps: [
      ...deleteActive.steps,
      deleteGroups(2, [deleteActive.group]),
      leaveGroup(3, deleteActive.group, [{ memberId: deleteActive.member.memberId }]),
      deleteGroups(2, [deleteActive.group]),
      deleteGroups(1, [deleteActive.group]),
      offsetFetch(8, deleteActive.group, ALL_TOPICS),
    ],
  },
  {
    name: 'DeleteGroups v0 of a commit-only group, an unknown group and an empty name at once',
    topics: [{ name: 'diff-ga-delete-mixed', partitions: 2 }],
    steps: [simpleCommits('diff-ga-delete-mixed', 'diff-ga-delete-mixed'), deleteGroups(0, ['diff-ga-delete-mixed', 'diff-ga-delete-unknown', ''])],
  },
  {
    name: 'OffsetDelete of a topic the group subscribes to, and of one it does not',
    topics: [
      { name: offsetDeleteActive.group, partitions: 2 },
      { name: 'diff-ga-offset-delete-other', partitions: 1 },
    ],
    steps: [
      ...offsetDeleteActive.steps,
      offsetCommit(8, offsetDeleteActive.group, offsetDeleteActive.member, [
        { topic: offsetDeleteActive.group, partition: 0, offset: 3n },
        { topic: 'diff-ga-offset-delete-other', partition: 0, offset: 4n },
      ]),
      offsetDelete(offsetDeleteActive.group, offsetDeleteActive.group, [0]),
      offsetDelete(offsetDeleteActive.group, 'diff-ga-offset-delete-other', [0]),
      offsetFetch(8, offsetDeleteActive.group, ALL_TOPICS),
    ],
  },
  {
    name: 'OffsetDelete from an empty group, of a partition with no commit and of an unknown topic',
    topics: [{ name: 'diff-ga-offset-delete-empty', partitions: 2 }],
    steps: [
      simpleCommits('diff-ga-offset-delete-empty', 'diff-ga-offset-delete-empty'),
      offsetDelete('diff-ga-offset-delete-empty', 'diff-ga-offset-delete-empty', [0, 5]),
      offsetDelete('diff-ga-offset-delete-empty', 'diff-ga-no-such-topic', [0]),
      offsetFetch(8, 'diff-ga-offset-delete-empty', ALL_TOPICS),
    ],
  },
  { name: 'OffsetDelete of an unknown group', steps: [offsetDelete('diff-ga-offset-delete-unknown', 'diff-ga-x', [0])] },
];

export const GROUP_ADMIN_SCENARIOS: readonly Scenario[] = [...SIMPLE_CONSUMERS, ...ADMIN];
