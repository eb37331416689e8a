// Assembles the services handlers see (src/api/services.ts) from the broker's parts. The coordinators are read
// through getters because each may be built on its first use (src/broker/coordinators.ts).
import type {
  ApiVersionRange,
  BrokerServices,
  GroupService,
  ListenerDirectory,
  NodeIdentity,
  ScramCredentialService,
  TransactionService,
} from '../api/services';
import type { DynamicBrokerConfigs } from '../config/dynamic-broker-configs';
import { BrokerConfigKeys, type BrokerConfig } from '../config/broker-config';
import { FetchSessionCache } from '../api/fetch-session-cache';
import type { PartitionDirectory } from '../topics/partition-directory';
import type { TopicService } from '../topics/topic-service';
import type { Coordinators } from './coordinators';
import type { BrokerMetrics } from '../metrics/broker-metrics';

export interface BrokerParts {
  readonly node: NodeIdentity;
  readonly config: BrokerConfig;
  readonly listeners: ListenerDirectory;
  readonly topics: TopicService;
  readonly partitions: PartitionDirectory;
  readonly coordinators: Coordinators;
  readonly apis: ReadonlyMap<number, ApiVersionRange>;
  readonly scramCredentials: ScramCredentialService;
  readonly dynamicConfigs: DynamicBrokerConfigs;
  readonly metrics: BrokerMetrics;
}

export function brokerServices(parts: BrokerParts): BrokerServices {
  const { coordinators } = parts;
  return {
    node: parts.node,
    config: parts.config,
    listeners: parts.listeners,
    topics: parts.topics,
    partitions: parts.partitions,
    apis: parts.apis,
    scramCredentials: parts.scramCredentials,
    dynamicConfigs: parts.dynamicConfigs,
    metrics: parts.metrics,
    fetchSessions: new FetchSessionCache({ slots: parts.config.get(BrokerConfigKeys.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS) }),
    get groups(): GroupService {
      return coordinators.groups;
    },
    get transactions(): TransactionService {
      return coordinators.transactions;
    },
  };
}
