// Authorizer scenarios for the admin APIs (issue 18): topic creation and deletion, configs, client quotas, SCRAM
// users, the ACL APIs themselves, cluster and log-dir descriptions, group and transaction administration, each as
// a user with no ACLs or a few, against Kafka's StandardAuthorizer. Names start `az-`, as in the data scenarios.
import { AddPartitionsToTxnRequestCodec } from '../../codecs/generated/AddPartitionsToTxnRequest';
import { AddPartitionsToTxnResponseCodec } from '../../codecs/generated/AddPartitionsToTxnResponse';
import { AlterClientQuotasRequestCodec } from '../../codecs/generated/AlterClientQuotasRequest';
import { AlterClientQuotasResponseCodec } from '../../codecs/generated/AlterClientQuotasResponse';
import { AlterConfigsRequestCodec } from '../../codecs/generated/AlterConfigsRequest';
import { AlterConfigsResponseCodec } from '../../codecs/generated/AlterConfigsResponse';
import { AlterUserScramCredentialsRequestCodec } from '../../codecs/generated/AlterUserScramCredentialsRequest';
import { AlterUserScramCredentialsResponseCodec } from '../../codecs/generated/AlterUserScramCredentialsResponse';
import { CreateAclsRequestCodec } from '../../codecs/generated/CreateAclsRequest';
import { CreateAclsResponseCodec } from '../../codecs/generated/CreateAclsResponse';
import { CreatePartitionsRequestCodec } from '../../codecs/generated/CreatePartitionsRequest';
import { CreatePartitionsResponseCodec } from '../../codecs/generated/CreatePartitionsResponse';
import { CreateTopicsRequestCodec } from '../../codecs/generated/CreateTopicsRequest';
import { CreateTopicsResponseCodec } from '../../codecs/generated/CreateTopicsResponse';
import { DeleteAclsRequestCodec } from '../../codecs/generated/DeleteAclsRequest';
import { DeleteAclsResponseCodec } from '../../codecs/generated/DeleteAclsResponse';
import { DeleteTopicsRequestCodec } from '../../codecs/generated/DeleteTopicsRequest';
import { DeleteTopicsResponseCodec } from '../../codecs/generated/DeleteTopicsResponse';
import { DescribeAclsRequestCodec } from '../../codecs/generated/DescribeAclsRequest';
import { DescribeAclsResponseCodec } from '../../codecs/generated/DescribeAclsResponse';
import { DescribeClientQuotasRequestCodec } from '../../codecs/generated/DescribeClientQuotasRequest';
import { DescribeClientQuotasResponseCodec } from '../../codecs/generated/DescribeClientQuotasResponse';
import { DescribeClusterRequestCodec } from '../../codecs/generated/DescribeClusterRequest';
import { DescribeClusterResponseCodec } from '../../codecs/generated/DescribeClusterResponse';
import { DescribeConfigsRequestCodec } from '../../codecs/generated/DescribeConfigsRequest';
import { DescribeConfigsResponseCodec } from '../../codecs/generated/DescribeConfigsResponse';
import { DescribeLogDirsRequestCodec } from '../../codecs/generated/DescribeLogDirsRequest';
import { DescribeLogDirsResponseCodec } from '../../codecs/generated/DescribeLogDirsResponse';
import { DescribeProducersRequestCodec } from '../../codecs/generated/DescribeProducersRequest';
import { DescribeProducersResponseCodec } from '../../codecs/generated/DescribeProducersResponse';
import { DescribeTopicPartitionsRequestCodec } from '../../codecs/generated/DescribeTopicPartitionsRequest';
import { DescribeTopicPartitionsResponseCodec } from '../../codecs/generated/DescribeTopicPartitionsResponse';
import { DescribeTransactionsRequestCodec } from '../../codecs/generated/DescribeTransactionsRequest';
import { DescribeTransactionsResponseCodec } from '../../codecs/generated/DescribeTransactionsResponse';
import { IncrementalAlterConfigsRequestCodec } from '../../codecs/generated/IncrementalAlterConfigsRequest';
import { IncrementalAlterConfigsResponseCodec } from '../../codecs/generated/IncrementalAlterConfigsResponse';
import { ListTransactionsRequestCodec } from '../../codecs/generated/ListTransactionsRequest';
import { ListTransactionsResponseCodec } from '../../codecs/generated/ListTransactionsResponse';
import { AclOperation, clusterGrant, groupGrant, PatternType, PermissionType, ResourceType, topicGrant, type AuthorizerScenario } from './authorizer-steps';
import { deleteGroups, listGroups, offsetDelete } from './group-steps';
import { step, type Step } from './harness';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const { CREATE, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS, READ } = AclOperation;
/** DescribeConfigs / AlterConfigs resource types (not ACL ones). */
const CONFIG_TOPIC = 2;
const CONFIG_BROKER = 4;

