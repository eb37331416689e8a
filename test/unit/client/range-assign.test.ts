// The classic member's leader assigns as Kafka's RangeAssignor: per topic, its subscribers in member id order take
// consecutive ranges, the first (partitions % subscribers) one partition more; a member takes nothing of a topic it
// does not subscribe to.
import { rangeAssign } from '../../../src/client/classic-group-member';

test('ranges per topic in member id order, the remainder to the first members', () => {
  const assigned = rangeAssign(
    [
      { memberId: 'm-b', topics: ['t1', 't2'] },
      { memberId: 'm-a', topics: ['t1', 't2'] },
      { memberId: 'm-c', topics: ['t1'] },
    ],
    new Map([
      ['t1', 7],
      ['t2', 3],
    ]),
  );
  expect(Object.fromEntries(assigned)).toEqual({
    'm-a': [
      { topic: 't1', partitions: [0, 1, 2] },
      { topic: 't2', partitions: [0, 1] },
    ],
    'm-b': [
      { topic: 't1', partitions: [3, 4] },
      { topic: 't2', partitions: [2] },
    ],
    'm-c': [{ topic: 't1', partitions: [5, 6] }],
  });
});

test('more members than partitions: the last ones get none; an unknown topic gives nothing', () => {
  const assigned = rangeAssign(
    [
      { memberId: 'x', topics: ['t', 'gone'] },
      { memberId: 'y', topics: ['t'] },
      { memberId: 'z', topics: ['t'] },
    ],
    new Map([['t', 2]]),
  );
  expect(Object.fromEntries(assigned)).toEqual({ x: [{ topic: 't', partitions: [0] }], y: [{ topic: 't', partitions: [1] }], z: [] });
});
