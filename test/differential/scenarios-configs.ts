// Scenarios for describing and altering configs (DescribeConfigs v1-v4, AlterConfigs v0-v2,
// IncrementalAlterConfigs v0-v1) on topic and broker resources, and for the cluster views admin clients ask for
// (DescribeCluster, DescribeLogDirs). Values, sources, synonyms, documentation and flags are compared field by field.
import { AlterConfigsRequestCodec, type AlterConfigsRequestAlterableConfigInit } from '../../codecs/generated/AlterConfigsRequest';
import { AlterConfigsResponseCodec } from '../../codecs/generated/AlterConfigsResponse';
import { DescribeClusterRequestCodec } from '../../codecs/generated/DescribeClusterRequest';
import { DescribeClusterResponseCodec } from '../../codecs/generated/DescribeClusterResponse';
import { DescribeConfigsRequestCodec } from '../../codecs/generated/DescribeConfigsRequest';
import { DescribeConfigsResponseCodec } from '../../codecs/generated/DescribeConfigsResponse';
import { DescribeLogDirsRequestCodec, type DescribeLogDirsRequestInit } from '../../codecs/generated/DescribeLogDirsRequest';
import { DescribeLogDirsResponseCodec } from '../../codecs/generated/DescribeLogDirsResponse';
import {
  IncrementalAlterConfigsRequestCodec,
  type IncrementalAlterConfigsRequestAlterableConfigInit,
} from '../../codecs/generated/IncrementalAlterConfigsRequest';
import { IncrementalAlterConfigsResponseCodec } from '../../codecs/generated/IncrementalAlterConfigsResponse';
import { step, type Scenario, type Step } from './harness';

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

interface DescribeOptions {
  readonly version?: number;
  readonly synonyms?: boolean;
  readonly documentation?: boolean;
}

function describeConfigs(resourceType: number, resourceName: string, keys: readonly string[] | null, options: DescribeOptions = {}): Step {
  const body = {
    resources: [{ resourceType, resourceName, configurationKeys: keys }],
    includeSynonyms: options.synonyms ?? false,
    includeDocumentation: options.documentation ?? false,
  };
  return step(DescribeConfigsRequestCodec, DescribeConfigsResponseCodec, options.version ?? 4, body);
}

function alterConfigs(
  resourceType: number,
  resourceName: string,
  configs: readonly AlterConfigsRequestAlterableConfigInit[],
  version = 2,
  validateOnly = false,
): Step {
  return step(AlterConfigsRequestCodec, AlterConfigsResponseCodec, version, { resources: [{ resourceType, resourceName, configs }], validateOnly });
}

function incrementalAlter(
  resourceType: number,
  resourceName: string,
  configs: readonly IncrementalAlterConfigsRequestAlterableConfigInit[],
  version = 1,
  validateOnly = false,
): Step {
  return step(IncrementalAlterConfigsRequestCodec, IncrementalAlterConfigsResponseCodec, version, {
    resources: [{ resourceType, resourceName, configs }],
    validateOnly,
  });
}

/**
 * Kafka's controller answers an alteration once it is committed; the broker that then describes the resource
 * applies it a moment later from its metadata log. A client reading its own write waits the same way.
 */
function settle(ms = 300): Step {
  return { label: 'settle', send: () => new Promise((resolve) => setTimeout(() => resolve({}), ms)) };
}

/** Kafka applies a broker-level change from its metadata log later than a topic's; two in a row take longer still. */
const BROKER_SETTLE_MS = 1500;

function describeLogDirs(version: number, body: DescribeLogDirsRequestInit): Step {
  return step(DescribeLogDirsRequestCodec, DescribeLogDirsResponseCodec, version, body);
}

/** Broker configs neither broker sets in its own config file, so both report Kafka's defaults. */
const BROKER_KEYS = ['num.partitions', 'default.replication.factor', 'message.max.bytes', 'log.retention.hours', 'auto.create.topics.enable'];
/** min.insync.replicas comes from the cluster-wide dynamic default Kafka's storage tool writes at format. */
const TOPIC_KEYS = ['retention.ms', 'cleanup.policy', 'max.message.bytes', 'segment.ms', 'min.insync.replicas'];

function setOp(name: string, value: string): IncrementalAlterConfigsRequestAlterableConfigInit {
  return { name, configOperation: SET, value };
}

