// The rule model on its own: what parses, what is refused and with which message, and how rules decide.
import { buildHandlerTable } from '../../../src/api/registry';
import { apiCatalog } from '../../../src/faults/fault-injector';
import { describeRule, FaultRuleError, parseFaultRule, parseFaultRules, splitTracking } from '../../../src/faults/fault-rules';
import { RuleState, seededRandom } from '../../../src/faults/rule-state';
import { requestFacts } from '../../../src/faults/request-facts';
import { ZERO_UUID } from '../../../codecs/protocol/uuid';

const apis = apiCatalog(buildHandlerTable());
const parse = (rule: unknown) => parseFaultRule(rule, apis, 'r1');
const refusal = (rule: unknown): string => {
  try {
    parse(rule);
  } catch (err) {
    expect(err).toBeInstanceOf(FaultRuleError);
    return (err as Error).message;
  }
  throw new Error('the rule was accepted');
};

test('a rule names its API by name (any case) or key, its error by Kafka name or number', () => {
  const byName = parse({ match: { api: 'produce', topic: 'orders' }, action: { type: 'error', error: 'not_leader_or_follower' }, times: 3 });
  expect(byName.match.apiKeys).toEqual([0]);
  expect(byName.action).toEqual({ type: 'error', errorCode: 6, errorName: 'NOT_LEADER_OR_FOLLOWER' });
  expect(byName.times).toBe(3);
  const byNumber = parse({ match: { api: [12, 'FindCoordinator'], versions: '1-3' }, action: { type: 'error', error: 15 }, times: 'once' });
  expect(byNumber.match).toEqual(expect.objectContaining({ apiKeys: [12, 10], minVersion: 1, maxVersion: 3 }));
  expect(byNumber.action).toEqual({ type: 'error', errorCode: 15, errorName: 'COORDINATOR_NOT_AVAILABLE' });
  expect(byNumber.times).toBe(1);
  expect(parse({ action: 'hold' })).toEqual(expect.objectContaining({ times: null, probability: 1, seed: 1, afterMs: 0, forMs: null }));
});

test('bad rules are refused with a message naming the field', () => {
  expect(refusal({ match: { api: 'Prodce' }, action: 'hold' })).toBe('rule.match.api: unknown API "Prodce" (an API name such as Produce, or its key)');
  expect(refusal({ match: { api: 1000 }, action: 'hold' })).toBe('rule.match.api: API key 1000 is not served by this broker');
  expect(refusal({ action: { type: 'error', error: 'NOT_A_LEADER' } })).toMatch(/^rule\.action\.error: unknown Kafka error name "NOT_A_LEADER"/);
  expect(refusal({ action: { type: 'error', error: 999 } })).toBe('rule.action.error: unknown Kafka error code 999');
  expect(refusal({ action: { type: 'error', error: 0 } })).toBe('rule.action.error: unknown Kafka error code 0');
  expect(refusal({ action: { type: 'error' } })).toBe('rule.action.error: is required: a Kafka error name or code');
  expect(refusal({ action: { type: 'explode' } })).toMatch(/^rule\.action\.type: must be one of error, delay, drop/);
  expect(refusal({ action: { type: 'delay' } })).toBe('rule.action.ms: is required: milliseconds');
  expect(refusal({ action: { type: 'drop', when: 'during' } })).toMatch(/^rule\.action\.when: must be "before"/);
  expect(refusal({ action: 'hold', times: 0 })).toMatch(/^rule\.times: must be "once", "always" or a whole number >= 1/);
  expect(refusal({ action: 'hold', probability: 2 })).toBe('rule.probability: must be a number from 0 to 1, got 2');
  expect(refusal({ action: 'hold', match: { tpoic: 'x' } })).toMatch(/^rule\.match\.tpoic: unknown field/);
  expect(refusal({ match: { versions: '2-4' }, action: 'hold' })).toBe('rule.match.versions: needs match.api: versions are per API');
  expect(refusal({ match: { api: 'Heartbeat', versions: '7-9' }, action: 'hold' })).toBe('rule.match.versions: Heartbeat is served in versions 0-4 only');
  expect(refusal({ match: { api: 'Produce' }, action: 'storage-error' })).toMatch(/^rule\.match\.api: does not apply to storage-error/);
  expect(refusal({ match: { clientId: 'x' }, action: { type: 'broker-down', ms: 10 } })).toMatch(/^rule\.match\.clientId: does not apply to broker-down/);
  expect(refusal({ match: { api: 'DescribeConfigs' }, action: { type: 'error', error: 'UNKNOWN_SERVER_ERROR' } })).toMatch(
    /^rule\.match\.api: DescribeConfigs carries errors per resource only/,
  );
  expect(refusal({ match: { api: 'Produce' } })).toBe('rule.action: is required');
});

