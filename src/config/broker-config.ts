// Broker configuration: Kafka's broker config names and defaults, parsed from `--config key=value`, EDDY_*
// environment variables and the CLI's own flags. Eddy differs from Kafka's defaults only where a single-node
// dev broker needs it; each such difference is marked "Eddy default".
import { ConfigDefinition, validateConfigValue } from './config-types';

const LONG_MAX = '9223372036854775807';

export const BROKER_CONFIGS: readonly ConfigDefinition[] = [
  { name: 'node.id', type: 'int', defaultValue: '1', readOnly: true, min: 0 }, // Eddy default (Kafka: none)
  { name: 'broker.id', type: 'int', defaultValue: '1', readOnly: true },
  { name: 'process.roles', type: 'list', defaultValue: 'broker,controller', readOnly: true },
  { name: 'listeners', type: 'list', defaultValue: 'PLAINTEXT://127.0.0.1:9092', readOnly: true }, // Eddy default
  { name: 'advertised.listeners', type: 'list', defaultValue: null, readOnly: true },
  { name: 'listener.security.protocol.map', type: 'list', defaultValue: 'PLAINTEXT:PLAINTEXT', readOnly: true },
  { name: 'log.dirs', type: 'list', defaultValue: './data', readOnly: true }, // Eddy default (Kafka: /tmp/kraft-combined-logs)
  { name: 'log.dir', type: 'string', defaultValue: './data', readOnly: true },
  { name: 'num.partitions', type: 'int', defaultValue: '1', readOnly: false, min: 1 },
  { name: 'default.replication.factor', type: 'short', defaultValue: '1', readOnly: false, min: 1 },
  { name: 'auto.create.topics.enable', type: 'boolean', defaultValue: 'true', readOnly: true },
  { name: 'delete.topic.enable', type: 'boolean', defaultValue: 'true', readOnly: true },
  { name: 'message.max.bytes', type: 'int', defaultValue: '1048588', readOnly: false, min: 0 },
  { name: 'socket.request.max.bytes', type: 'int', defaultValue: '104857600', readOnly: true, min: 1 },
  { name: 'socket.send.buffer.bytes', type: 'int', defaultValue: '102400', readOnly: true },
  { name: 'socket.receive.buffer.bytes', type: 'int', defaultValue: '102400', readOnly: true },
  { name: 'connections.max.idle.ms', type: 'long', defaultValue: '600000', readOnly: true },
  { name: 'max.connections', type: 'int', defaultValue: '2147483647', readOnly: false, min: 0 },
  { name: 'compression.type', type: 'string', defaultValue: 'producer', readOnly: false },
  { name: 'log.cleanup.policy', type: 'list', defaultValue: 'delete', readOnly: false },
  { name: 'log.cleaner.delete.retention.ms', type: 'long', defaultValue: '86400000', readOnly: false },
  { name: 'log.cleaner.enable', type: 'boolean', defaultValue: 'true', readOnly: true },
  { name: 'log.cleaner.backoff.ms', type: 'long', defaultValue: '15000', readOnly: true, min: 0 },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'double', defaultValue: '0.5', readOnly: false },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'long', defaultValue: '0', readOnly: false },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'long', defaultValue: LONG_MAX, readOnly: false },
  { name: 'log.flush.interval.messages', type: 'long', defaultValue: LONG_MAX, readOnly: false, min: 1 },
  { name: 'log.flush.interval.ms', type: 'long', defaultValue: null, readOnly: false },
  { name: 'log.index.interval.bytes', type: 'int', defaultValue: '4096', readOnly: false },
  { name: 'log.index.size.max.bytes', type: 'int', defaultValue: '10485760', readOnly: false },
  { name: 'log.message.timestamp.type', type: 'string', defaultValue: 'CreateTime', readOnly: false,
    validValues: ['CreateTime', 'LogAppendTime'] },
  { name: 'log.message.timestamp.after.max.ms', type: 'long', defaultValue: '3600000', readOnly: false },
  { name: 'log.message.timestamp.before.max.ms', type: 'long', defaultValue: LONG_MAX, readOnly: false },
  { name: 'log.retention.bytes', type: 'long', defaultValue: '-1', readOnly: false },
  { name: 'log.retention.hours', type: 'int', defaultValue: '168', readOnly: true },
  { name: 'log.retention.minutes', type: 'int', defaultValue: null, readOnly: true },
  { name: 'log.retention.ms', type: 'long', defaultValue: null, readOnly: false },
  { name: 'log.retention.check.interval.ms', type: 'long', defaultValue: '300000', readOnly: true, min: 1 },
  { name: 'log.roll.hours', type: 'int', defaultValue: '168', readOnly: true },
  { name: 'log.roll.ms', type: 'long', defaultValue: null, readOnly: false },
  { name: 'log.segment.bytes', type: 'int', defaultValue: '1073741824', readOnly: false, min: 14 },
  { name: 'log.segment.delete.delay.ms', type: 'long', defaultValue: '60000', readOnly: false },
  { name: 'min.insync.replicas', type: 'int', defaultValue: '1', readOnly: false, min: 1 },
  { name: 'offsets.topic.num.partitions', type: 'int', defaultValue: '50', readOnly: true, min: 1 },
  { name: 'offsets.topic.replication.factor', type: 'short', defaultValue: '1', readOnly: true }, // Eddy default (Kafka: 3)
  { name: 'offsets.retention.minutes', type: 'int', defaultValue: '10080', readOnly: true, min: 1 },
  { name: 'offsets.retention.check.interval.ms', type: 'long', defaultValue: '600000', readOnly: true, min: 1 },
  { name: 'offset.metadata.max.bytes', type: 'int', defaultValue: '4096', readOnly: true },
  // Eddy default: no initial rebalance delay, so a lone dev consumer starts at once (Kafka: 3000).
  { name: 'group.initial.rebalance.delay.ms', type: 'int', defaultValue: '0', readOnly: true, min: 0 },
  { name: 'group.min.session.timeout.ms', type: 'int', defaultValue: '6000', readOnly: true },
  { name: 'group.max.session.timeout.ms', type: 'int', defaultValue: '1800000', readOnly: true },
  { name: 'group.max.size', type: 'int', defaultValue: '2147483647', readOnly: true, min: 1 },
  { name: 'group.consumer.session.timeout.ms', type: 'int', defaultValue: '45000', readOnly: true, min: 1 },
  { name: 'group.consumer.heartbeat.interval.ms', type: 'int', defaultValue: '5000', readOnly: true, min: 1 },
  { name: 'group.consumer.max.size', type: 'int', defaultValue: '2147483647', readOnly: true, min: 1 },
  { name: 'transaction.state.log.num.partitions', type: 'int', defaultValue: '50', readOnly: true, min: 1 },
  { name: 'transaction.state.log.replication.factor', type: 'short', defaultValue: '1', readOnly: true }, // Eddy default (Kafka: 3)
  { name: 'transaction.max.timeout.ms', type: 'int', defaultValue: '900000', readOnly: true, min: 1 },
  { name: 'transactional.id.expiration.ms', type: 'int', defaultValue: '604800000', readOnly: true, min: 1 },
  { name: 'producer.id.expiration.ms', type: 'int', defaultValue: '86400000', readOnly: false },
  { name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', type: 'int', defaultValue: '10000', readOnly: true, min: 1 },
  { name: 'unclean.leader.election.enable', type: 'boolean', defaultValue: 'false', readOnly: false },
];

