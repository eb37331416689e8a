// The topic catalog: every topic's name, id, partition count and config overrides, kept in one JSON file in the
// data directory and replaced atomically on every change.
import { promises as fsp } from 'fs';
import * as path from 'path';
import type * as Crypto from 'crypto';
import { writeFileAtomic, isNotFound } from './atomic-file';
import { CATALOG_FILE } from './file-names';
import { InvalidTopicError } from './errors';

/** crypto, required on first use: its ~36 built-in modules are not needed before a broker's first answer. */
const crypto = (): typeof Crypto => require('crypto') as typeof Crypto;

export interface TopicMetadata {
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
}

const MAX_TOPIC_NAME_LENGTH = 249;

/** Kafka's topic name rule; it also keeps names safe as directory names. */
export function checkTopicName(name: string): void {
  if (name.length === 0) throw new InvalidTopicError('Topic name is invalid: the empty string is not allowed');
  if (name === '.' || name === '..') throw new InvalidTopicError(`Topic name is invalid: '${name}' is not allowed`);
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw new InvalidTopicError(`Topic name is invalid: the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`);
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    throw new InvalidTopicError(`Topic name is invalid: '${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`);
  }
}

interface CatalogFile {
  version: 1;
  topics: TopicMetadata[];
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A random (v4) topic id; Kafka reserves the all-zero id, which randomUUID never yields. */
export function newTopicId(): string {
  return crypto().randomUUID();
}

function parseTopic(value: unknown, file: string): TopicMetadata {
  if (typeof value !== 'object' || value === null) throw new Error(`Malformed topic entry in ${file}`);
  const v = value as Record<string, unknown>;
  const configs = v.configs;
  if (
    typeof v.name !== 'string' ||
    typeof v.topicId !== 'string' ||
    !UUID_PATTERN.test(v.topicId) ||
    typeof v.partitions !== 'number' ||
    !Number.isInteger(v.partitions) ||
    v.partitions < 1 ||
    typeof configs !== 'object' ||
    configs === null ||
    Object.values(configs).some((c) => typeof c !== 'string')
  ) {
    throw new Error(`Malformed topic entry in ${file}: ${JSON.stringify(value)}`);
  }
  return { name: v.name, topicId: v.topicId, partitions: v.partitions, configs: { ...(configs as Record<string, string>) } };
}

export class TopicCatalog {
  private readonly byName = new Map<string, TopicMetadata>();
  private readonly byId = new Map<string, TopicMetadata>();

  private constructor(private readonly file: string) {}

  static async load(dataDir: string): Promise<TopicCatalog> {
    const catalog = new TopicCatalog(path.join(dataDir, CATALOG_FILE));
    let text: string;
    try {
      text = await fsp.readFile(catalog.file, 'utf8');
    } catch (err) {
      if (isNotFound(err)) return catalog;
      throw err;
    }
    // A catalog that cannot be read must stop the broker: starting empty would orphan every topic's data.
    const parsed: unknown = JSON.parse(text);
    const topics = (parsed as Partial<CatalogFile> | null)?.topics;
    if (!Array.isArray(topics)) throw new Error(`Malformed topic catalog ${catalog.file}`);
    for (const t of topics) catalog.put(parseTopic(t, catalog.file));
    return catalog;
  }

  list(): readonly TopicMetadata[] {
    return [...this.byName.values()];
  }

  get(name: string): TopicMetadata | undefined {
    return this.byName.get(name);
  }

  getById(topicId: string): TopicMetadata | undefined {
    return this.byId.get(topicId);
  }

  /** Inserts or replaces a topic (entries are immutable snapshots, replaced whole). */
  put(topic: TopicMetadata): void {
    const frozen = Object.freeze({ ...topic, configs: Object.freeze({ ...topic.configs }) }) as TopicMetadata;
    const previous = this.byName.get(topic.name);
    if (previous !== undefined) this.byId.delete(previous.topicId);
    this.byName.set(topic.name, frozen);
    this.byId.set(topic.topicId, frozen);
  }

  remove(name: string): void {
    const previous = this.byName.get(name);
    if (previous === undefined) return;
    this.byName.delete(name);
    this.byId.delete(previous.topicId);
  }

  async save(): Promise<void> {
    const content: CatalogFile = { version: 1, topics: this.list() as TopicMetadata[] };
    await writeFileAtomic(this.file, JSON.stringify(content, null, 2) + '\n');
  }
}