test('a list is checked whole, numbered in messages, and given ids; the file form may ask for tracking', () => {
  let n = 0;
  const next = (): string => `r${++n}`;
  expect(() => parseFaultRules([{ action: 'hold' }, { action: 'nope' }], apis, next)).toThrow(/^rules\[1\]\.action\.type/);
  const rules = parseFaultRules({ rules: [{ action: 'hold' }, { id: 'mine', action: 'no-response' }] }, apis, next);
  expect(rules.map((r) => r.id)).toEqual(['r1', 'mine']);
  expect(() =>
    parseFaultRules(
      [
        { id: 'a', action: 'hold' },
        { id: 'a', action: 'hold' },
      ],
      apis,
      next,
    ),
  ).toThrow('rule a: two rules have this id');
  expect(splitTracking({ track: true, rules: [] })).toEqual({ track: true, rules: { rules: [] } });
  expect(() => splitTracking({ track: 'yes' })).toThrow('track: must be true or false, got "yes"');
});

test('a described rule parses back to the same rule', () => {
  const rule = parse({
    id: 'x',
    match: { api: ['Produce'], versions: '3-', topic: 't', partition: 2, clientId: 'c' },
    action: { type: 'error', error: 'KAFKA_STORAGE_ERROR' },
    times: 4,
    probability: 0.5,
    seed: 9,
    window: { afterMs: 10, forMs: 100 },
  });
  expect(parse(describeRule(rule, apis))).toEqual(rule);
});

test('rules match on header facts first, then on the topics, partitions, groups and transactional ids of the body', () => {
  const state = new RuleState(parse({ match: { api: 'Produce', topic: 'orders', partition: 1, clientId: 'app' }, action: 'hold' }), 0);
  expect(state.headerMatches({ apiKey: 0, apiVersion: 9, clientId: 'app' })).toBe(true);
  expect(state.headerMatches({ apiKey: 0, apiVersion: 9, clientId: 'other' })).toBe(false);
  expect(state.headerMatches({ apiKey: 1, apiVersion: 9, clientId: 'app' })).toBe(false);
  // A rule for every API: an error one skips the APIs whose answer cannot carry it (CreateAcls, 30), others do not.
  const everyApiError = new RuleState(parse({ action: { type: 'error', error: 'NOT_COORDINATOR' } }), 0);
  const everyApiHold = new RuleState(parse({ action: 'hold' }), 0);
  expect([30, 0, 300].map((apiKey) => everyApiError.headerMatches({ apiKey, apiVersion: 0, clientId: null }))).toEqual([false, true, true]);
  expect([30, 0, 300].map((apiKey) => everyApiHold.headerMatches({ apiKey, apiVersion: 0, clientId: null }))).toEqual([true, true, true]);
  const produce = { transactionalId: 'tx', topicData: [{ name: 'orders', partitionData: [{ index: 1 }, { index: 0 }] }] };
  const facts = requestFacts(0, produce, () => undefined);
  expect(facts).toEqual({ topics: [{ topic: 'orders', partitions: [0, 1] }], groups: [], transactionalIds: ['tx'] });
  expect(state.bodyMatches(0, produce, () => undefined)).toBe(true);
  expect(state.bodyMatches(0, { topicData: [{ name: 'orders', partitionData: [{ index: 0 }] }] }, () => undefined)).toBe(false);
  const fetchById = requestFacts(1, { topics: [{ topic: '', topicId: 'id1', partitions: [{ partition: 3 }] }] }, (id) => (id === 'id1' ? 'named' : undefined));
  expect(fetchById.topics).toEqual([{ topic: 'named', partitions: [3] }]);
  expect(requestFacts(10, { key: 'g', keyType: 0, coordinatorKeys: [] }, () => undefined).groups).toEqual(['g']);
  expect(requestFacts(10, { key: '', keyType: 1, coordinatorKeys: ['t1', 't2'] }, () => undefined).transactionalIds).toEqual(['t1', 't2']);
  expect(requestFacts(9, { groupId: '', groups: [{ groupId: 'g8', topics: [{ name: 'a', partitionIndexes: [0] }] }] }, () => undefined)).toEqual({
    topics: [{ topic: 'a', partitions: [0] }],
    groups: ['g8'],
    transactionalIds: [],
  });
});

