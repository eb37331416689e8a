// The broker: binds the listeners, opens storage, and owns the services handlers use. Start it from the CLI
// (`eddy start`) or in-process from a test with `Broker.start(...)`.
import * as net from 'net';
import * as path from 'path';
import { LogManager } from '../../storage';
import { BrokerConfig, BrokerConfigKeys } from '../config/broker-config';
import { topicDefaultsFromBroker } from '../config/topic-configs';
import { DynamicBrokerConfigs } from '../config/dynamic-broker-configs';
import { ListenerAddress, parseListeners, resolveAdvertised } from '../config/listeners';
import { loadOrCreateIdentity, ClusterIdentity } from './identity';
import { TopicService } from '../topics/topic-service';
import { PartitionDirectory } from '../topics/partition-directory';
import { Connection } from '../network/connection';
import { createListenerServer, type AcceptedSocket } from '../network/listener-server';
import { ConnectionQuotas } from '../network/connection-quotas';
import { connectionLimitsOf } from '../network/connection-limits';
import { ListenerGate, RateLimitedLog } from '../network/connection-gate';
import { CONNECTION_CREATION_RATE, IP } from '../security/quotas/quota-entities';
import { BrokerSecurity } from '../security/broker-security';
import { requestScopeFactory, RequestScopeFactory } from '../network/request-scope';
import { RequestThrottle } from '../security/quotas/request-throttle';
import { buildHandlerTable } from '../api/registry';
import { encodeApiVersionsFallback } from '../api/18-api-versions';
import type { ApiHandler } from '../api/handler';
import type { BrokerServices } from '../api/services';
import type { GroupCoordinator } from '../groups/group-coordinator';
import type { TransactionCoordinator } from '../transactions/transaction-coordinator';
import { Coordinators } from './coordinators';
import { brokerServices } from './services';
import { FaultInjector } from '../faults/fault-injector';
import type { Logger } from '../logger';
import { BrokerMetrics } from '../metrics/broker-metrics';

/** How long shutdown waits for in-flight requests before closing connections regardless. */
const SHUTDOWN_DRAIN_MS = 5000;

export interface BrokerStartOptions {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  /** Fault rules in force from the start (`--faults rules.json`), in the form FaultInjector.add takes. */
  readonly faults?: unknown;
}

interface BoundListener {
  readonly server: net.Server;
  readonly address: ListenerAddress;
}

