// The machinery behind every config key, after Kafka's ConfigDef: each key is defined once (name, type, default,
// validator, documentation, whether it may change at run time, whether its value is secret) and parsed to a typed
// value by that one definition. Storage defines the topic keys with it (log-config.ts); the broker defines its
// own keys, and derives its `log.*` defaults from the topic keys (src/config/broker-config.ts).
import { InvalidConfigError } from './errors';

/** Kafka's config types, as DescribeConfigs reports them. */
export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';

/** Says why a parsed value does not fit, or null when it does. */
export type ConfigValidator<V> = (value: V) => string | null;

/**
 * How a broker key stands for a topic key's default: `log.retention.hours` is `retention.ms` counted in hours.
 * The broker keys naming one topic key are its synonyms, in the order they were defined (the first one wins).
 */
export interface TopicSynonym {
  readonly topic: string;
  readonly msPerUnit: number;
}

export interface ConfigKey<T> {
  readonly name: string;
  readonly type: ConfigType;
  /** The default as text, as DescribeConfigs shows it; null when there is none. */
  readonly defaultValue: string | null;
  readonly doc: string;
  /** Whether Kafka lets the value change at run time (DescribeConfigs reports the others read-only). */
  readonly dynamic: boolean;
  /** A secret (every password is one): DescribeConfigs reports its value as null. */
  readonly sensitive: boolean;
  /** Accepted and kept, but no longer reported (settings Kafka has dropped that old clients still send). */
  readonly legacy: boolean;
  readonly synonymOf?: TopicSynonym;
  /** Parses and validates a raw value; throws InvalidConfigError naming the key. */
  parse(raw: string): T;
}

/** Flags a definition line may carry beside its validators. */
export type KeyFlag = 'dynamic' | 'sensitive' | 'legacy';
type Trait<V> = ConfigValidator<V> | KeyFlag;

/** A key whose default is null reads as null until it is set. */
type Nullable<D, V> = null extends D ? V | null : V;

export const LONG_MAX_TEXT = '9223372036854775807';

const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  short: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
};

/** Long-typed settings use Long.MAX_VALUE as "never"; JS numbers saturate at MAX_SAFE_INTEGER, which is as good. */
function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}

/** Thrown by the type parsers below with the reason only; parseWith adds the key and value to the message. */
class BadValue extends Error {}

function integerOf(type: 'short' | 'int' | 'long'): (raw: string) => number {
  const [lo, hi] = INTEGER_RANGES[type];
  return (raw) => {
    const text = raw.trim();
    const value = /^[+-]?\d+$/.test(text) ? BigInt(text) : null;
    if (value === null || value < lo || value > hi) throw new BadValue(`Not a number of type ${type.toUpperCase()}`);
    return toSafeNumber(value);
  };
}

function doubleOf(raw: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value)) throw new BadValue('Not a number of type DOUBLE');
  return value;
}

function booleanOf(raw: string): boolean {
  const text = raw.trim().toLowerCase();
  if (text !== 'true' && text !== 'false') throw new BadValue('Expected value to be either true or false');
  return text === 'true';
}

function listOf(raw: string): readonly string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

const textOf = (raw: string): string => raw.trim();

function parseWith<V>(name: string, parseType: (raw: string) => V, validators: readonly ConfigValidator<V>[]): (raw: string) => V {
  return (raw) => {
    const fail = (why: string): never => {
      throw new InvalidConfigError(name, `Invalid value ${raw} for configuration ${name}: ${why}`);
    };
    let value: V;
    try {
      value = parseType(raw);
    } catch (err) {
      if (err instanceof BadValue) return fail(err.message);
      throw err;
    }
    for (const validator of validators) {
      const why = validator(value);
      if (why !== null) fail(why);
    }
    return value;
  };
}

/** How a default may be written: a list as its text, a number as a number or (for Long.MAX) as text. */
type DefaultOf<V> = V extends readonly string[] ? string : V extends number ? number | string : V;

/** Defines a key of one type on one line: name, default, documentation, then validators and flags. */
export type KeyBuilder<V> = <D extends DefaultOf<V> | null>(name: string, defaultValue: D, doc: string, ...traits: Trait<V>[]) => ConfigKey<Nullable<D, V>>;

function builder<V>(type: ConfigType, parseType: (raw: string) => V): KeyBuilder<V> {
  return (name, defaultValue, doc, ...traits) => {
    const validators = traits.filter((t): t is ConfigValidator<V> => typeof t === 'function');
    const key = {
      name,
      type,
      defaultValue: defaultValue === null ? null : String(defaultValue),
      doc,
      dynamic: traits.includes('dynamic'),
      sensitive: type === 'password' || traits.includes('sensitive'),
      legacy: traits.includes('legacy'),
      parse: parseWith(name, parseType, validators),
    };
    // A definition whose default its own validator refuses is a bug: fail when the module loads, not on first use.
    if (key.defaultValue !== null) key.parse(key.defaultValue);
    return key;
  };
}

export const booleanKey = builder('boolean', booleanOf);
export const stringKey = builder('string', textOf);
export const passwordKey = builder('password', textOf);
export const intKey = builder('int', integerOf('int'));
export const shortKey = builder('short', integerOf('short'));
export const longKey = builder('long', integerOf('long'));
export const doubleKey = builder('double', doubleOf);
export const listKey = builder('list', listOf);

/** A key whose typed value is converted further (e.g. a list of policies into flags). */
export function convertedKey<A, B>(key: ConfigKey<A>, convert: (value: A) => B): ConfigKey<B> {
  return { ...key, parse: (raw) => convert(key.parse(raw)) };
}

/** A key under another name with some fields changed: a broker default standing for a topic key. */
export function renamedKey<T>(key: ConfigKey<T>, changes: Partial<Omit<ConfigKey<T>, 'parse'>> & { name: string }): ConfigKey<T> {
  const renamed = { ...key, ...changes };
  // The parser names the key in its errors, so a renamed key parses through a copy that carries the new name.
  return { ...renamed, parse: (raw) => withName(changes.name, () => key.parse(raw)) };
}

function withName<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (!(err instanceof InvalidConfigError)) throw err;
    throw new InvalidConfigError(name, err.message.replace(` for configuration ${err.configName}:`, ` for configuration ${name}:`));
  }
}

export function atLeast(min: number): ConfigValidator<number> {
  return (value) => (value < min ? `Value must be at least ${min}` : null);
}

export function between(min: number, max: number): ConfigValidator<number> {
  return (value) => (value < min ? `Value must be at least ${min}` : value > max ? `Value must be no more than ${max}` : null);
}

/** For a string key: the value is one of `allowed`; for a list key: every item is. */
export function oneOf(...allowed: string[]): ConfigValidator<string | readonly string[]> {
  return (value) => {
    const items = typeof value === 'string' ? [value] : value;
    return items.every((item) => allowed.includes(item)) ? null : `String must be one of: ${allowed.join(', ')}`;
  };
}

/** Keys by name, for lookups of names that arrive over the wire. */
export function keysByName<K extends ConfigKey<unknown>>(keys: readonly K[]): ReadonlyMap<string, K> {
  return new Map(keys.map((k) => [k.name, k]));
}