test('times, window and a seeded probability decide firings; the same seed gives the same firings', () => {
  const once = new RuleState(parse({ action: 'hold', times: 'once' }), 1000);
  expect([once.live(1000) && once.fire(), once.live(1001)]).toEqual([true, false]);
  const windowed = new RuleState(parse({ action: 'hold', window: { afterMs: 100, forMs: 50 } }), 1000);
  expect([1050, 1100, 1149, 1150].map((t) => windowed.live(t))).toEqual([false, true, true, false]);
  const draws = (seed: number): boolean[] => {
    const s = new RuleState(parse({ action: 'hold', probability: 0.3, seed }), 0);
    return Array.from({ length: 200 }, () => s.fire());
  };
  expect(draws(42)).toEqual(draws(42));
  expect(draws(42)).not.toEqual(draws(43));
  const hits = draws(42).filter(Boolean).length;
  expect(hits).toBeGreaterThan(40);
  expect(hits).toBeLessThan(80);
  const random = seededRandom(7);
  expect(Array.from({ length: 3 }, random)).toEqual(Array.from({ length: 3 }, seededRandom(7)));
});

test('a rule matches the body as the tracked facts say, field by field, for every kind of request', () => {
  const nameOf = (id: string): string | undefined => (id === 'id1' ? 'named' : undefined);
  const requests: Array<[number, unknown]> = [
    [0, { transactionalId: 'tx', topicData: [{ name: 'orders', partitionData: [{ index: 1 }, { index: 0 }] }] }],
    [0, { transactionalId: null, topicData: [{ name: 'other', partitionData: [{ index: 2 }] }] }],
    [1, { topics: [{ topic: '', topicId: 'id1', partitions: [{ partition: 3 }] }] }],
    // Produce and Fetch are read by their own fields (request-match.ts): ids, empty lists, several topics.
    [0, { transactionalId: 't1', topicData: [{ name: '', topicId: 'id1', partitionData: [{ index: 3 }] }] }],
    [
      0,
      {
        transactionalId: null,
        topicData: [
          { name: 'orders', topicId: ZERO_UUID, partitionData: [] },
          { name: 'named', partitionData: [{ index: 0 }] },
        ],
      },
    ],
    [
      1,
      {
        topics: [
          { topic: 'orders', topicId: ZERO_UUID, partitions: [{ partition: 1 }, { partition: 2 }] },
          { topic: '', topicId: 'unknown-id', partitions: [] },
        ],
      },
    ],
    [1, { topics: [{ topic: 'orders', topicId: ZERO_UUID, partitions: [] }] }],
    [3, { topics: [{ name: 'orders' }] }],
    [10, { key: 'g', keyType: 0, coordinatorKeys: [] }],
    [10, { key: '', keyType: 1, coordinatorKeys: ['t1', 't2'] }],
    [9, { groupId: '', groups: [{ groupId: 'g8', topics: [{ name: 'orders', partitionIndexes: [0] }] }] }],
    [15, { groupsNames: ['g', 'g8'] }],
    [28, { transactionalId: 't1', groupId: 'g', topics: [{ name: 'named', partitions: [{ partitionIndex: 1 }] }] }],
  ];
  const matches = [
    { topic: 'orders' },
    { topic: 'orders', partition: 0 },
    { topic: 'orders', partition: 2 },
    { topic: 'named', partition: 3 },
    { partition: 3 },
    { group: 'g' },
    { group: 'g8', topic: 'orders' },
    { transactionalId: 't1' },
    { transactionalId: 'tx', topic: 'orders', partition: 1 },
    { topic: 'unknown-id' },
    { transactionalId: 't1', partition: 3 },
  ];
  for (const match of matches) {
    const state = new RuleState(parse({ match, action: 'hold' }), 0);
    for (const [apiKey, request] of requests) {
      const facts = requestFacts(apiKey, request, nameOf);
      const byFacts =
        (state.rule.match.group === null || facts.groups.includes(state.rule.match.group)) &&
        (state.rule.match.transactionalId === null || facts.transactionalIds.includes(state.rule.match.transactionalId)) &&
        (state.rule.match.topic === null && state.rule.match.partition === null
          ? true
          : facts.topics.some((t) => state.partitionMatches(t.topic, t.partitions)));
      expect([match, apiKey, request, state.bodyMatches(apiKey, request, nameOf)]).toEqual([match, apiKey, request, byFacts]);
    }
  }
});
