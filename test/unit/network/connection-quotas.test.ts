// The arithmetic of connection quotas (KIP-612) and connection limits, with time passed in: the figures are what
// Kafka 4.3.1's ConnectionQuotas computes with its Rate sensors and QuotaUtils.boundedThrottleTime.
import { canonicalAddress, ConnectionQuotas, parsePerIpOverrides, UNLIMITED, type ConnectionLimits } from '../../../src/network/connection-quotas';

const OPEN: ConnectionLimits = {
  maxConnections: UNLIMITED,
  maxConnectionsPerIp: UNLIMITED,
  maxConnectionsPerIpOverrides: new Map(),
  maxConnectionCreationRate: UNLIMITED,
  listeners: new Map([['PLAINTEXT', { maxConnections: UNLIMITED, maxConnectionCreationRate: UNLIMITED }]]),
  interBrokerListener: 'PLAINTEXT',
};
const KAFKA_WINDOWS = { samples: 11, windowMs: 1000 };

describe('connection creation rates', () => {
  test('the broker-wide rate lets a burst of rate × (windows − 1) through, then delays by the time it takes to fall back', () => {
    const quotas = new ConnectionQuotas({ ...OPEN, maxConnectionCreationRate: 5 }, KAFKA_WINDOWS);
    // The rate is measured over at least 10 windows: 50 connections at once are 5 a second.
    for (let i = 0; i < 50; i++) expect(quotas.recordConnection('PLAINTEXT', 0)).toBe(0);
    // 5.1 a second: (5.1 − 5) / 5 × 10 s.
    expect(quotas.recordConnection('PLAINTEXT', 0)).toBe(200);
  });

  test('a listener-prefixed rate applies to its listener only; a delay is at most one quota window', () => {
    const listeners = new Map([
      ['PLAINTEXT', { maxConnections: UNLIMITED, maxConnectionCreationRate: 1 }],
      ['OTHER', { maxConnections: UNLIMITED, maxConnectionCreationRate: UNLIMITED }],
    ]);
    const quotas = new ConnectionQuotas({ ...OPEN, listeners }, { samples: 2, windowMs: 1000 });
    expect(quotas.recordConnection('PLAINTEXT', 0)).toBe(0);
    expect(quotas.recordConnection('PLAINTEXT', 0)).toBe(1000);
    // 3 a second over 1 s would be 2 s: capped at the window.
    expect(quotas.recordConnection('PLAINTEXT', 0)).toBe(1000);
    for (let i = 0; i < 10; i++) expect(quotas.recordConnection('OTHER', 0)).toBe(0);
  });

  test('an address over its connection_creation_rate is throttled and its connection taken back out of the rates', () => {
    const quotas = new ConnectionQuotas({ ...OPEN, maxConnectionCreationRate: 2 }, { samples: 3, windowMs: 1000 });
    quotas.setAddressQuotas([
      ['127.0.0.1', 2],
      [null, 100],
    ]);
    for (let i = 0; i < 4; i++) {
      expect(quotas.recordConnection('PLAINTEXT', 0)).toBe(0);
      expect(quotas.addressThrottleMs('PLAINTEXT', '127.0.0.1', 0)).toBe(0);
    }
    // Fifth: 2.5 a second over 2 s, (2.5 − 2) / 2 × 2 s. The broker-wide rate (also 2) throttles it as well.
    expect(quotas.recordConnection('PLAINTEXT', 0)).toBe(500);
    expect(quotas.addressThrottleMs('PLAINTEXT', '127.0.0.1', 0)).toBe(500);
    // Taken back out of the address's and the broker's rates: the next one is measured as the fifth again.
    expect(quotas.recordConnection('PLAINTEXT', 0)).toBe(500);
    expect(quotas.addressThrottleMs('PLAINTEXT', '127.0.0.1', 0)).toBe(500);
    // Another address falls under the default quota; an address without any quota is never recorded.
    expect(quotas.addressThrottleMs('PLAINTEXT', '10.0.0.1', 0)).toBe(0);
    expect(quotas.addressQuota('10.0.0.1')).toBe(100);
    quotas.setAddressQuotas([]);
    expect(quotas.addressQuota('127.0.0.1')).toBe(UNLIMITED);
    expect(quotas.addressThrottleMs('PLAINTEXT', '127.0.0.1', 0)).toBe(0);
  });
});

describe('connection counts', () => {
  test('max.connections.per.ip refuses the one over it, an override per address, and release frees the place', () => {
    const quotas = new ConnectionQuotas(
      { ...OPEN, maxConnectionsPerIp: 2, maxConnectionsPerIpOverrides: parsePerIpOverrides('localhost:1, 10.1.1.1 : 0,::1:3') },
      KAFKA_WINDOWS,
    );
    expect(quotas.add('PLAINTEXT', '10.0.0.9')).toBeNull();
    expect(quotas.add('PLAINTEXT', '10.0.0.9')).toBeNull();
    expect(quotas.add('PLAINTEXT', '10.0.0.9')).toBe(2);
    quotas.release('PLAINTEXT', '10.0.0.9');
    expect(quotas.connectionsFrom('10.0.0.9')).toBe(2);
    expect(quotas.add('PLAINTEXT', '127.0.0.1')).toBeNull();
    expect(quotas.add('PLAINTEXT', '127.0.0.1')).toBe(1);
    expect(quotas.add('PLAINTEXT', '10.1.1.1')).toBe(0);
    expect(parsePerIpOverrides('localhost:1, 10.1.1.1 : 0,::1:3')).toEqual(
      new Map([
        ['127.0.0.1', 1],
        ['10.1.1.1', 0],
        ['::1', 3],
      ]),
    );
  });

  test('max.connections leaves no slot at the limit, except on the inter-broker listener once there are two listeners', () => {
    const listeners = new Map([
      ['PLAINTEXT', { maxConnections: UNLIMITED, maxConnectionCreationRate: UNLIMITED }],
      ['EXTERNAL', { maxConnections: 1, maxConnectionCreationRate: UNLIMITED }],
    ]);
    const quotas = new ConnectionQuotas({ ...OPEN, maxConnections: 2, listeners }, KAFKA_WINDOWS);
    quotas.add('EXTERNAL', '10.0.0.1');
    expect(quotas.slotAvailable('EXTERNAL')).toBe(false);
    quotas.add('PLAINTEXT', '10.0.0.2');
    expect(quotas.slotAvailable('PLAINTEXT')).toBe(true);
    quotas.add('PLAINTEXT', '10.0.0.3');
    expect(quotas.exceeded('EXTERNAL')).toBe(true);
    expect(quotas.exceeded('PLAINTEXT')).toBe(false);
    expect(quotas.excess()).toBe(1);
    quotas.reconfigure({ ...OPEN, maxConnections: 2, listeners, interBrokerListener: 'OTHER' });
    expect(quotas.slotAvailable('PLAINTEXT')).toBe(false);
  });

  test('client addresses are compared as Java compares InetAddresses', () => {
    expect(canonicalAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalAddress('LOCALHOST')).toBe('127.0.0.1');
    expect(canonicalAddress('FE80::1')).toBe('fe80::1');
  });
});
