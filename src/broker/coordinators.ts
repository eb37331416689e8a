// The group and transaction coordinators, started with the broker. A coordinator whose internal topic exists is
// started before the broker listens, reloading its state as Kafka does. One whose topic does not exist yet (every
// fresh data dir, and any broker that never served groups or transactions) has no state to reload, so it is built,
// with its module, on the first request that needs it: those modules are a quarter of the code a start loads, and
// only Eddy's coordinators write their internal topics, so the topic still holds nothing at that point.
import type { LogManager } from '../../storage';
import { BrokerConfig, BrokerConfigKeys } from '../config/broker-config';
import { transactionStateTopicConfigs } from '../config/internal-topics';
import type { GroupCoordinator, GroupCoordinatorOptions } from '../groups/group-coordinator';
import { groupCoordinatorConfig } from '../groups/group-config';
import type { Logger } from '../logger';
import { ProducerIdManager } from '../transactions/producer-id-manager';
import type { TransactionCoordinator, TransactionCoordinatorOptions } from '../transactions/transaction-coordinator';
import { OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC } from '../topics/topic-names';

type GroupsModule = typeof import('../groups/group-coordinator');
type TransactionsModule = typeof import('../transactions/transaction-coordinator');

const groupsModule = (): GroupsModule => require('../groups/group-coordinator') as GroupsModule;
const transactionsModule = (): TransactionsModule => require('../transactions/transaction-coordinator') as TransactionsModule;

export interface CoordinatorsOptions {
  readonly logs: LogManager;
  readonly config: BrokerConfig;
  readonly dataDir: string;
  readonly logger: Logger;
}

export class Coordinators {
  private groupCoordinator: GroupCoordinator | undefined;
  private transactionCoordinator: TransactionCoordinator | undefined;
  private stopped = false;

  private constructor(
    private readonly groupOptions: GroupCoordinatorOptions,
    private readonly transactionOptions: TransactionCoordinatorOptions,
  ) {}

  /** Starts the coordinators whose internal topics exist; the others wait for their first use. */
  static async start(options: CoordinatorsOptions): Promise<Coordinators> {
    const { logs, config, logger } = options;
    const producerIds = await ProducerIdManager.open(options.dataDir, logger);
    const groupOptions: GroupCoordinatorOptions = { storage: logs, topics: logs, config: groupCoordinatorConfig(config), logger };
    const transactionOptions: TransactionCoordinatorOptions = {
      storage: logs,
      producerIds,
      config: {
        numPartitions: config.get(BrokerConfigKeys.TRANSACTION_STATE_LOG_NUM_PARTITIONS),
        maxTimeoutMs: config.get(BrokerConfigKeys.TRANSACTION_MAX_TIMEOUT_MS),
        abortCheckIntervalMs: config.get(BrokerConfigKeys.TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS),
        idExpirationMs: config.get(BrokerConfigKeys.TRANSACTIONAL_ID_EXPIRATION_MS),
        idExpirationCheckIntervalMs: config.get(BrokerConfigKeys.TRANSACTION_REMOVE_EXPIRED_TRANSACTION_CLEANUP_INTERVAL_MS),
        topicConfigs: transactionStateTopicConfigs(config),
      },
      logger,
      // Transactional offset commits become visible (or are dropped) once the transaction's markers are written.
      onComplete: async (producerId, _epoch, committed) => coordinators.groups.completeTransaction(producerId, committed),
    };
    const coordinators = new Coordinators(groupOptions, transactionOptions);
    try {
      if (logs.topic(OFFSETS_TOPIC) !== undefined) {
        coordinators.groupCoordinator = await groupsModule().GroupCoordinator.start(groupOptions);
      }
      if (logs.topic(TRANSACTION_STATE_TOPIC) !== undefined) {
        coordinators.transactionCoordinator = await transactionsModule().TransactionCoordinator.start(transactionOptions);
      }
    } catch (err) {
      await coordinators.shutdown();
      throw err;
    }
    return coordinators;
  }

  /** Whether each coordinator has been built (for tests and logs). */
  get started(): { readonly groups: boolean; readonly transactions: boolean } {
    return { groups: this.groupCoordinator !== undefined, transactions: this.transactionCoordinator !== undefined };
  }

  get groups(): GroupCoordinator {
    if (this.groupCoordinator === undefined) {
      this.groupCoordinator = groupsModule().GroupCoordinator.startWithoutState(this.groupOptions);
      if (this.stopped) this.groupCoordinator.shutdown();
    }
    return this.groupCoordinator;
  }

  get transactions(): TransactionCoordinator {
    if (this.transactionCoordinator === undefined) {
      this.transactionCoordinator = transactionsModule().TransactionCoordinator.startWithoutState(this.transactionOptions);
      if (this.stopped) void this.transactionCoordinator.shutdown();
    }
    return this.transactionCoordinator;
  }

  /**
   * Unloads the groups as a stopping Kafka broker does: members waiting in a rebalance are answered
   * NOT_COORDINATOR at once (and rejoin elsewhere), rather than holding their connections through the drain.
   * Offsets and transaction completion keep working until shutdown().
   */
  unloadGroups(): void {
    this.groupCoordinator?.shutdown();
  }

  /** Stops the coordinators that were built (transactions first: completing ones still tell the groups). */
  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.transactionCoordinator?.shutdown();
    this.groupCoordinator?.shutdown();
  }
}
