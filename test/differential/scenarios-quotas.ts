// Scenarios for client quotas: AlterClientQuotas as Kafka's controller validates it (entity types and names, keys,
// values, duplicates, validate_only) and DescribeClientQuotas as its broker filters (exact, default and any
// matches, strict, and the filters it refuses). Every entity is named for its scenario (Kafka keeps quotas across
// scenarios); a Describe after an Alter waits a moment, since Kafka's broker learns the change from its controller.
import { AlterClientQuotasRequestCodec, type AlterClientQuotasRequestInit } from '../../codecs/generated/AlterClientQuotasRequest';
import { AlterClientQuotasResponseCodec } from '../../codecs/generated/AlterClientQuotasResponse';
import { DescribeClientQuotasRequestCodec, type DescribeClientQuotasRequestInit } from '../../codecs/generated/DescribeClientQuotasRequest';
import { DescribeClientQuotasResponseCodec } from '../../codecs/generated/DescribeClientQuotasResponse';
import { step, type Scenario, type Step } from './harness';

type Entity = Array<{ entityType: string; entityName: string | null }>;
type Op = { key: string; value?: number; remove?: boolean };

const EXACT = 0;
const DEFAULT = 1;
const ANY = 2;
/** How long Kafka's broker may take to see its controller's change in its metadata image. */
const METADATA_SETTLE_MS = 500;

function alter(version: number, entity: Entity, ops: readonly Op[], validateOnly = false): Step {
  const body: AlterClientQuotasRequestInit = {
    entries: [{ entity, ops: ops.map((op) => ({ key: op.key, value: op.value ?? 0, remove: op.remove ?? false })) }],
    validateOnly,
  };
  return step(AlterClientQuotasRequestCodec, AlterClientQuotasResponseCodec, version, body);
}

function describe(version: number, components: DescribeClientQuotasRequestInit['components'], strict = false): Step {
  const inner = step(DescribeClientQuotasRequestCodec, DescribeClientQuotasResponseCodec, version, { components, strict });
  return {
    label: inner.label,
    send: async (client, history) => {
      await new Promise((resolve) => setTimeout(resolve, METADATA_SETTLE_MS));
      return inner.send(client, history);
    },
  };
}

const user = (name: string | null): Entity => [{ entityType: 'user', entityName: name }];
const client = (name: string | null): Entity => [{ entityType: 'client-id', entityName: name }];

