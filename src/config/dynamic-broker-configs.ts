// Dynamic broker configs (Kafka's KIP-226): the values AlterConfigs and IncrementalAlterConfigs store for the
// cluster-wide default (resource "") and for this broker (its node id). Kafka keeps them in its metadata log; Eddy
// keeps them in one file of the data dir, replaced atomically like its other metadata files, and lays them over the
// static settings (BrokerConfig) so every reader sees the new value at once. What a change means for running parts
// (the partition logs' effective configs) is the broker's to apply: it listens with onChange().
import * as fs from 'fs';
import * as path from 'path';
import { isNotFound, writeFileAtomic } from '../../storage/atomic-file';
import { BROKER_CONFIG_BY_NAME, BrokerConfig, BrokerConfigKeys, DynamicScope } from './broker-config';
import { checkDynamicBrokerConfigs, isLoadableDynamicConfig } from './dynamic-broker-config-rules';
import type { Logger } from '../logger';

export const DYNAMIC_BROKER_CONFIGS_FILE = 'dynamic-broker-configs.json';

type Levels = Record<DynamicScope, Record<string, string>>;

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
}

function parseLevels(text: string): Levels {
  const parsed: unknown = JSON.parse(text);
  const levels = parsed as Partial<Levels> | null;
  if (levels === null || !isStringRecord(levels.default ?? {}) || !isStringRecord(levels.broker ?? {})) throw new Error('not a map of config values per level');
  return { default: { ...levels.default }, broker: { ...levels.broker } };
}

/** Drops values that may not be set at this level or that a definition now refuses, as Kafka ignores them rather than refuse to start. */
function usable(scope: DynamicScope, entries: Readonly<Record<string, string>>, logger: Logger): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(entries)) {
    if (!isLoadableDynamicConfig(scope, name)) {
      logger.warn({ config: name, level: scope }, 'stored dynamic broker config cannot be set at this level; ignored');
      continue;
    }
    try {
      BROKER_CONFIG_BY_NAME.get(name)?.parse(value);
      kept[name] = value;
    } catch (err) {
      logger.warn({ config: name, err }, 'stored dynamic broker config invalid; ignored');
    }
  }
  return kept;
}

export class DynamicBrokerConfigs {
  private readonly listeners: Array<() => Promise<void>> = [];
  /** Changes run one at a time, so each computes from the values the previous one stored (Kafka's controller serialises them too). */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly config: BrokerConfig,
    private readonly file: string,
  ) {}

  /**
   * Reads the stored values into `config`. A data dir without the file gets what Kafka's storage tool writes when
   * it formats a node: min.insync.replicas, at its static value, as a cluster-wide dynamic default.
   */
  static async open(config: BrokerConfig, dataDir: string, logger: Logger): Promise<DynamicBrokerConfigs> {
    const { store, persisted } = await DynamicBrokerConfigs.load(config, dataDir, logger);
    await persisted;
    return store;
  }

  /**
   * As open, but returns once the values are in `config`, with the first start's write of the file still under way:
   * the broker awaits `persisted` before it serves (as it awaits meta.properties), and the file's fsyncs overlap the
   * rest of its start instead of preceding it. A change asked for meanwhile is written after it.
   */
  static async load(config: BrokerConfig, dataDir: string, logger: Logger): Promise<{ store: DynamicBrokerConfigs; persisted: Promise<void> }> {
    const store = new DynamicBrokerConfigs(config, path.join(dataDir, DYNAMIC_BROKER_CONFIGS_FILE));
    let levels: Levels;
    let persisted = Promise.resolve();
    try {
      // Read synchronously: a small file read once at start, where a thread-pool round trip costs more than the read.
      levels = parseLevels(fs.readFileSync(store.file, 'utf8'));
    } catch (err) {
      if (!isNotFound(err)) throw new Error(`${store.file} is unreadable: ${String(err)}`, { cause: err });
      const minIsr = BrokerConfigKeys.MIN_INSYNC_REPLICAS;
      levels = { default: { [minIsr.name]: config.staticValue(minIsr) ?? String(minIsr.defaultValue) }, broker: {} };
      persisted = writeFileAtomic(store.file, JSON.stringify(levels, null, 2));
      // Whoever starts the broker awaits it; until then a failure must not surface as an unhandled rejection.
      persisted.catch(() => undefined);
      store.queue = persisted.catch(() => undefined);
    }
    for (const scope of ['default', 'broker'] as const) config.replaceDynamic(scope, usable(scope, levels[scope], logger));
    return { store, persisted };
  }

  /** The values stored at one level. */
  current(scope: DynamicScope): Record<string, string> {
    return Object.fromEntries(this.config.dynamicEntries(scope));
  }

  /** Throws KafkaError, with Kafka's code and message, when `next` may not become the level's values. */
  check(scope: DynamicScope, next: Readonly<Record<string, string>>): void {
    checkDynamicBrokerConfigs(this.config, scope, next);
  }

  /**
   * Computes a level's new values from its current ones and checks them; unless `validateOnly`, stores and applies
   * them (replace). Runs after every change already asked for.
   */
  update(scope: DynamicScope, compute: (current: Record<string, string>) => Record<string, string>, validateOnly: boolean): Promise<void> {
    const run = this.queue.then(async () => {
      const next = compute(this.current(scope));
      if (validateOnly) this.check(scope, next);
      else await this.replace(scope, next);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Makes `next` the level's values (checked first): stored, then applied, then every listener told. */
  async replace(scope: DynamicScope, next: Readonly<Record<string, string>>): Promise<void> {
    this.check(scope, next);
    const levels: Levels = { default: this.current('default'), broker: this.current('broker'), [scope]: { ...next } };
    await writeFileAtomic(this.file, JSON.stringify(levels, null, 2));
    this.config.replaceDynamic(scope, next);
    for (const listener of this.listeners) await listener();
  }

  /** Runs `listener` after each change, once the new values are in the broker config. */
  onChange(listener: () => Promise<void>): void {
    this.listeners.push(listener);
  }
}