function deleteOp(name: string): IncrementalAlterConfigsRequestAlterableConfigInit {
  return { name, configOperation: DELETE, value: null };
}

/** A broker-resource alteration that must be refused; validateOnly, so a wrong acceptance changes nothing either broker keeps. */
function refusedBrokerChange(name: string, resourceName: string, config: IncrementalAlterConfigsRequestAlterableConfigInit): Scenario {
  return { name, steps: [incrementalAlter(BROKER, resourceName, [config], 1, true)] };
}

/**
 * Dynamic broker configs (KIP-226) on the cluster-wide default ("") and on broker 1. Both brokers keep what these
 * scenarios store for the rest of the run, so every scenario that stores a value deletes it again in its last steps.
 */
const DYNAMIC_BROKER_SCENARIOS: readonly Scenario[] = [
  {
    name: 'IncrementalAlterConfigs of the cluster-wide default reaches a topic without its own value',
    topics: [{ name: 'diff-dyn-default', partitions: 1 }],
    steps: [
      incrementalAlter(BROKER, '', [setOp('log.retention.ms', '3600000')]),
      settle(BROKER_SETTLE_MS),
      describeConfigs(BROKER, '', null, { synonyms: true }),
      describeConfigs(BROKER, '1', ['log.retention.ms', 'log.retention.hours'], { synonyms: true }),
      describeConfigs(TOPIC, 'diff-dyn-default', ['retention.ms'], { synonyms: true }),
      incrementalAlter(BROKER, '', [deleteOp('log.retention.ms')]),
      settle(BROKER_SETTLE_MS),
      describeConfigs(TOPIC, 'diff-dyn-default', ['retention.ms'], { synonyms: true }),
      describeConfigs(BROKER, '', null, { synonyms: true }),
    ],
  },
  {
    name: "IncrementalAlterConfigs of broker 1 wins over the cluster-wide default and a topic's override over both",
    topics: [{ name: 'diff-dyn-broker', partitions: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] }],
    steps: [
      incrementalAlter(BROKER, '', [setOp('message.max.bytes', '2000000'), setOp('log.cleanup.policy', 'delete')]),
      settle(BROKER_SETTLE_MS),
      incrementalAlter(BROKER, '1', [setOp('message.max.bytes', '3000000')]),
      settle(BROKER_SETTLE_MS),
      describeConfigs(BROKER, '1', ['message.max.bytes', 'log.cleanup.policy'], { synonyms: true }),
      describeConfigs(TOPIC, 'diff-dyn-broker', ['max.message.bytes', 'cleanup.policy'], { synonyms: true }),
      incrementalAlter(BROKER, '1', [deleteOp('message.max.bytes')]),
      incrementalAlter(BROKER, '', [deleteOp('message.max.bytes'), deleteOp('log.cleanup.policy')]),
      settle(BROKER_SETTLE_MS),
      describeConfigs(BROKER, '1', ['message.max.bytes', 'log.cleanup.policy'], { synonyms: true }),
    ],
  },
  {
    name: "AlterConfigs replaces broker 1's dynamic configs and an empty list restores the static values",
    steps: [
      alterConfigs(BROKER, '1', [{ name: 'log.cleaner.threads', value: '2' }]),
      alterConfigs(BROKER, '1', [{ name: 'log.retention.ms', value: '120000' }]),
      settle(BROKER_SETTLE_MS),
      describeConfigs(BROKER, '1', ['log.cleaner.threads', 'log.retention.ms'], { synonyms: true }),
      alterConfigs(BROKER, '1', []),
      settle(BROKER_SETTLE_MS),
      describeConfigs(BROKER, '1', ['log.cleaner.threads', 'log.retention.ms'], { synonyms: true }),
    ],
  },
  {
    name: 'AlterConfigs of the cluster-wide default without min.insync.replicas',
    steps: [alterConfigs(BROKER, '', [{ name: 'log.cleaner.threads', value: '2' }])],
  },
  {
    name: 'IncrementalAlterConfigs stores an unknown broker config as a secret',
    steps: [
      incrementalAlter(BROKER, '', [setOp('diff.plugin.setting', 'x')]),
      settle(BROKER_SETTLE_MS),
      describeConfigs(BROKER, '', ['diff.plugin.setting'], { synonyms: true }),
      describeConfigs(BROKER, '1', ['diff.plugin.setting'], { synonyms: true }),
      incrementalAlter(BROKER, '', [deleteOp('diff.plugin.setting')]),
      settle(BROKER_SETTLE_MS),
      describeConfigs(BROKER, '', ['diff.plugin.setting']),
    ],
  },
  {
    name: 'IncrementalAlterConfigs validateOnly of a broker default changes nothing',
    steps: [
      incrementalAlter(BROKER, '', [setOp('log.segment.bytes', '2097152')], 1, true),
      settle(BROKER_SETTLE_MS),
      describeConfigs(BROKER, '', ['log.segment.bytes']),
    ],
  },
  refusedBrokerChange('IncrementalAlterConfigs of a read-only broker config', '', setOp('num.partitions', '3')),
  refusedBrokerChange('IncrementalAlterConfigs of a broker config with a value of the wrong type', '', setOp('log.retention.ms', 'soon')),
  refusedBrokerChange('IncrementalAlterConfigs of a broker config below its minimum', '', setOp('message.max.bytes', '-5')),
  refusedBrokerChange('IncrementalAlterConfigs of a broker enum config', '1', setOp('log.message.timestamp.type', 'Now')),
  refusedBrokerChange(
    'IncrementalAlterConfigs of a per-broker listener config at the cluster-wide default',
    '',
    setOp('listener.name.plaintext.ssl.keystore.type', 'JKS'),
  ),
  refusedBrokerChange('IncrementalAlterConfigs of a security config without a listener prefix', '1', setOp('ssl.keystore.type', 'JKS')),
  refusedBrokerChange('IncrementalAlterConfigs of a thread pool to more than double', '', setOp('num.io.threads', '17')),
  refusedBrokerChange('IncrementalAlterConfigs of the log cleaner to no threads', '1', setOp('log.cleaner.threads', '0')),
  refusedBrokerChange('IncrementalAlterConfigs of max.connections.per.ip to zero without overrides', '', setOp('max.connections.per.ip', '0')),
  refusedBrokerChange(
    'IncrementalAlterConfigs of max.connections.per.ip.overrides with a bad host',
    '',
    setOp('max.connections.per.ip.overrides', 'bad host!:3'),
  ),
  refusedBrokerChange('IncrementalAlterConfigs of max.connections to zero', '', setOp('max.connections', '0')),
  refusedBrokerChange(
    'IncrementalAlterConfigs of a listener max.connection.creation.rate to zero',
    '',
    setOp('listener.name.plaintext.max.connection.creation.rate', '0'),
  ),
  refusedBrokerChange('IncrementalAlterConfigs of an unknown broker id', '7', setOp('log.retention.ms', '1000')),
  refusedBrokerChange('IncrementalAlterConfigs of a broker id that is not a number', 'one', setOp('log.retention.ms', '1000')),
  refusedBrokerChange('IncrementalAlterConfigs appends to a broker config that is not a list', '', {
    name: 'log.retention.ms',
    configOperation: APPEND,
    value: '10',
  }),
  refusedBrokerChange('IncrementalAlterConfigs deletes the cluster-wide min.insync.replicas', '', deleteOp('min.insync.replicas')),
  refusedBrokerChange('IncrementalAlterConfigs appends a null value to a broker config', '', {
    name: 'log.cleanup.policy',
    configOperation: APPEND,
    value: null,
  }),
  refusedBrokerChange('IncrementalAlterConfigs of a broker config with an unknown operation', '1', {
    name: 'log.retention.ms',
    configOperation: 9,
    value: '1',
  }),
  { name: 'AlterConfigs of an unknown broker id', steps: [alterConfigs(BROKER, '7', [{ name: 'log.retention.ms', value: '1000' }], 2, true)] },
];