function createTopics(names: readonly string[], version = 7): Step {
  const topics = names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }));
  return step(CreateTopicsRequestCodec, CreateTopicsResponseCodec, version, { topics, timeoutMs: 10_000, validateOnly: false });
}

function deleteTopics(names: readonly string[], version = 6): Step {
  const body = version >= 6 ? { topics: names.map((name) => ({ name, topicId: NIL_UUID })), timeoutMs: 10_000 } : { topicNames: names, timeoutMs: 10_000 };
  return step(DeleteTopicsRequestCodec, DeleteTopicsResponseCodec, version, body);
}

function describeConfigs(resources: ReadonlyArray<readonly [number, string]>): Step {
  return step(DescribeConfigsRequestCodec, DescribeConfigsResponseCodec, 4, {
    resources: resources.map(([resourceType, resourceName]) => ({ resourceType, resourceName, configurationKeys: ['retention.ms'] })),
    includeSynonyms: false,
    includeDocumentation: false,
  });
}

function alterConfigs(resources: ReadonlyArray<readonly [number, string]>): Step {
  return step(AlterConfigsRequestCodec, AlterConfigsResponseCodec, 2, {
    resources: resources.map(([resourceType, resourceName]) => ({
      resourceType,
      resourceName,
      configs: resourceType === CONFIG_TOPIC ? [{ name: 'retention.ms', value: '3600000' }] : [],
    })),
    validateOnly: true,
  });
}

function incrementalAlter(resources: ReadonlyArray<readonly [number, string]>): Step {
  return step(IncrementalAlterConfigsRequestCodec, IncrementalAlterConfigsResponseCodec, 1, {
    resources: resources.map(([resourceType, resourceName]) => ({
      resourceType,
      resourceName,
      configs: resourceType === CONFIG_TOPIC ? [{ name: 'retention.ms', configOperation: 0, value: '3600000' }] : [],
    })),
    validateOnly: true,
  });
}

const ANY_ACL_FILTER = {
  resourceTypeFilter: ResourceType.ANY,
  resourceNameFilter: null,
  patternTypeFilter: PatternType.ANY,
  principalFilter: 'User:nobody',
  hostFilter: null,
  operation: AclOperation.ANY,
  permissionType: PermissionType.ANY,
};

