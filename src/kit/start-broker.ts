// `startBroker()`: the one call a test needs for a broker of its own, in its own process. It binds 127.0.0.1 on a
// port the system picks, keeps its data in a fresh temp dir that stop() deletes, logs nothing unless asked, and
// leaves the HTTP console off (it is loaded only when asked for, so a start pays nothing for it). What it returns
// is what a client or a test wants to hand on: the bootstrap address, the broker itself, and two topic helpers
// that go through the same rules as CreateTopics and DeleteTopics without a client round trip.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Broker } from '../broker/broker';
import { BrokerConfig, BrokerConfigKeys } from '../config/broker-config';
import type { RunningHttpServer } from '../http/http-server';
import { createLogger, silentLogger, type Logger, type LogLevel } from '../logger';
import { readyInfo, type ReadyInfo, type ReadyListener } from './ready-info';

/** A broker config value as a test writes it; sent to the broker as its text, as a properties file would hold it. */
export type ConfigValue = string | number | boolean;

export interface StartBrokerOptions {
  /** Any broker config by its Kafka name, e.g. `{ 'log.retention.ms': 60000, 'group.min.session.timeout.ms': 100 }`. */
  readonly configs?: Readonly<Record<string, ConfigValue>>;
  /** Partitions of a topic created without a count, auto-created ones included (num.partitions; default 1). */
  readonly partitions?: number;
  /** Whether Metadata and Produce create unknown topics (auto.create.topics.enable; default true, as Kafka). */
  readonly autoCreateTopics?: boolean;
  /** A data dir to use and keep: it is created if missing and left in place by stop(). Default: a fresh temp dir, deleted by stop(). */
  readonly dataDir?: string;
  /** Interface to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port to bind (default 0: one the system picks). */
  readonly port?: number;
  /** Log level of a logger writing JSON lines to stdout (default 'silent'). Ignored when `logger` is given. */
  readonly logLevel?: LogLevel;
  /** A pino logger of your own. */
  readonly logger?: Logger;
  /** The HTTP console, metrics and admin endpoint: off by default; `true` serves it on 127.0.0.1 and a free port. */
  readonly http?: boolean | { readonly host?: string; readonly port?: number };
}

/** A topic the kit created. */
export interface CreatedTopic {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: number;
}

/**
 * The broker's fault-injection API when this build has one (`broker.faults`): its type is the Broker's own, so it
 * follows that API as it is, and is `undefined` on a build without it.
 */
export type BrokerFaults = Broker extends { readonly faults: infer Faults } ? Faults : undefined;

export interface RunningBroker {
  /** host:port to bootstrap from, e.g. '127.0.0.1:40123'. */
  readonly bootstrap: string;
  /** The bootstrap addresses as a list (kafkajs' `brokers`): this single node's. */
  readonly brokers: readonly string[];
  /** The first listener's bound port. */
  readonly port: number;
  /** Every listener with the address clients are told and its bound port. */
  readonly listeners: readonly ReadyListener[];
  readonly dataDir: string;
  /** The HTTP console's base URL when it was asked for, else null. */
  readonly httpUrl: string | null;
  /** The broker itself, for tests that look inside (topics, groups, config). */
  readonly broker: Broker;
  /** Fault injection, `broker.faults`, when this build has it. */
  readonly faults: BrokerFaults;
  /** What `eddy start --ready-file` would write for this broker. */
  readyInfo(): ReadyInfo;
  /** Creates a topic with Kafka's rules (name, configs, replication factor 1); rejects with a KafkaError as CreateTopics would answer. */
  createTopic(name: string, partitions?: number, configs?: Readonly<Record<string, ConfigValue>>): Promise<CreatedTopic>;
  /** Deletes a topic; rejects with UNKNOWN_TOPIC_OR_PARTITION when there is none. */
  deleteTopic(name: string): Promise<void>;
  /** Closes clients' connections, the HTTP server and storage, then deletes the data dir unless it was given. Safe to call twice. */
  stop(): Promise<void>;
}