export const QUOTA_SCENARIOS: readonly Scenario[] = [
  ...[0, 1].map((version) => ({
    name: `AlterClientQuotas v${version} refusals: entities Kafka's controller does not take`,
    steps: [
      alter(version, [], [{ key: 'producer_byte_rate', value: 1024 }]),
      alter(version, [{ entityType: 'group', entityName: 'g' }], [{ key: 'producer_byte_rate', value: 1024 }]),
      alter(version, user(''), [{ key: 'producer_byte_rate', value: 1024 }]),
      alter(version, [...user('diff-quota-ipmix'), { entityType: 'ip', entityName: '127.0.0.1' }], [{ key: 'producer_byte_rate', value: 1024 }]),
    ],
  })),
  {
    name: 'AlterClientQuotas v1 refusals: unknown keys, values out of range, a key named twice',
    steps: [
      alter(1, user('diff-quota-bad'), [{ key: 'bogus_rate', value: 1 }]),
      alter(1, user('diff-quota-bad'), [{ key: 'producer_byte_rate', value: 0 }]),
      alter(1, user('diff-quota-bad'), [{ key: 'consumer_byte_rate', value: -5 }]),
      alter(1, user('diff-quota-bad'), [{ key: 'producer_byte_rate', value: 1024.5 }]),
      alter(1, [{ entityType: 'ip', entityName: '127.0.0.1' }], [{ key: 'connection_creation_rate', value: 3e9 }]),
      alter(1, [{ entityType: 'ip', entityName: '127.0.0.1' }], [{ key: 'request_percentage', value: 10 }]),
      alter(1, user('diff-quota-bad'), [
        { key: 'producer_byte_rate', value: 1024 },
        { key: 'producer_byte_rate', value: 2048 },
      ]),
      alter(1, user('diff-quota-bad'), [{ key: 'bogus_rate', remove: true }]),
      describe(1, [{ entityType: 'user', matchType: EXACT, match: 'diff-quota-bad' }]),
    ],
  },
  {
    name: 'AlterClientQuotas v1 validate_only checks without storing',
    steps: [
      alter(1, user('diff-quota-dry'), [{ key: 'producer_byte_rate', value: 4096 }], true),
      describe(1, [{ entityType: 'user', matchType: EXACT, match: 'diff-quota-dry' }]),
    ],
  },
  ...[0, 1].map((version) => ({
    name: `Client quotas v${version}: set on a user, a user and client id, read back by exact and strict filters, removed`,
    steps: [
      alter(version, user(`diff-quota-u${version}`), [
        { key: 'producer_byte_rate', value: 1048576 },
        { key: 'request_percentage', value: 12.5 },
      ]),
      alter(version, [...user(`diff-quota-u${version}`), ...client('diff-quota-app')], [{ key: 'consumer_byte_rate', value: 2097152 }]),
      describe(version, [{ entityType: 'user', matchType: EXACT, match: `diff-quota-u${version}` }]),
      describe(version, [{ entityType: 'user', matchType: EXACT, match: `diff-quota-u${version}` }], true),
      describe(version, [
        { entityType: 'user', matchType: EXACT, match: `diff-quota-u${version}` },
        { entityType: 'client-id', matchType: ANY, match: null },
      ]),
      alter(version, user(`diff-quota-u${version}`), [{ key: 'producer_byte_rate', remove: true }]),
      describe(version, [{ entityType: 'user', matchType: EXACT, match: `diff-quota-u${version}` }], true),
      alter(version, user(`diff-quota-u${version}`), [{ key: 'request_percentage', remove: true }]),
      alter(version, [...user(`diff-quota-u${version}`), ...client('diff-quota-app')], [{ key: 'consumer_byte_rate', remove: true }]),
      describe(version, [{ entityType: 'user', matchType: EXACT, match: `diff-quota-u${version}` }]),
    ],
  })),
  {
    name: 'Client quotas v1: <default> user and client-id entities, matched by the default filter',
    steps: [
      alter(1, client(null), [{ key: 'controller_mutation_rate', value: 7.5 }]),
      alter(1, [...user(null), ...client(null)], [{ key: 'producer_byte_rate', value: 65536 }]),
      describe(1, [{ entityType: 'client-id', matchType: DEFAULT, match: null }], true),
      describe(1, [
        { entityType: 'user', matchType: DEFAULT, match: null },
        { entityType: 'client-id', matchType: DEFAULT, match: null },
      ]),
      alter(1, client(null), [{ key: 'controller_mutation_rate', remove: true }]),
      alter(1, [...user(null), ...client(null)], [{ key: 'producer_byte_rate', remove: true }]),
      describe(1, [{ entityType: 'client-id', matchType: DEFAULT, match: null }]),
    ],
  },
  ...[0, 1].map((version) => ({
    name: `DescribeClientQuotas v${version} refusals: filters Kafka's broker does not take`,
    steps: [
      describe(version, [{ entityType: '', matchType: ANY, match: null }]),
      describe(version, [
        { entityType: 'user', matchType: ANY, match: null },
        { entityType: 'user', matchType: DEFAULT, match: null },
      ]),
      describe(version, [{ entityType: 'group', matchType: ANY, match: null }]),
      describe(version, [{ entityType: 'user', matchType: EXACT, match: null }]),
      describe(version, [{ entityType: 'user', matchType: DEFAULT, match: 'x' }]),
      describe(version, [{ entityType: 'client-id', matchType: ANY, match: 'x' }]),
      describe(version, [{ entityType: 'client-id', matchType: 3, match: null }]),
      describe(version, [
        { entityType: 'ip', matchType: ANY, match: null },
        { entityType: 'user', matchType: ANY, match: null },
      ]),
    ],
  })),
];