export const AUTHORIZER_ADMIN_SCENARIOS: readonly AuthorizerScenario[] = [
  {
    name: 'The ACL APIs without ALTER or DESCRIBE on the cluster',
    // Kafka's message prints its internal request object (processor, connection id, session hash).
    freeTextMessages: true,
    steps: [
      step(DescribeAclsRequestCodec, DescribeAclsResponseCodec, 3, ANY_ACL_FILTER),
      step(CreateAclsRequestCodec, CreateAclsResponseCodec, 3, {
        creations: [
          {
            resourceType: ResourceType.TOPIC,
            resourceName: 'az-acl',
            resourcePatternType: PatternType.LITERAL,
            principal: 'User:bob',
            host: '*',
            operation: READ,
            permissionType: PermissionType.ALLOW,
          },
        ],
      }),
      step(DeleteAclsRequestCodec, DeleteAclsResponseCodec, 3, { filters: [ANY_ACL_FILTER, ANY_ACL_FILTER] }),
    ],
  },
  {
    name: 'CreateTopics v7 and v4 without CREATE, with CREATE on the topic, with DESCRIBE_CONFIGS too',
    grants: [topicGrant('az-ct-made', CREATE), topicGrant('az-ct-seen', CREATE), topicGrant('az-ct-seen', DESCRIBE_CONFIGS)],
    freeTextMessages: true,
    steps: [createTopics(['az-ct-refused']), createTopics(['az-ct-made']), createTopics(['az-ct-seen']), createTopics(['az-ct-refused-old'], 4)],
  },
  {
    name: 'DeleteTopics v6 and v3 of a topic without DELETE, with DELETE, and of an unknown one',
    topics: [
      { name: 'az-dt-no', partitions: 1 },
      { name: 'az-dt-ok', partitions: 1 },
    ],
    grants: [topicGrant('az-dt-ok', DELETE), topicGrant('az-dt-gone', DESCRIBE)],
    steps: [
      deleteTopics(['az-dt-no']),
      deleteTopics(['az-dt-nowhere']),
      deleteTopics(['az-dt-gone']),
      deleteTopics(['az-dt-ok']),
      deleteTopics(['az-dt-no'], 3),
    ],
  },
  {
    name: 'CreatePartitions v3 without ALTER on the topic',
    topics: [{ name: 'az-cp-no', partitions: 1 }],
    steps: [
      step(CreatePartitionsRequestCodec, CreatePartitionsResponseCodec, 3, { topics: [{ name: 'az-cp-no', count: 2, assignments: null }], timeoutMs: 10_000 }),
    ],
  },
  {
    name: 'DescribeConfigs v4 of a topic with DESCRIBE_CONFIGS, one without, and the broker',
    topics: [
      { name: 'az-dc-ok', partitions: 1 },
      { name: 'az-dc-no', partitions: 1 },
    ],
    grants: [topicGrant('az-dc-ok', DESCRIBE_CONFIGS)],
    steps: [
      describeConfigs([
        [CONFIG_TOPIC, 'az-dc-no'],
        [CONFIG_TOPIC, 'az-dc-ok'],
        [CONFIG_BROKER, '1'],
      ]),
    ],
  },
  {
    name: 'AlterConfigs v2 and IncrementalAlterConfigs v1: refused resources among allowed ones',
    topics: [
      { name: 'az-ac-ok', partitions: 1 },
      { name: 'az-ac-no', partitions: 1 },
    ],
    grants: [topicGrant('az-ac-ok', ALTER_CONFIGS)],
    steps: [
      alterConfigs([
        [CONFIG_TOPIC, 'az-ac-no'],
        [CONFIG_TOPIC, 'az-ac-ok'],
        [CONFIG_BROKER, ''],
      ]),
      incrementalAlter([
        [CONFIG_BROKER, ''],
        [CONFIG_TOPIC, 'az-ac-ok'],
        [CONFIG_TOPIC, 'az-ac-no'],
      ]),
    ],
  },
  {
    name: 'Client quotas and SCRAM users without the cluster operations they need',
    // Kafka's refusals of AlterUserScramCredentials print its internal request object. DescribeUserScramCredentials
    // is left out: Kafka 4.3.1 never answers it without DESCRIBE on the cluster (Eddy answers
    // CLUSTER_AUTHORIZATION_FAILED, as Kafka's handler means to).
    freeTextMessages: true,
    steps: [
      step(DescribeClientQuotasRequestCodec, DescribeClientQuotasResponseCodec, 1, { components: [], strict: false }),
      step(AlterClientQuotasRequestCodec, AlterClientQuotasResponseCodec, 1, {
        entries: [{ entity: [{ entityType: 'user', entityName: 'az-quota' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] }],
        validateOnly: true,
      }),
      step(AlterUserScramCredentialsRequestCodec, AlterUserScramCredentialsResponseCodec, 0, {
        deletions: [{ name: 'az-scram', mechanism: 1 }],
        upsertions: [],
      }),
    ],
  },
  {
    name: 'DescribeCluster v1 and DescribeLogDirs v4 with and without the cluster operations',
    user: 'carol',
    grants: [clusterGrant(ALTER_CONFIGS)],
    steps: [
      step(DescribeClusterRequestCodec, DescribeClusterResponseCodec, 1, { includeClusterAuthorizedOperations: true }),
      step(DescribeClusterRequestCodec, DescribeClusterResponseCodec, 1, { includeClusterAuthorizedOperations: false }),
      step(DescribeLogDirsRequestCodec, DescribeLogDirsResponseCodec, 4, { topics: null }),
    ],
  },
  {
    name: 'DeleteGroups, OffsetDelete and ListGroups without DESCRIBE or DELETE on the groups',
    user: 'carol',
    topics: [{ name: 'az-og-topic', partitions: 1 }],
    grants: [groupGrant('az-g-carol-read', READ)],
    steps: [deleteGroups(2, ['az-g-carol-no', 'az-g-carol-read']), offsetDelete('az-g-carol-no', 'az-og-topic', [0]), listGroups(4, 'az-g-')],
  },
  {
    name: 'DescribeProducers, DescribeTopicPartitions, DescribeTransactions, ListTransactions, AddPartitionsToTxn without ACLs',
    topics: [{ name: 'az-tx-topic', partitions: 1 }],
    grants: [topicGrant('az-tx-described', DESCRIBE)],
    steps: [
      step(DescribeProducersRequestCodec, DescribeProducersResponseCodec, 0, { topics: [{ name: 'az-tx-topic', partitionIndexes: [0] }] }),
      step(DescribeTopicPartitionsRequestCodec, DescribeTopicPartitionsResponseCodec, 0, {
        topics: [{ name: 'az-tx-topic' }, { name: 'az-tx-described' }],
        responsePartitionLimit: 100,
        cursor: null,
      }),
      step(DescribeTransactionsRequestCodec, DescribeTransactionsResponseCodec, 0, { transactionalIds: ['az-txn-nobody'] }),
      step(ListTransactionsRequestCodec, ListTransactionsResponseCodec, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n }),
      step(AddPartitionsToTxnRequestCodec, AddPartitionsToTxnResponseCodec, 3, {
        v3AndBelowTransactionalId: 'az-txn-add',
        v3AndBelowProducerId: 1n,
        v3AndBelowProducerEpoch: 0,
        v3AndBelowTopics: [{ name: 'az-tx-topic', partitions: [0] }],
      }),
    ],
  },
];