export const BROKER_CONFIG_BY_NAME: ReadonlyMap<string, ConfigDefinition> = new Map(
  BROKER_CONFIGS.map((d) => [d.name, d]),
);

export class BrokerConfig {
  private readonly values = new Map<string, string>();
  private changes = 0;

  /** Throws InvalidConfigValueError for values that do not fit their definition. Unknown keys are kept as given. */
  constructor(overrides: Readonly<Record<string, string>> = {}) {
    for (const [name, value] of Object.entries(overrides)) {
      const def = BROKER_CONFIG_BY_NAME.get(name);
      if (def) validateConfigValue(def, value);
      this.values.set(name, value);
    }
  }

  /** The value set explicitly, if any. */
  explicit(name: string): string | undefined {
    return this.values.get(name);
  }

  raw(name: string): string | null {
    return this.values.get(name) ?? BROKER_CONFIG_BY_NAME.get(name)?.defaultValue ?? null;
  }

  string(name: string): string {
    const v = this.raw(name);
    if (v === null) throw new Error(`broker config ${name} has no value`);
    return v;
  }

  int(name: string): number {
    return Number(this.string(name));
  }

  bool(name: string): boolean {
    return this.string(name) === 'true';
  }

  set(name: string, value: string): void {
    const def = BROKER_CONFIG_BY_NAME.get(name);
    if (def) validateConfigValue(def, value);
    this.values.set(name, value);
    this.changes++;
  }

  /** Grows with every set(): lets caches of values derived from the config tell they are stale. */
  get revision(): number {
    return this.changes;
  }

  entries(): ReadonlyMap<string, string> {
    return this.values;
  }

  get nodeId(): number {
    return this.int('node.id');
  }

  get dataDir(): string {
    return this.explicit('log.dirs')?.split(',')[0] ?? this.explicit('log.dir') ?? this.string('log.dirs');
  }

  /** retention.ms derived from log.retention.ms / minutes / hours, as Kafka resolves it. */
  get logRetentionMs(): number {
    const ms = this.explicit('log.retention.ms');
    if (ms !== undefined) return Number(ms);
    const minutes = this.explicit('log.retention.minutes');
    if (minutes !== undefined) return Number(minutes) * 60_000;
    return this.int('log.retention.hours') * 3_600_000;
  }

  /** segment.ms derived from log.roll.ms / log.roll.hours. */
  get logRollMs(): number {
    const ms = this.explicit('log.roll.ms');
    if (ms !== undefined) return Number(ms);
    return this.int('log.roll.hours') * 3_600_000;
  }
}