/** Listens on host:port (every address when host is empty), resolving once bound. */
function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: host || undefined, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export class Broker {
  readonly identity: ClusterIdentity;
  readonly topics: TopicService;
  /** The group and transaction coordinators (see coordinators.ts for when each is built). */
  readonly coordinators: Coordinators;
  private readonly listeners: BoundListener[] = [];
  private advertised: ListenerAddress[] = [];
  /** Open connections, by the listener each came in on. */
  private readonly connections = new Map<Connection, string>();
  /** max.connections, max.connections.per.ip, connection creation rates (KIP-612). */
  private readonly connectionQuotas: ConnectionQuotas;
  private readonly gates: ListenerGate[] = [];
  /** What handlers see of this broker (src/api/services.ts). */
  readonly services: BrokerServices;
  private readonly handlers: ReadonlyMap<number, ApiHandler>;
  /** Fault injection (src/faults): rules, request tracking; the handlers above are its dispatch table. */
  readonly faults: FaultInjector;
  private readonly newRequestScope: RequestScopeFactory;
  private readonly requestThrottle: RequestThrottle;
  private stopping: Promise<void> | null = null;
  /** What requests other than ApiVersions wait for while the start completes with the listeners bound (see start). */
  private startPending: Promise<void> | undefined;
  private readonly pendingStart = (): Promise<void> | undefined => this.startPending;
  /** Requests, per-topic traffic and connections, counted as they happen; /metrics and the console read them. */
  readonly metrics = new BrokerMetrics();

  private constructor(
    readonly config: BrokerConfig,
    readonly logger: Logger,
    readonly logs: LogManager,
    identity: ClusterIdentity,
    coordinators: Coordinators,
    /** Each listener's TLS and SASL set-up, and the SCRAM credentials. */
    readonly security: BrokerSecurity,
    dynamicConfigs: DynamicBrokerConfigs,
  ) {
    this.identity = identity;
    this.coordinators = coordinators;
    this.topics = new TopicService(logs, config, logger);
    this.faults = new FaultInjector(
      buildHandlerTable(),
      logs.writeFaults,
      {
        dropConnections: () => this.connections.forEach((_listener, c) => c.close('fault injection: broker down', 'info')),
        setListening: (listening) => this.setListening(listening),
        topicNameOf: (topicId) => this.topics.byId(topicId)?.name,
      },
      logger,
    );
    this.handlers = this.faults.handlers;
    this.services = brokerServices({
      node: identity,
      config,
      listeners: { advertisedFor: (listenerName) => this.advertisedFor(listenerName) },
      topics: this.topics,
      partitions: new PartitionDirectory(logs),
      coordinators,
      apis: this.handlers,
      scramCredentials: security.scram,
      dynamicConfigs,
      metrics: this.metrics,
      quotas: security.quotas,
      authorizer: security.authorizer,
    });
    this.newRequestScope = requestScopeFactory(this.services, logger);
    this.requestThrottle = new RequestThrottle(security.quotas.enforcement);
    const windows = { samples: config.get(BrokerConfigKeys.QUOTA_WINDOW_NUM), windowMs: config.get(BrokerConfigKeys.QUOTA_WINDOW_SIZE_SECONDS) * 1000 };
    this.connectionQuotas = new ConnectionQuotas(connectionLimitsOf(config, this.listenerNames()), windows);
    const store = security.quotas.store;
    const applyAddressQuotas = (): void =>
      this.connectionQuotas.setAddressQuotas(
        store
          .all()
          .filter(({ entity, quotas }) => entity.has(IP) && quotas.has(CONNECTION_CREATION_RATE))
          .map(({ entity, quotas }) => [entity.get(IP) ?? null, quotas.get(CONNECTION_CREATION_RATE) as number] as const),
      );
    applyAddressQuotas();
    store.onChange(applyAddressQuotas);
    dynamicConfigs.onChange(() => {
      this.connectionQuotas.reconfigure(connectionLimitsOf(config, this.listenerNames()));
      this.closeExcessConnections();
      return Promise.resolve();
    });
  }

  private listenerNames(): string[] {
    return parseListeners(this.config.get(BrokerConfigKeys.LISTENERS).join(',')).map((spec) => spec.name);
  }

  /**
   * After max.connections was lowered below the connections open: the least recently active ones go until the
   * broker is back within it (Kafka's processors close their least recently used channel while it is exceeded).
   */
  private closeExcessConnections(): void {
    let excess = this.connectionQuotas.excess();
    if (excess <= 0) return;
    const byActivity = [...this.connections].sort(([a], [b]) => a.lastActiveMs - b.lastActiveMs);
    for (const [connection, listener] of byActivity) {
      if (excess <= 0) break;
      if (!this.connectionQuotas.exceeded(listener) || connection.isClosed) continue;
      connection.close('max.connections exceeded: closing the least recently active connection', 'info', {
        maxConnections: this.config.get(BrokerConfigKeys.MAX_CONNECTIONS),
      });
      excess--;
    }
  }

  static async start(options: BrokerStartOptions): Promise<Broker> {
    const { config, logger } = options;
    const started = process.hrtime.bigint();
    const dataDir = path.resolve(config.dataDir);
    const { identity, persisted } = loadOrCreateIdentity(dataDir, config.nodeId);
    // Awaited before the listeners bind; a failure before then must not surface as an unhandled rejection.
    persisted.catch(() => undefined);
    // Dynamic broker configs are laid over the static ones before anything reads them. A first start's write of
    // their file, like meta.properties', goes on beside the rest of the start and is awaited before the listeners bind.
    const { store: dynamicConfigs, persisted: dynamicConfigsPersisted } = await DynamicBrokerConfigs.load(config, dataDir, logger);
    const listenerNames = parseListeners(config.get(BrokerConfigKeys.LISTENERS).join(',')).map((spec) => spec.name);
    const security = BrokerSecurity.build(config, listenerNames, dataDir, logger);
    const logs = await LogManager.open({
      dataDir,
      logger,
      defaultConfig: topicDefaultsFromBroker(config),
      retentionCheckIntervalMs: config.get(BrokerConfigKeys.LOG_RETENTION_CHECK_INTERVAL_MS),
      cleanerBackoffMs: config.get(BrokerConfigKeys.LOG_CLEANER_BACKOFF_MS),
      producerIdExpirationMs: config.get(BrokerConfigKeys.PRODUCER_ID_EXPIRATION_MS),
      producerIdExpirationCheckIntervalMs: config.get(BrokerConfigKeys.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS),
      tailCacheBytes: config.get(BrokerConfigKeys.LOG_TAIL_CACHE_MAX_BYTES),
      tailCachePartitionBytes: config.get(BrokerConfigKeys.LOG_TAIL_CACHE_PARTITION_MAX_BYTES),
      indexCacheBytes: config.get(BrokerConfigKeys.LOG_INDEX_CACHE_MAX_BYTES),
      readBufferPoolBytes: config.get(BrokerConfigKeys.LOG_READ_BUFFER_POOL_MAX_BYTES),
      frameBufferPoolBytes: config.get(BrokerConfigKeys.SOCKET_REQUEST_BUFFER_POOL_MAX_BYTES),
    });
    let coordinators: Coordinators;
    try {
      coordinators = await Coordinators.start({ logs, config, dataDir, logger });
    } catch (err) {
      await logs.close();
      throw err;
    }
    // A changed default reaches every partition that does not override it, as Kafka's DynamicLogConfig does.
    dynamicConfigs.onChange(() => {
      logs.setProducerIdExpirationMs(config.get(BrokerConfigKeys.PRODUCER_ID_EXPIRATION_MS));
      return logs.reconfigureDefaults(topicDefaultsFromBroker(config));
    });
    const broker = new Broker(config, logger, logs, identity, coordinators, security, dynamicConfigs);
    // The listeners bind while a first start's meta.properties and dynamic configs are still being made durable:
    // ApiVersions, which needs neither, is answered at once, and every other request waits until they are on disk
    // (the cluster id goes out in Metadata only once it will survive a crash). The start resolves after both.
    const durable = Promise.all([persisted, dynamicConfigsPersisted]).then(() => undefined);
    durable.catch(() => undefined);
    broker.startPending = durable;
    try {
      if (options.faults !== undefined) broker.faults.add(options.faults);
      await broker.bindListeners();
      await durable;
      broker.startPending = undefined;
    } catch (err) {
      // Closes what was bound and any connection accepted meanwhile, then storage, as a stop does.
      await broker.stop();
      throw err;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger.info(
      {
        nodeId: identity.nodeId,
        clusterId: identity.clusterId,
        dataDir,
        listeners: broker.advertised.map((a) => `${a.name}://${a.host}:${a.port}`),
        startupMs: Math.round(ms),
      },
      'Eddy broker started',
    );
    return broker;
  }

  /** Classic and KIP-848 consumer groups and committed offsets, reloaded from __consumer_offsets. */
  get groups(): GroupCoordinator {
    return this.coordinators.groups;
  }

  /** Producer ids and transactions, reloaded from __transaction_state. */
  get transactions(): TransactionCoordinator {
    return this.coordinators.transactions;
  }

  /** The handlers by API key; ApiVersions reports exactly these. */
  get handlerTable(): ReadonlyMap<number, ApiHandler> {
    return this.handlers;
  }

  /** Advertised addresses, one per listener, in the configured order. */
  get advertisedListeners(): readonly ListenerAddress[] {
    return this.advertised;
  }

  advertisedFor(listenerName: string): ListenerAddress {
    return this.advertised.find((a) => a.name === listenerName) ?? this.advertised[0];
  }

  /** The addresses actually bound, one per listener (ports resolved when 0 was asked). */
  get boundListeners(): readonly ListenerAddress[] {
    return this.listeners.map((l) => l.address);
  }

  /** The port the first listener is bound to (useful when started with port 0). */
  get port(): number {
    return this.listeners[0].address.port;
  }

  private async bindListeners(): Promise<void> {
    const specs = parseListeners(this.config.get(BrokerConfigKeys.LISTENERS).join(','));
    const bound: ListenerAddress[] = [];
    const refusals = new RateLimitedLog(this.logger);
    for (const spec of specs) {
      const listenerSecurity = this.security.listener(spec.name);
      const gate = new ListenerGate(spec.name, this.connectionQuotas, refusals, this.logger);
      this.gates.push(gate);
      const server = createListenerServer(
        listenerSecurity,
        this.logger,
        (accepted) => this.accept(accepted, spec.name),
        (socket, proceed) => gate.offer(socket, proceed),
      );
      server.on('error', (err) => this.logger.error({ err, listener: spec.name }, 'listener error'));
      await listen(server, spec.host, spec.port);
      const addr = server.address() as net.AddressInfo;
      const address = { name: spec.name, host: spec.host, port: addr.port };
      this.listeners.push({ server, address });
      bound.push(address);
      this.logger.info({ listener: spec.name, protocol: listenerSecurity.protocol, host: spec.host || '0.0.0.0', port: addr.port }, 'listening');
    }
    const advertisedSpec = this.config.get(BrokerConfigKeys.ADVERTISED_LISTENERS)?.join(',');
    this.advertised = resolveAdvertised(bound, advertisedSpec ? parseListeners(advertisedSpec) : []);
  }

  /** Fault injection's broker down: the listeners close (connects are refused) and later listen on the same ports. */
  private setListening(listening: boolean): void {
    for (const { server, address } of this.listeners) {
      if (this.stopping || server.listening === listening) continue;
      if (!listening) server.close();
      else listen(server, address.host, address.port).catch((err: unknown) => this.logger.error({ err, listener: address.name }, 'listening again failed'));
    }
  }

  private accept({ socket, principal, authenticator, inPlaceReads, frameReads }: AcceptedSocket, listenerName: string): void {
    if (this.stopping || this.faults.refusesConnections()) {
      socket.destroy();
      return;
    }
    const connection = new Connection(
      socket,
      {
        maxFrameBytes: this.config.get(BrokerConfigKeys.SOCKET_REQUEST_MAX_BYTES),
        idleTimeoutMs: this.config.get(BrokerConfigKeys.CONNECTIONS_MAX_IDLE_MS),
        listenerName,
        handlers: this.handlers,
        newRequestScope: this.newRequestScope,
        apiVersionsFallback: (writer) => encodeApiVersionsFallback(writer, this.handlers),
        securityProtocol: this.security.listener(listenerName).protocol,
        principal,
        authenticator,
        metrics: this.metrics,
        quotas: this.requestThrottle,
        inPlaceReads,
        frameReads,
        frames: this.logs.frames,
        startPending: this.pendingStart,
      },
      this.logger,
    );
    const counted = this.metrics.listener(listenerName);
    counted.created++;
    this.connections.set(connection, listenerName);
    void connection.closed.then(() => {
      counted.closed++;
      this.connections.delete(connection);
    });
  }

  /** Stops accepting, closes client connections, and closes storage cleanly (so the next start skips recovery). */
  stop(): Promise<void> {
    if (!this.stopping) this.stopping = this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.logger.info('Eddy broker stopping');
    this.faults.close();
    for (const gate of this.gates) gate.close();
    // server.close() stops accepting at once but reports completion only after every connection has ended.
    const listenersClosed = Promise.all(this.listeners.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve()))));
    // In-flight requests finish (appends complete, waiting fetches answer at once); a stuck client cannot hold
    // the shutdown for more than a few seconds.
    this.coordinators.unloadGroups();
    const drained = Promise.all([...this.connections.keys()].map((c) => c.shutdown()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_DRAIN_MS)));
    await Promise.race([drained, timeout]);
    if (timer) clearTimeout(timer);
    for (const c of this.connections.keys()) c.close('broker shutting down', 'debug');
    await listenersClosed;
    await this.coordinators.shutdown();
    await this.logs.close();
    this.logger.info('Eddy broker stopped');
  }
}
