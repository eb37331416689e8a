// What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share: resource types, config type ids, and
// how a topic's overrides change.
import type { ConfigType } from '../config/config-types';
import { TOPIC_CONFIG_BY_NAME } from '../config/topic-configs';
import { BROKER_CONFIG_BY_NAME } from '../config/broker-config';
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import type { BrokerServices } from './services';

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
} as const;

const CONFIG_TYPE_IDS: Readonly<Record<ConfigType, number>> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
  class: 8,
  password: 9,
};

export function configTypeId(type: ConfigType | undefined): number {
  return type === undefined ? 0 : CONFIG_TYPE_IDS[type];
}

function checkBrokerIdIsInteger(name: string): void {
  if (!/^[+-]?\d+$/.test(name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
}

/** A broker's loggers are named by node id only: there is no cluster-wide logger resource. */
export function checkBrokerLoggerResourceName(services: BrokerServices, name: string): void {
  if (name === '') throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
  checkBrokerIdIsInteger(name);
  if (name !== String(services.node.nodeId)) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${services.node.nodeId} but received ${name}`);
  }
}

/** AlterConfigs and IncrementalAlterConfigs name a broker by node id, or "" for the cluster-wide default, with Kafka's messages for these APIs. */
export function checkAlterBrokerResourceName(services: BrokerServices, name: string): void {
  if (name === '') return;
  if (!/^[+-]?\d+$/.test(name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Node id must be an integer, but it is: ${name}`);
  if (Number(name) !== services.node.nodeId) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${services.node.nodeId}, but received ${name}`);
  }
}

/** Broker resources are named by node id, or "" for the cluster-wide default. */
export function checkBrokerResourceName(services: BrokerServices, name: string): void {
  // Kafka parses the id first (Java's Integer.parseInt), then compares it with its own.
  if (name !== '') checkBrokerIdIsInteger(name);
  if (name !== '' && name !== String(services.node.nodeId)) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${services.node.nodeId} or empty string, but received ${name}`);
  }
}

/** A topic config's default as text, the base APPEND and SUBTRACT start from when the topic has no override. */
export function topicConfigDefault(name: string): string | null {
  return TOPIC_CONFIG_BY_NAME.get(name)?.defaultValue ?? null;
}

export function isListTopicConfig(name: string): boolean {
  return TOPIC_CONFIG_BY_NAME.get(name)?.type === 'list';
}

/**
 * Incremental operations on a broker level's dynamic values: as for topics, but APPEND and SUBTRACT start from the
 * broker key's default and refuse a key that is not a list with the message of Kafka's broker path.
 */
export function applyBrokerIncremental(current: Readonly<Record<string, string>>, changes: readonly ConfigChange[]): Record<string, string> {
  if (new Set(changes.map((c) => c.name)).size < changes.length) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
  // Kafka's broker path names every null value at once, and an operation id it does not know, before applying any.
  const nulls = changes.filter((c) => c.op !== AlterOp.DELETE && c.value === null).map((c) => c.name);
  if (nulls.length > 0) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
  const unknownOp = changes.find((c) => !Object.values<number>(AlterOp).includes(c.op));
  if (unknownOp !== undefined) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown operations type ${unknownOp.op}`);
  for (const c of changes) {
    if ((c.op === AlterOp.APPEND || c.op === AlterOp.SUBTRACT) && BROKER_CONFIG_BY_NAME.get(c.name)?.type !== 'list') {
      const op = c.op === AlterOp.APPEND ? 'append' : 'subtract';
      throw new KafkaError(ErrorCode.INVALID_CONFIG, `Config value ${op} is not allowed for config key: ${c.name}`);
    }
  }
  const brokerDefault = (name: string): string | null => BROKER_CONFIG_BY_NAME.get(name)?.defaultValue ?? null;
  return applyIncremental(current, changes, brokerDefault, () => true);
}

export const AlterOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigChange {
  readonly name: string;
  readonly op: number;
  readonly value: string | null;
}

/** Applies incremental operations to a topic's overrides; list ops follow Kafka's semantics for list configs. */
export function applyIncremental(
  current: Readonly<Record<string, string>>,
  changes: readonly ConfigChange[],
  defaultOf: (name: string) => string | null,
  isList: (name: string) => boolean,
): Record<string, string> {
  const next: Record<string, string> = { ...current };
  const seen = new Set<string>();
  for (const c of changes) {
    if (seen.has(c.name)) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys`);
    seen.add(c.name);
    switch (c.op) {
      case AlterOp.SET:
        if (c.value === null) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`);
        next[c.name] = c.value;
        break;
      case AlterOp.DELETE:
        delete next[c.name];
        break;
      case AlterOp.APPEND:
      case AlterOp.SUBTRACT: {
        if (!isList(c.name)) {
          const op = c.op === AlterOp.APPEND ? 'APPEND' : 'SUBTRACT';
          throw new KafkaError(ErrorCode.INVALID_CONFIG, `Can't ${op} to key ${c.name} because its type is not LIST.`);
        }
        const base = (next[c.name] ?? defaultOf(c.name) ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const items = (c.value ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const merged = c.op === AlterOp.APPEND ? [...base, ...items.filter((i) => !base.includes(i))] : base.filter((b) => !items.includes(b));
        next[c.name] = merged.join(',');
        break;
      }
      default:
        // Kafka finds no operation for the id and fails on it: UNKNOWN_SERVER_ERROR with no message.
        throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
  }
  return next;
}
