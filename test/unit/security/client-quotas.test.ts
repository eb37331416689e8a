// Client quotas without a broker: Kafka's rate over sampled windows and its throttle time, the eight-level
// precedence between user, client-id and default quotas, the store's validation and persistence, and the token
// bucket of controller_mutation_rate.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SampledRate, throttleTimeMs } from '../../../src/security/quotas/sampled-rate';
import { quotaLimit, quotaTags, type QuotaLookup } from '../../../src/security/quotas/quota-precedence';
import { ClientQuotaStore, QUOTAS_FILE } from '../../../src/security/quotas/quota-store';
import { ClientQuotaManager } from '../../../src/security/quotas/client-quota-manager';
import { bucketThrottleMs, TokenBucket } from '../../../src/security/quotas/token-bucket';
import { isProblem, parseFilter, type QuotaEntity } from '../../../src/security/quotas/quota-entities';
import { silentLogger } from '../../../src/logger';

const WINDOWS = { samples: 11, windowMs: 1000 };

describe('SampledRate (Kafka Rate over a WindowedSum)', () => {
  it('measures over at least samples - 1 windows before that much time has passed', () => {
    const rate = new SampledRate(WINDOWS);
    rate.record(10_000, 0);
    expect(rate.windowSize(0)).toBe(10_000);
    expect(rate.measure(0)).toBe(1000);
    expect(rate.windowSize(500)).toBe(10_500);
  });

  it('starts a new window each windowMs and forgets windows older than the whole span', () => {
    const rate = new SampledRate(WINDOWS);
    for (let t = 0; t <= 20_000; t += 1000) rate.record(1000, t);
    // Twelve windows are kept, but the one last written at 9 s is samples * windowMs old at 20 s and is cleared:
    // 11 000 bytes over the 10 s since the oldest remaining window started.
    expect(rate.windowSize(20_000)).toBe(10_000);
    expect(rate.measure(20_000)).toBe(1100);
    // After samples * windowMs of silence every window is cleared.
    expect(rate.measure(40_000)).toBe(0);
  });

  it('takes a value back when it is recorded negated', () => {
    const rate = new SampledRate(WINDOWS);
    rate.record(5000, 0);
    rate.record(-5000, 10);
    expect(rate.measure(10)).toBe(0);
  });

  it('computes the throttle time as QuotaUtils: (rate - bound) / bound * window', () => {
    expect(throttleTimeMs(2000, 1000, 10_000)).toBe(10_000);
    expect(throttleTimeMs(1050, 1000, 10_000)).toBe(500);
    expect(throttleTimeMs(1000.04, 1000, 10_000)).toBe(0);
  });
});

/** A lookup over entities written as "user/client" with "*" for the default and "-" for an absent component. */
function lookupOf(quotas: Record<string, number>): QuotaLookup {
  const part = (v: string | null | undefined): string => (v === undefined ? '-' : v === null ? '*' : v);
  return (user, clientId) => quotas[`${part(user)}/${part(clientId)}`];
}

describe('quota precedence (DefaultQuotaCallback)', () => {
  const levels: Array<[string, Record<string, number>, { user: string; clientId: string }, number | undefined]> = [
    ['1 /users/<user>/clients/<client-id>', { 'alice/app': 1, 'alice/*': 2, 'alice/-': 3 }, { user: 'alice', clientId: 'app' }, 1],
    ['2 /users/<user>/clients/<default>', { 'alice/*': 2, 'alice/-': 3, '*/app': 4 }, { user: 'alice', clientId: 'app' }, 2],
    ['3 /users/<user>', { 'alice/-': 3, '*/app': 4, '*/*': 5 }, { user: 'alice', clientId: '' }, 3],
    ['4 /users/<default>/clients/<client-id>', { '*/app': 4, '*/*': 5, '*/-': 6 }, { user: 'alice', clientId: 'app' }, 4],
    ['5 /users/<default>/clients/<default>', { '*/*': 5, '*/-': 6, '-/app': 7 }, { user: 'alice', clientId: 'app' }, 5],
    ['6 /users/<default>', { '*/-': 6, '-/app': 7, '-/*': 8 }, { user: 'alice', clientId: '' }, 6],
    ['7 /clients/<client-id>', { '-/app': 7, '-/*': 8 }, { user: '', clientId: 'app' }, 7],
    ['8 /clients/<default>', { '-/*': 8, 'bob/-': 9 }, { user: '', clientId: 'app' }, 8],
    ['no quota', { 'bob/-': 9 }, { user: '', clientId: 'app' }, undefined],
  ];
  it.each(levels)('level %s wins over the levels below it', (_level, quotas, tags, limit) => {
    const lookup = lookupOf(quotas);
    expect(quotaTags(lookup, 'alice', 'app')).toEqual(tags);
    expect(quotaLimit(lookup, quotaTags(lookup, 'alice', 'app'))).toBe(limit);
  });

  it('looks the limit up again through the levels the tags allow', () => {
    // A user/client default picks (user, client) tags; the limit then prefers an exact user/client entry.
    expect(quotaLimit(lookupOf({ '*/*': 5, '*/app': 4 }), { user: 'alice', clientId: 'app' })).toBe(4);
    expect(quotaLimit(lookupOf({ '*/-': 6 }), { user: 'alice', clientId: '' })).toBe(6);
  });
});

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-quotas-'));
}