export const CONFIG_SCENARIOS: readonly Scenario[] = [
  ...DYNAMIC_BROKER_SCENARIOS,
  ...[1, 2, 3].map((version) => ({
    name: `DescribeConfigs v${version} of a topic`,
    topics: [{ name: `diff-dc-topic-v${version}`, partitions: 1 }],
    steps: [describeConfigs(TOPIC, `diff-dc-topic-v${version}`, TOPIC_KEYS, { version, synonyms: version >= 1 })],
  })),
  {
    name: 'DescribeConfigs v4 of a topic with documentation',
    topics: [{ name: 'diff-dc-docs', partitions: 1 }],
    steps: [describeConfigs(TOPIC, 'diff-dc-docs', TOPIC_KEYS, { documentation: true })],
  },
  {
    name: 'DescribeConfigs v4 of every config of a topic',
    topics: [{ name: 'diff-dc-all', partitions: 1 }],
    steps: [describeConfigs(TOPIC, 'diff-dc-all', null)],
  },
  {
    name: 'DescribeConfigs v4 of every config of a topic with synonyms',
    topics: [{ name: 'diff-dc-all-synonyms', partitions: 1 }],
    steps: [describeConfigs(TOPIC, 'diff-dc-all-synonyms', null, { synonyms: true })],
  },
  {
    name: 'DescribeConfigs v4 of an unknown config name',
    topics: [{ name: 'diff-dc-unknown-key', partitions: 1 }],
    steps: [describeConfigs(TOPIC, 'diff-dc-unknown-key', ['no.such.config'])],
  },
  { name: 'DescribeConfigs v4 of an invalid topic name', steps: [describeConfigs(TOPIC, 'diff bad name!', TOPIC_KEYS)] },
  { name: 'DescribeConfigs v1 of an unknown topic', steps: [describeConfigs(TOPIC, 'diff-dc-unknown-v1', TOPIC_KEYS, { version: 1 })] },
  {
    name: 'DescribeConfigs v4 of broker 1 with synonyms and documentation',
    steps: [describeConfigs(BROKER, '1', BROKER_KEYS, { synonyms: true, documentation: true })],
  },
  { name: 'DescribeConfigs v1 of broker 1', steps: [describeConfigs(BROKER, '1', BROKER_KEYS, { version: 1 })] },
  { name: 'DescribeConfigs v4 of an unknown broker id', steps: [describeConfigs(BROKER, '7', BROKER_KEYS)] },
  { name: 'DescribeConfigs v4 of a broker id that is not a number', steps: [describeConfigs(BROKER, 'one', BROKER_KEYS)] },
  { name: 'DescribeConfigs v4 of the cluster-wide broker defaults', steps: [describeConfigs(BROKER, '', BROKER_KEYS)] },
  {
    name: 'AlterConfigs then DescribeConfigs shows the dynamic topic source',
    topics: [{ name: 'diff-ac-source', partitions: 1 }],
    steps: [
      alterConfigs(TOPIC, 'diff-ac-source', [{ name: 'retention.ms', value: '120000' }]),
      settle(),
      describeConfigs(TOPIC, 'diff-ac-source', TOPIC_KEYS, { synonyms: true }),
    ],
  },
  {
    name: 'AlterConfigs replaces every override',
    topics: [{ name: 'diff-ac-replace', partitions: 1 }],
    steps: [
      alterConfigs(TOPIC, 'diff-ac-replace', [{ name: 'retention.ms', value: '120000' }]),
      alterConfigs(TOPIC, 'diff-ac-replace', [{ name: 'cleanup.policy', value: 'compact' }]),
      settle(),
      describeConfigs(TOPIC, 'diff-ac-replace', TOPIC_KEYS),
    ],
  },
  ...[0, 1].map((version) => ({
    name: `AlterConfigs v${version} of a topic`,
    topics: [{ name: `diff-ac-v${version}`, partitions: 1 }],
    steps: [alterConfigs(TOPIC, `diff-ac-v${version}`, [{ name: 'max.message.bytes', value: '2048' }], version)],
  })),
  { name: 'AlterConfigs of an unknown topic', steps: [alterConfigs(TOPIC, 'diff-ac-unknown', [{ name: 'retention.ms', value: '1000' }])] },
  {
    name: 'AlterConfigs of an unknown config name',
    topics: [{ name: 'diff-ac-bad-name', partitions: 1 }],
    steps: [alterConfigs(TOPIC, 'diff-ac-bad-name', [{ name: 'no.such.config', value: '1' }])],
  },
  {
    name: 'AlterConfigs of an invalid value',
    topics: [{ name: 'diff-ac-bad-value', partitions: 1 }],
    steps: [alterConfigs(TOPIC, 'diff-ac-bad-value', [{ name: 'segment.ms', value: 'never' }])],
  },
  {
    name: 'AlterConfigs with a null value',
    topics: [{ name: 'diff-ac-null', partitions: 1 }],
    steps: [alterConfigs(TOPIC, 'diff-ac-null', [{ name: 'retention.ms', value: null }])],
  },
  {
    name: 'AlterConfigs validateOnly changes nothing',
    topics: [{ name: 'diff-ac-validate', partitions: 1 }],
    steps: [
      alterConfigs(TOPIC, 'diff-ac-validate', [{ name: 'retention.ms', value: '5000' }], 2, true),
      settle(),
      describeConfigs(TOPIC, 'diff-ac-validate', ['retention.ms']),
    ],
  },
  { name: 'AlterConfigs of a broker config', steps: [alterConfigs(BROKER, '1', [{ name: 'log.cleaner.threads', value: '2' }], 2, true)] },
  { name: 'AlterConfigs of a read-only broker config', steps: [alterConfigs(BROKER, '1', [{ name: 'node.id', value: '3' }], 2, true)] },
  {
    name: 'IncrementalAlterConfigs sets and deletes a topic config',
    topics: [{ name: 'diff-iac-set', partitions: 1 }],
    steps: [
      incrementalAlter(TOPIC, 'diff-iac-set', [{ name: 'retention.ms', configOperation: SET, value: '7000' }]),
      settle(),
      describeConfigs(TOPIC, 'diff-iac-set', ['retention.ms'], { synonyms: true }),
      incrementalAlter(TOPIC, 'diff-iac-set', [{ name: 'retention.ms', configOperation: DELETE, value: null }]),
      settle(),
      describeConfigs(TOPIC, 'diff-iac-set', ['retention.ms'], { synonyms: true }),
    ],
  },
  {
    name: 'IncrementalAlterConfigs v0 appends to and subtracts from a list config',
    topics: [{ name: 'diff-iac-list', partitions: 1 }],
    steps: [
      incrementalAlter(TOPIC, 'diff-iac-list', [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }], 0),
      settle(),
      describeConfigs(TOPIC, 'diff-iac-list', ['cleanup.policy']),
      incrementalAlter(TOPIC, 'diff-iac-list', [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }], 0),
      settle(),
      describeConfigs(TOPIC, 'diff-iac-list', ['cleanup.policy']),
    ],
  },
  {
    name: 'IncrementalAlterConfigs appends to a config that is not a list',
    topics: [{ name: 'diff-iac-not-list', partitions: 1 }],
    steps: [incrementalAlter(TOPIC, 'diff-iac-not-list', [{ name: 'retention.ms', configOperation: APPEND, value: '10' }])],
  },
  {
    name: 'IncrementalAlterConfigs of the same config twice',
    topics: [{ name: 'diff-iac-twice', partitions: 1 }],
    steps: [
      incrementalAlter(TOPIC, 'diff-iac-twice', [
        { name: 'retention.ms', configOperation: SET, value: '10' },
        { name: 'retention.ms', configOperation: SET, value: '20' },
      ]),
    ],
  },
  {
    name: 'IncrementalAlterConfigs of an unknown topic',
    steps: [incrementalAlter(TOPIC, 'diff-iac-unknown', [{ name: 'retention.ms', configOperation: SET, value: '10' }])],
  },
  {
    name: 'IncrementalAlterConfigs of an invalid enum value',
    topics: [{ name: 'diff-iac-enum', partitions: 1 }],
    steps: [incrementalAlter(TOPIC, 'diff-iac-enum', [{ name: 'message.timestamp.type', configOperation: SET, value: 'Now' }])],
  },
  {
    name: 'IncrementalAlterConfigs validateOnly changes nothing',
    topics: [{ name: 'diff-iac-validate', partitions: 1 }],
    steps: [
      incrementalAlter(TOPIC, 'diff-iac-validate', [{ name: 'retention.ms', configOperation: SET, value: '10' }], 1, true),
      settle(),
      describeConfigs(TOPIC, 'diff-iac-validate', ['retention.ms']),
    ],
  },
  {
    name: 'IncrementalAlterConfigs of a broker config',
    steps: [incrementalAlter(BROKER, '1', [{ name: 'log.cleaner.threads', configOperation: SET, value: '2' }], 1, true)],
  },
  { name: 'DescribeCluster v0', steps: [step(DescribeClusterRequestCodec, DescribeClusterResponseCodec, 0, { includeClusterAuthorizedOperations: false })] },
  {
    name: 'DescribeCluster v0 with authorized operations',
    steps: [step(DescribeClusterRequestCodec, DescribeClusterResponseCodec, 0, { includeClusterAuthorizedOperations: true })],
  },
  { name: 'DescribeCluster v1 for brokers', steps: [step(DescribeClusterRequestCodec, DescribeClusterResponseCodec, 1, { endpointType: 1 })] },
  { name: 'DescribeCluster v1 for controllers', steps: [step(DescribeClusterRequestCodec, DescribeClusterResponseCodec, 1, { endpointType: 2 })] },
  { name: 'DescribeCluster v1 of an unknown endpoint type', steps: [step(DescribeClusterRequestCodec, DescribeClusterResponseCodec, 1, { endpointType: 5 })] },
  {
    name: 'DescribeCluster v2 with fenced brokers',
    steps: [step(DescribeClusterRequestCodec, DescribeClusterResponseCodec, 2, { endpointType: 1, includeFencedBrokers: true })],
  },
  {
    name: 'IncrementalAlterConfigs of a value below its minimum',
    topics: [{ name: 'diff-iac-minimum', partitions: 1 }],
    steps: [incrementalAlter(TOPIC, 'diff-iac-minimum', [{ name: 'min.insync.replicas', configOperation: SET, value: '0' }])],
  },
  {
    name: 'DescribeConfigs v4 of a topic and a broker in one request',
    topics: [{ name: 'diff-dc-two', partitions: 1 }],
    steps: [
      step(DescribeConfigsRequestCodec, DescribeConfigsResponseCodec, 4, {
        resources: [
          { resourceType: TOPIC, resourceName: 'diff-dc-two', configurationKeys: ['retention.ms'] },
          { resourceType: BROKER, resourceName: '1', configurationKeys: ['message.max.bytes'] },
        ],
        includeSynonyms: false,
        includeDocumentation: false,
      }),
    ],
  },
  { name: 'DescribeConfigs v4 of the loggers of an unknown broker', steps: [describeConfigs(BROKER_LOGGER, '2', null)] },
  { name: 'DescribeConfigs v4 of the loggers of the empty broker name', steps: [describeConfigs(BROKER_LOGGER, '', null)] },
  { name: 'DescribeConfigs v4 of an unknown resource type', steps: [describeConfigs(99, 'diff-dc-type', null)] },
  { name: 'AlterConfigs v2 of an unknown resource type', steps: [alterConfigs(99, 'diff-ac-type', [{ name: 'retention.ms', value: '1' }])] },
  {
    name: 'IncrementalAlterConfigs of an unknown resource type',
    steps: [incrementalAlter(99, 'diff-iac-type', [{ name: 'retention.ms', configOperation: SET, value: '1' }])],
  },
  {
    name: 'AlterConfigs of a topic with an empty config list clears its overrides',
    topics: [{ name: 'diff-ac-clear', partitions: 1 }],
    steps: [
      alterConfigs(TOPIC, 'diff-ac-clear', [{ name: 'retention.ms', value: '60000' }]),
      alterConfigs(TOPIC, 'diff-ac-clear', []),
      settle(),
      describeConfigs(TOPIC, 'diff-ac-clear', ['retention.ms'], { synonyms: true }),
    ],
  },
  {
    name: 'DescribeLogDirs v1 of one topic',
    topics: [{ name: 'diff-ld-one', partitions: 2 }],
    steps: [describeLogDirs(1, { topics: [{ topic: 'diff-ld-one', partitions: [0, 1] }] })],
  },
  { name: 'DescribeLogDirs v4 of an unknown topic', steps: [describeLogDirs(4, { topics: [{ topic: 'diff-ld-unknown', partitions: [0] }] })] },
  {
    name: 'DescribeLogDirs v4 of an unknown partition',
    topics: [{ name: 'diff-ld-partition', partitions: 1 }],
    steps: [describeLogDirs(4, { topics: [{ topic: 'diff-ld-partition', partitions: [3] }] })],
  },
  {
    name: 'DescribeLogDirs v4 of a known and an unknown partition',
    topics: [{ name: 'diff-ld-mixed', partitions: 1 }],
    steps: [describeLogDirs(4, { topics: [{ topic: 'diff-ld-mixed', partitions: [0, 5] }] })],
  },
  { name: 'DescribeLogDirs v4 of no topics', steps: [describeLogDirs(4, { topics: [] })] },
];
