// What a client quota is attached to and which quotas exist, with the checks Kafka's controller makes on
// AlterClientQuotas (ClientQuotaControlManager) and its broker on DescribeClientQuotas filters (ClientQuotasImage):
// the messages are Kafka's, word for word, so admin tools show the same errors.
//
// An entity maps entity types (user, client-id, ip) to a name, or to null for the type's default (`<default>` in
// kafka-configs.sh). User and client-id entities take the four client quotas; ip entities take
// connection_creation_rate and cannot be combined with the others.
import { isIP } from 'net';
import { inJavaHashOrder, javaHashOf } from './java-hash-order';

export const USER = 'user';
export const CLIENT_ID = 'client-id';
export const IP = 'ip';

export const PRODUCER_BYTE_RATE = 'producer_byte_rate';
export const CONSUMER_BYTE_RATE = 'consumer_byte_rate';
export const REQUEST_PERCENTAGE = 'request_percentage';
export const CONTROLLER_MUTATION_RATE = 'controller_mutation_rate';
export const CONNECTION_CREATION_RATE = 'connection_creation_rate';

/** An entity's components: type to name, null naming the type's default. */
export type QuotaEntity = ReadonlyMap<string, string | null>;

export interface Problem {
  readonly errorCode: number;
  readonly message: string;
}

const INVALID_REQUEST = 42;
const UNSUPPORTED_VERSION = 35;

type KeyType = 'LONG' | 'INT' | 'DOUBLE';

/** Kafka's QuotaConfig.userAndClientQuotaConfigs and ipConfigs, with their types. */
const CLIENT_KEYS: ReadonlyMap<string, KeyType> = new Map<string, KeyType>([
  [PRODUCER_BYTE_RATE, 'LONG'],
  [CONSUMER_BYTE_RATE, 'LONG'],
  [REQUEST_PERCENTAGE, 'DOUBLE'],
  [CONTROLLER_MUTATION_RATE, 'DOUBLE'],
]);
const IP_KEYS: ReadonlyMap<string, KeyType> = new Map<string, KeyType>([[CONNECTION_CREATION_RATE, 'INT']]);

// Java compares the double with Long.MAX_VALUE widened to a double: 2^63.
const LONG_MAX = 2 ** 63;
const INT_MAX = 2147483647;

function invalid(message: string): Problem {
  return { errorCode: INVALID_REQUEST, message };
}

/** The entity's components in the order Kafka's HashMap lists them (client-id before user). */
export function entityComponents(entity: QuotaEntity): Array<[string, string | null]> {
  return inJavaHashOrder([...entity], ([type]) => javaHashOf(type));
}