const entity = (pairs: Array<[string, string | null]>): QuotaEntity => new Map(pairs);

describe('ClientQuotaStore (ClientQuotaControlManager validation)', () => {
  it('refuses what Kafka refuses, entity by entity, with its messages', () => {
    const store = ClientQuotaStore.open(null, silentLogger());
    const outcomes = (e: QuotaEntity, ops: Array<{ key: string; value: number | null }>): string | null =>
      store.alter([{ entity: e, ops }], false)[0].errorMessage;
    expect(outcomes(entity([]), [])).toBe('Invalid empty client quota entity');
    expect(outcomes(entity([['group', 'g']]), [])).toBe('Unhandled client quota entity type: group');
    expect(outcomes(entity([['user', '']]), [])).toBe('Empty user not supported');
    expect(outcomes(entity([['user', 'u']]), [{ key: 'bogus', value: 1 }])).toBe('Invalid configuration key bogus');
    expect(outcomes(entity([['user', 'u']]), [{ key: 'producer_byte_rate', value: 0 }])).toBe('Quota producer_byte_rate must be greater than 0');
    expect(outcomes(entity([['user', 'u']]), [{ key: 'producer_byte_rate', value: 1.5 }])).toBe('producer_byte_rate cannot be a fractional value.');
    expect(outcomes(entity([['ip', '1.2.3.4']]), [{ key: 'producer_byte_rate', value: 1 }])).toBe('Invalid configuration key producer_byte_rate');
    expect(outcomes(entity([['user', 'u']]), [{ key: 'request_percentage', value: 12.5 }])).toBeNull();
    // Removing a key that was never set, even an unknown one, is no error.
    expect(outcomes(entity([['user', 'u']]), [{ key: 'bogus', value: null }])).toBeNull();
    expect(
      outcomes(entity([['user', 'u']]), [
        { key: 'producer_byte_rate', value: 1 },
        { key: 'producer_byte_rate', value: 2 },
      ]),
    ).toBe('Ignoring duplicate entity ClientQuotaEntity(entries={user=u})');
  });

  it('describes by exact name, default and any, strict or not', () => {
    const store = ClientQuotaStore.open(null, silentLogger());
    store.alter(
      [
        { entity: entity([['user', 'alice']]), ops: [{ key: 'producer_byte_rate', value: 100 }] },
        { entity: entity([['user', null]]), ops: [{ key: 'consumer_byte_rate', value: 200 }] },
        {
          entity: entity([
            ['user', 'alice'],
            ['client-id', 'app'],
          ]),
          ops: [{ key: 'request_percentage', value: 50 }],
        },
      ],
      false,
    );
    const names = (components: Array<{ entityType: string; matchType: number; match: string | null }>, strict: boolean): string[] => {
      const filter = parseFilter(components, strict);
      if (isProblem(filter)) throw new Error(filter.message);
      return store
        .describe(filter)
        .map((d) => [...d.entity].map(([t, n]) => `${t}=${n ?? '<default>'}`).join(','))
        .sort();
    };
    expect(names([{ entityType: 'user', matchType: 0, match: 'alice' }], false)).toEqual(['user=alice', 'user=alice,client-id=app']);
    expect(names([{ entityType: 'user', matchType: 0, match: 'alice' }], true)).toEqual(['user=alice']);
    expect(names([{ entityType: 'user', matchType: 1, match: null }], false)).toEqual(['user=<default>']);
    expect(names([{ entityType: 'client-id', matchType: 2, match: null }], false)).toEqual(['user=alice,client-id=app']);
    expect(parseFilter([{ entityType: 'user', matchType: 0, match: null }], false)).toEqual({
      errorCode: 42,
      message: 'Request specified MATCH_TYPE_EXACT, but set match string to null.',
    });
    expect(parseFilter([{ entityType: 'group', matchType: 2, match: null }], false)).toEqual({ errorCode: 35, message: 'Unsupported entity type group' });
  });

  it('keeps quotas in the data dir across a reopen, and validate_only changes nothing', () => {
    const dir = tempDir();
    try {
      const store = ClientQuotaStore.open(dir, silentLogger());
      store.alter([{ entity: entity([['client-id', null]]), ops: [{ key: 'producer_byte_rate', value: 1024 }] }], false);
      store.alter([{ entity: entity([['user', 'u']]), ops: [{ key: 'producer_byte_rate', value: 1 }] }], true);
      expect(fs.existsSync(path.join(dir, QUOTAS_FILE))).toBe(true);
      const reopened = ClientQuotaStore.open(dir, silentLogger());
      expect(reopened.all().map((e) => [[...e.entity], [...e.quotas]])).toEqual([[[['client-id', null]], [['producer_byte_rate', 1024]]]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ClientQuotaManager', () => {
  it('measures nothing until a quota of the type is set, then throttles a client over it', () => {
    const store = ClientQuotaStore.open(null, silentLogger());
    const manager = new ClientQuotaManager(store, WINDOWS);
    const client = { user: 'ANONYMOUS', clientId: 'app' };
    expect(manager.enabled('produce')).toBe(false);
    expect(manager.record('produce', client, 1e9, 0)).toBe(0);
    store.alter([{ entity: entity([['client-id', 'app']]), ops: [{ key: 'producer_byte_rate', value: 1000 }] }], false);
    expect(manager.enabled('produce')).toBe(true);
    expect(manager.enabled('fetch')).toBe(false);
    // 10 000 bytes fit the 10 s the first windows are measured over; 5 000 more are 50 % over: 5 s to wait.
    expect(manager.record('produce', client, 10_000, 0)).toBe(0);
    expect(manager.record('produce', client, 5000, 0)).toBe(5000);
    expect(manager.record('produce', { user: 'ANONYMOUS', clientId: 'other' }, 15_000, 0)).toBe(0);
    expect(manager.maxValueInWindow('produce', client)).toBe(10_000);
    expect(manager.maxValueInWindow('fetch', client)).toBe(Infinity);
  });

  it('caps a request_percentage throttle at one window', () => {
    const store = ClientQuotaStore.open(null, silentLogger());
    store.alter([{ entity: entity([['user', null]]), ops: [{ key: 'request_percentage', value: 1 }] }], false);
    const manager = new ClientQuotaManager(store, WINDOWS);
    // One second of handler time is 100 %, against a 1 % quota.
    expect(manager.recordRequestTime({ user: 'alice', clientId: null }, 1e9, 0)).toBe(1000);
  });
});

describe('controller_mutation_rate (Kafka TokenBucket, KIP-599)', () => {
  it('starts full at quota x (samples - 1) windows, refills at the quota, and may be overdrawn', () => {
    const bucket = new TokenBucket(WINDOWS, 2, 0);
    expect(bucket.measure(2, 0)).toBe(20);
    bucket.take(25, 2, 0);
    expect(bucket.measure(2, 0)).toBe(-5);
    expect(bucketThrottleMs(-5, 2)).toBe(2500);
    expect(bucket.measure(2, 1000)).toBe(-3);
    // Never above the burst, however long it rests.
    expect(bucket.measure(2, 1_000_000)).toBe(20);
    expect(bucketThrottleMs(3, 2)).toBe(0);
  });

  function mutationManager(): { manager: ClientQuotaManager; clock: { now: number } } {
    const store = ClientQuotaStore.open(null, silentLogger());
    store.alter([{ entity: entity([['client-id', 'admin']]), ops: [{ key: 'controller_mutation_rate', value: 1 }] }], false);
    return { manager: new ClientQuotaManager(store, { samples: 3, windowMs: 1000 }), clock: { now: 0 } };
  }

  it('strict: admits while tokens remain, then refuses with the time to refill to zero', () => {
    const { manager, clock } = mutationManager();
    const client = { user: 'ANONYMOUS', clientId: 'admin' };
    const quota = manager.mutationQuota(client, true, () => clock.now);
    // A burst of 2 tokens: a 3-partition topic is admitted (the check comes before the take), the next is not.
    expect(quota.admit(3)).toBe(true);
    expect(quota.throttleMs()).toBe(0);
    expect(quota.admit(1)).toBe(false);
    expect(quota.throttleMs()).toBe(1000);
    clock.now = 400;
    expect(quota.throttleMs()).toBe(600);
    // A later request, once the bucket is back at zero, is admitted again.
    clock.now = 1000;
    expect(manager.mutationQuota(client, true, () => clock.now).admit(1)).toBe(true);
  });

  it('permissive: admits everything and throttles for what was overdrawn', () => {
    const { manager, clock } = mutationManager();
    const quota = manager.mutationQuota({ user: 'ANONYMOUS', clientId: 'admin' }, false, () => clock.now);
    expect(quota.admit(2)).toBe(true);
    expect(quota.throttleMs()).toBe(0);
    expect(quota.admit(4)).toBe(true);
    expect(quota.throttleMs()).toBe(4000);
  });

  it('leaves clients without a quota alone', () => {
    const { manager, clock } = mutationManager();
    const quota = manager.mutationQuota({ user: 'ANONYMOUS', clientId: 'other' }, true, () => clock.now);
    expect(quota.admit(1_000_000)).toBe(true);
    expect(quota.admit(1)).toBe(true);
    expect(quota.throttleMs()).toBe(0);
  });
});
