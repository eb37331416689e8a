// What a handler may use of the broker: the narrow set of services a request context carries. Handlers see these
// interfaces, never the Broker that assembles them (src/broker/services.ts), so the dispatch table, the network
// front end and the composition root stay free of import loops, and a later layer (an authorizer, fault
// injection, a cluster-aware metadata view) can wrap or replace one service without touching the handlers.
import type { BrokerConfig } from '../config/broker-config';
import type { DynamicBrokerConfigs } from '../config/dynamic-broker-configs';
import type { ListenerAddress } from '../config/listeners';
import type { GroupCoordinator } from '../groups/group-coordinator';
import type { TopicService } from '../topics/topic-service';
import type { PartitionDirectory } from '../topics/partition-directory';
import type { TransactionCoordinator } from '../transactions/transaction-coordinator';
import type { ScramCredentialStore } from '../security/scram-store';
import type { FetchSessionCache } from './fetch-session-cache';
import type { BrokerMetrics } from '../metrics/broker-metrics';

/** This broker's identity in the cluster (meta.properties). */
export interface NodeIdentity {
  readonly clusterId: string;
  readonly nodeId: number;
}

/** The addresses clients are told to use. */
export interface ListenerDirectory {
  /** The advertised address of the listener a connection arrived on (Metadata, FindCoordinator, DescribeCluster). */
  advertisedFor(listenerName: string): ListenerAddress;
}

/** A version range the broker serves for one API key, as ApiVersions reports it. */
export interface ApiVersionRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/** The consumer-group operations handlers call. */
export type GroupService = Pick<
  GroupCoordinator,
  | 'joinGroup'
  | 'syncGroup'
  | 'heartbeat'
  | 'leaveGroup'
  | 'listGroups'
  | 'describeGroup'
  | 'deadGroup'
  | 'group'
  | 'isConsumerGroup'
  | 'deleteGroups'
  | 'commitOffsets'
  | 'commitTransactionalOffsets'
  | 'fetchOffsets'
  | 'deleteOffsets'
  | 'ensureOffsetsTopic'
  | 'partitionFor'
  | 'consumerGroups'
  | 'describeConsumerGroup'
>;

/** The producer-id and transaction operations handlers call. */
export type TransactionService = Pick<
  TransactionCoordinator,
  'initProducerId' | 'addPartitions' | 'verifyPartitions' | 'endTransaction' | 'describe' | 'list' | 'ensureStateTopic'
>;

/** The SCRAM credential operations handlers call. */
export type ScramCredentialService = Pick<ScramCredentialStore, 'describe' | 'alter'>;

export interface BrokerServices {
  readonly node: NodeIdentity;
  readonly config: BrokerConfig;
  readonly listeners: ListenerDirectory;
  /** Topic administration and lookup by name or id, with Kafka's rules. */
  readonly topics: TopicService;
  /** Partition logs, with storage's loading on first use kept behind it. */
  readonly partitions: PartitionDirectory;
  /** Built on first use when no group state exists yet (src/broker/coordinators.ts). */
  readonly groups: GroupService;
  readonly transactions: TransactionService;
  /** The APIs and versions this broker serves, by API key. */
  readonly apis: ReadonlyMap<number, ApiVersionRange>;
  /** SCRAM users (DescribeUserScramCredentials, AlterUserScramCredentials). */
  readonly scramCredentials: ScramCredentialService;
  /** The broker configs AlterConfigs changes at run time, per level (cluster-wide default, this broker). */
  readonly dynamicConfigs: DynamicBrokerConfigs;
  /** Incremental fetch sessions (KIP-227), kept for the broker's life, across connections. */
  readonly fetchSessions: FetchSessionCache;
  /** Per-topic bytes and records in and out, counted by Produce and Fetch (read by /metrics). */
  readonly metrics: BrokerMetrics;
}