const DEFAULT_HOST = '127.0.0.1';

function configText(values: Readonly<Record<string, ConfigValue>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)]));
}

/** The broker configs of these options: the given ones, then what the kit's own options say. */
export function kitBrokerConfigs(options: StartBrokerOptions, dataDir: string): Record<string, string> {
  const configs = configText(options.configs ?? {});
  if (options.partitions !== undefined) configs[BrokerConfigKeys.NUM_PARTITIONS.name] = String(options.partitions);
  if (options.autoCreateTopics !== undefined) configs[BrokerConfigKeys.AUTO_CREATE_TOPICS_ENABLE.name] = String(options.autoCreateTopics);
  if (configs[BrokerConfigKeys.LISTENERS.name] === undefined || options.host !== undefined || options.port !== undefined) {
    configs[BrokerConfigKeys.LISTENERS.name] = `PLAINTEXT://${options.host ?? DEFAULT_HOST}:${options.port ?? 0}`;
  }
  configs[BrokerConfigKeys.LOG_DIRS.name] = dataDir;
  return configs;
}

function kitLogger(options: StartBrokerOptions): Logger {
  if (options.logger !== undefined) return options.logger;
  const level = options.logLevel ?? 'silent';
  return level === 'silent' ? silentLogger() : createLogger(level);
}

/** The HTTP server's module, required only when a test asks for the console: fastify takes longer to load than a broker to start. */
function loadHttpServer(): typeof import('../http/http-server') {
  return require('../http/http-server') as typeof import('../http/http-server');
}

async function startHttp(broker: Broker, option: StartBrokerOptions['http'], logger: Logger): Promise<RunningHttpServer | null> {
  if (option === undefined || option === false) return null;
  const where = option === true ? {} : option;
  return loadHttpServer().startHttpServer(broker, { host: where.host ?? DEFAULT_HOST, port: where.port ?? 0 }, logger);
}

/** Starts a broker in this process; resolves once its listeners (and the HTTP server, when asked for) are bound. */
export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-')) : path.resolve(options.dataDir);
  const removeDataDir = (): void => {
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const logger = kitLogger(options);
  let broker: Broker;
  let http: RunningHttpServer | null;
  try {
    broker = await Broker.start({ config: new BrokerConfig(kitBrokerConfigs(options, dataDir)), logger });
  } catch (err) {
    removeDataDir();
    throw err;
  }
  try {
    http = await startHttp(broker, options.http, logger);
  } catch (err) {
    await broker.stop();
    removeDataDir();
    throw err;
  }
  return runningBroker(broker, dataDir, http, removeDataDir);
}

function runningBroker(broker: Broker, dataDir: string, http: RunningHttpServer | null, removeDataDir: () => void): RunningBroker {
  const info = readyInfo(broker, http?.url ?? null);
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    await http?.close();
    await broker.stop();
    removeDataDir();
  };
  return {
    bootstrap: info.bootstrap,
    brokers: [info.bootstrap],
    port: broker.port,
    listeners: info.listeners,
    dataDir,
    httpUrl: info.http,
    broker,
    get faults(): BrokerFaults {
      return (broker as unknown as { readonly faults: BrokerFaults }).faults;
    },
    readyInfo: () => info,
    createTopic: async (name, partitions = -1, configs = {}) => {
      const created = await broker.topics.create({ name, numPartitions: partitions, replicationFactor: -1, configs: configText(configs) });
      // As CreateTopics answers (at its default timeout): once the partitions' files exist, first writes only open them.
      await broker.topics.partitionFilesMade([name], 60_000);
      return { name: created.name, topicId: created.topicId, partitions: created.partitions };
    },
    deleteTopic: (name) => broker.topics.delete(name),
    stop: () => (stopping ??= stop()),
  };
}