/** One string per entity, for map keys and the data dir's file. */
export function entityKey(entity: QuotaEntity): string {
  return JSON.stringify([...entity].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Kafka's ClientQuotaEntity.hashCode (Objects.hash of its component map), which orders Kafka's entity maps. */
export function entityHash(entity: QuotaEntity): number {
  let mapHash = 0;
  for (const [type, name] of entity) mapHash = (mapHash + (javaHashOf(type) ^ javaHashOf(name))) | 0;
  return (31 + mapHash) | 0;
}

/** Kafka's ClientQuotaEntity.toString, as its messages quote an entity. */
export function describeEntity(entity: QuotaEntity): string {
  const parts = entityComponents(entity).map(([type, name]) => `${type}=${name === null ? 'null' : name}`);
  return `ClientQuotaEntity(entries={${parts.join(', ')}})`;
}

/** ClientQuotaControlManager.validateEntity: known types only, no empty names. */
export function entityProblem(entity: QuotaEntity): Problem | null {
  if (entity.size === 0) return invalid('Invalid empty client quota entity');
  for (const [type, name] of entityComponents(entity)) {
    if (type !== USER && type !== CLIENT_ID && type !== IP) return invalid(`Unhandled client quota entity type: ${type}`);
    if (name !== null && name.length === 0) return invalid(`Empty ${type} not supported`);
  }
  return null;
}

/** ClientQuotaControlManager.configKeysForEntityType: the keys the entity's combination of types takes. */
export function keysForEntity(entity: QuotaEntity): ReadonlyMap<string, KeyType> | Problem {
  const hasIp = entity.has(IP);
  if (hasIp && (entity.has(USER) || entity.has(CLIENT_ID))) {
    // Kafka's message lacks the space between "should" and "not".
    return invalid('Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId');
  }
  if (hasIp) {
    const ip = entity.get(IP) ?? null;
    // Kafka resolves host names here; Eddy has no resolver to ask synchronously and takes addresses and localhost.
    if (ip !== null && isIP(ip) === 0 && ip !== 'localhost') return invalid(`${ip} is not a valid IP or resolvable host.`);
    return IP_KEYS;
  }
  if (entity.has(USER) || entity.has(CLIENT_ID)) return CLIENT_KEYS;
  return invalid('Invalid empty client quota entity');
}

/** ClientQuotaControlManager.validateQuotaKeyValue. */
export function valueProblem(keys: ReadonlyMap<string, KeyType>, key: string, value: number): Problem | null {
  const type = keys.get(key);
  if (type === undefined) return invalid(`Invalid configuration key ${key}`);
  if (value <= 0) return invalid(`Quota ${key} must be greater than 0`);
  if (type === 'DOUBLE') return null;
  if (type === 'INT' && value > INT_MAX) return invalid(`Proposed value for ${key} is too large for an INT.`);
  if (type === 'LONG' && value > LONG_MAX) return invalid(`Proposed value for ${key} is too large for a LONG.`);
  if (Math.abs(value % 1) > 1e-6) return invalid(`${key} cannot be a fractional value.`);
  return null;
}

/** One component of a DescribeClientQuotas filter. */
export interface FilterComponent {
  readonly entityType: string;
  readonly matchType: number;
  readonly match: string | null;
}

const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_SPECIFIED = 2;

/** A validated filter: types whose name must equal a value (null: the default), and types that must be present. */
export interface QuotaFilter {
  readonly exact: ReadonlyMap<string, string | null>;
  readonly present: ReadonlySet<string>;
  readonly strict: boolean;
}

/** ClientQuotasImage.describe's checks of the filter, with the errors it throws. */
export function parseFilter(components: readonly FilterComponent[], strict: boolean): QuotaFilter | Problem {
  const exact = new Map<string, string | null>();
  const present = new Set<string>();
  for (const c of components) {
    if (c.entityType.length === 0) return invalid('Invalid empty entity type.');
    if (exact.has(c.entityType) || present.has(c.entityType)) {
      return invalid(`Entity type ${c.entityType} cannot appear more than once in the filter.`);
    }
    if (c.entityType !== IP && c.entityType !== USER && c.entityType !== CLIENT_ID) {
      return { errorCode: UNSUPPORTED_VERSION, message: `Unsupported entity type ${c.entityType}` };
    }
    if (c.matchType === MATCH_EXACT) {
      if (c.match === null) return invalid('Request specified MATCH_TYPE_EXACT, but set match string to null.');
      exact.set(c.entityType, c.match);
    } else if (c.matchType === MATCH_DEFAULT) {
      if (c.match !== null) return invalid('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.');
      exact.set(c.entityType, null);
    } else if (c.matchType === MATCH_SPECIFIED) {
      if (c.match !== null) return invalid('Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.');
      present.add(c.entityType);
    } else {
      return invalid(`Unknown match type ${c.matchType}`);
    }
  }
  const named = (type: string): boolean => exact.has(type) || present.has(type);
  if (named(IP) && (named(USER) || named(CLIENT_ID))) {
    return invalid('Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.');
  }
  return { exact, present, strict };
}

/** ClientQuotasImage.matches. */
export function filterMatches(filter: QuotaFilter, entity: QuotaEntity): boolean {
  if (filter.strict && entity.size !== filter.exact.size + filter.present.size) return false;
  for (const [type, name] of filter.exact) {
    if (!entity.has(type) || entity.get(type) !== name) return false;
  }
  for (const type of filter.present) if (!entity.has(type)) return false;
  return true;
}

export function isProblem<T extends object>(value: T | Problem): value is Problem {
  return 'errorCode' in value && 'message' in value;
}
