// The one rule model of fault injection: what a rule matches (API and version, topic, partition, group,
// transactional id, client id), what it does (error, delay, drop, hold, no answer, throttle, failed storage writes,
// broker down) and how often (times, a seeded probability, a time window). The same JSON arrives from the
// in-process API, the HTTP admin endpoint and `--faults rules.json`; parsing it here, once, gives all three the same
// checks and the same messages, each naming the field at fault.
import { ErrorCode } from '../../codecs/protocol/errors';
import { APIS_WITHOUT_ERROR_ANSWER } from './error-responses';

export type FaultActionType = 'error' | 'delay' | 'drop' | 'hold' | 'no-response' | 'throttle' | 'storage-error' | 'broker-down';

export type FaultAction =
  | { readonly type: 'error'; readonly errorCode: number; readonly errorName: string }
  | { readonly type: 'delay'; readonly ms: number }
  /** before: the connection closes and the request never takes effect; after: it takes effect, the answer is lost. */
  | { readonly type: 'drop'; readonly when: 'before' | 'after' }
  | { readonly type: 'hold' }
  | { readonly type: 'no-response' }
  | { readonly type: 'throttle'; readonly ms: number }
  | { readonly type: 'storage-error' }
  | { readonly type: 'broker-down'; readonly ms: number };

export interface FaultMatch {
  /** null: every API. */
  readonly apiKeys: readonly number[] | null;
  readonly minVersion: number | null;
  readonly maxVersion: number | null;
  readonly topic: string | null;
  readonly partition: number | null;
  readonly group: string | null;
  readonly transactionalId: string | null;
  readonly clientId: string | null;
}

export interface FaultRule {
  readonly id: string;
  readonly match: FaultMatch;
  readonly action: FaultAction;
  /** How many times the rule fires; null: every time. */
  readonly times: number | null;
  /** The chance a matching request is hit, drawn from a generator seeded with `seed`. */
  readonly probability: number;
  readonly seed: number;
  /** Milliseconds after the rule is added before it starts to fire, and for how long it fires then (null: ever). */
  readonly afterMs: number;
  readonly forMs: number | null;
}

/** What rule parsing needs of the broker's API table: names both ways and the versions served. */
export interface ApiCatalog {
  keyOf(name: string): number | undefined;
  nameOf(key: number): string | undefined;
  versions(key: number): { readonly min: number; readonly max: number } | undefined;
}

export class FaultRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultRuleError';
  }
}

const ACTION_TYPES: readonly FaultActionType[] = ['error', 'delay', 'drop', 'hold', 'no-response', 'throttle', 'storage-error', 'broker-down'];
const MATCH_FIELDS = ['api', 'versions', 'topic', 'partition', 'group', 'transactionalId', 'clientId'] as const;
const RULE_FIELDS = ['id', 'match', 'action', 'times', 'probability', 'seed', 'window'] as const;
/** The APIs that write to storage: what a storage-error rule stands for, matched on topic and partition only. */
const STORAGE_MATCH_FIELDS: readonly string[] = ['topic', 'partition'];
const ERROR_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(field: string, message: string): never {
  throw new FaultRuleError(`${field}: ${message}`);
}

function onlyFields(value: Json, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${field}.${key}`, `unknown field (expected one of ${allowed.join(', ')})`);
  }
}

function nonNegativeInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(field, `must be a whole number >= 0, got ${JSON.stringify(value)}`);
  return value;
}

function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') fail(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

/** An error given by Kafka name (NOT_LEADER_OR_FOLLOWER) or number (6). */
export function parseErrorCode(value: unknown, field: string): { errorCode: number; errorName: string } {
  if (typeof value === 'string') {
    const upper = value.trim().toUpperCase();
    const code = (ErrorCode as Record<string, number>)[upper];
    if (code === undefined || code === ErrorCode.NONE)
      fail(field, `unknown Kafka error name "${value}" (names as in Kafka's Errors, e.g. NOT_LEADER_OR_FOLLOWER)`);
    return { errorCode: code, errorName: upper };
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    const name = ERROR_NAMES.get(value);
    if (name === undefined || value === ErrorCode.NONE) fail(field, `unknown Kafka error code ${value}`);
    return { errorCode: value, errorName: name };
  }
  return fail(field, `must be a Kafka error name or code, got ${JSON.stringify(value)}`);
}

function parseApi(value: unknown, apis: ApiCatalog, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || apis.versions(value) === undefined) fail(field, `API key ${value} is not served by this broker`);
    return value;
  }
  if (typeof value === 'string') {
    const key = /^\d+$/.test(value.trim()) ? Number(value.trim()) : apis.keyOf(value.trim());
    if (key === undefined || apis.versions(key) === undefined) fail(field, `unknown API "${value}" (an API name such as Produce, or its key)`);
    return key;
  }
  return fail(field, `must be an API name or key, got ${JSON.stringify(value)}`);
}

/** "3", "3-9", "3-" or "-9", or a single number. */
function parseVersions(value: unknown, field: string): { min: number | null; max: number | null } {
  if (value === undefined || value === null) return { min: null, max: null };
  if (typeof value === 'number') {
    const v = nonNegativeInteger(value, field);
    return { min: v, max: v };
  }
  const m = typeof value === 'string' ? /^\s*(\d*)\s*(-?)\s*(\d*)\s*$/.exec(value) : null;
  if (m === null || (m[1] === '' && m[3] === '')) return fail(field, `must be a version or a range such as "3-9", got ${JSON.stringify(value)}`);
  const min = m[1] === '' ? null : Number(m[1]);
  const max = m[2] === '' ? min : m[3] === '' ? null : Number(m[3]);
  if (min !== null && max !== null && min > max) fail(field, `the range ${JSON.stringify(value)} is empty`);
  return { min, max };
}

function parseMatch(value: unknown, apis: ApiCatalog, field: string): FaultMatch {
  if (value === undefined) value = {};
  if (!isObject(value)) return fail(field, 'must be an object');
  onlyFields(value, MATCH_FIELDS, field);
  const api = value.api;
  const apiKeys =
    api === undefined || api === null
      ? null
      : (Array.isArray(api) ? api : [api]).map((a, i) => parseApi(a, apis, Array.isArray(api) ? `${field}.api[${i}]` : `${field}.api`));
  const versions = parseVersions(value.versions, `${field}.versions`);
  if ((versions.min !== null || versions.max !== null) && apiKeys === null) fail(`${field}.versions`, 'needs match.api: versions are per API');
  for (const key of apiKeys ?? []) {
    const served = apis.versions(key) as { min: number; max: number };
    const lo = Math.max(served.min, versions.min ?? served.min);
    const hi = Math.min(served.max, versions.max ?? served.max);
    if (lo > hi) fail(`${field}.versions`, `${apis.nameOf(key) ?? key} is served in versions ${served.min}-${served.max} only`);
  }
  return {
    apiKeys,
    minVersion: versions.min,
    maxVersion: versions.max,
    topic: optionalString(value.topic, `${field}.topic`),
    partition: value.partition === undefined || value.partition === null ? null : nonNegativeInteger(value.partition, `${field}.partition`),
    group: optionalString(value.group, `${field}.group`),
    transactionalId: optionalString(value.transactionalId, `${field}.transactionalId`),
    clientId: optionalString(value.clientId, `${field}.clientId`),
  };
}

function parseAction(value: unknown, field: string): FaultAction {
  if (typeof value === 'string') value = { type: value };
  if (!isObject(value)) return fail(field, `must be an object such as {"type": "error", "error": "NOT_LEADER_OR_FOLLOWER"}`);
  const type = value.type;
  if (typeof type !== 'string' || !ACTION_TYPES.includes(type as FaultActionType)) {
    return fail(`${field}.type`, `must be one of ${ACTION_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  }
  const allowed: Record<FaultActionType, readonly string[]> = {
    error: ['type', 'error'],
    delay: ['type', 'ms'],
    drop: ['type', 'when'],
    hold: ['type'],
    'no-response': ['type'],
    throttle: ['type', 'ms'],
    'storage-error': ['type'],
    'broker-down': ['type', 'ms'],
  };
  onlyFields(value, allowed[type as FaultActionType], field);
  switch (type as FaultActionType) {
    case 'error':
      if (value.error === undefined) fail(`${field}.error`, 'is required: a Kafka error name or code');
      return { type: 'error', ...parseErrorCode(value.error, `${field}.error`) };
    case 'delay':
    case 'throttle':
    case 'broker-down':
      if (value.ms === undefined) fail(`${field}.ms`, 'is required: milliseconds');
      return { type: type as 'delay' | 'throttle' | 'broker-down', ms: nonNegativeInteger(value.ms, `${field}.ms`) };
    case 'drop': {
      const when = value.when ?? 'before';
      if (when !== 'before' && when !== 'after')
        fail(`${field}.when`, `must be "before" (the request never takes effect) or "after" (its answer is lost), got ${JSON.stringify(when)}`);
      return { type: 'drop', when };
    }
    default:
      return { type: type as 'hold' | 'no-response' | 'storage-error' };
  }
}

function parseTimes(value: unknown, field: string): number | null {
  if (value === undefined || value === 'always') return null;
  if (value === 'once') return 1;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    return fail(field, `must be "once", "always" or a whole number >= 1, got ${JSON.stringify(value)}`);
  return value;
}

function parseWindow(value: unknown, field: string): { afterMs: number; forMs: number | null } {
  if (value === undefined || value === null) return { afterMs: 0, forMs: null };
  if (!isObject(value)) return fail(field, 'must be an object such as {"afterMs": 0, "forMs": 5000}');
  onlyFields(value, ['afterMs', 'forMs'], field);
  return {
    afterMs: value.afterMs === undefined ? 0 : nonNegativeInteger(value.afterMs, `${field}.afterMs`),
    forMs: value.forMs === undefined || value.forMs === null ? null : nonNegativeInteger(value.forMs, `${field}.forMs`),
  };
}

/** Checks that a rule's match makes sense for its action: storage and broker-down rules are not about requests. */
function checkMatchFits(match: Json | undefined, parsed: FaultMatch, action: FaultAction, apis: ApiCatalog, field: string): void {
  const given = Object.keys(match ?? {}).filter((key) => (match as Json)[key] !== undefined && (match as Json)[key] !== null);
  if (action.type === 'storage-error') {
    const stray = given.find((key) => !STORAGE_MATCH_FIELDS.includes(key));
    if (stray !== undefined) fail(`${field}.match.${stray}`, 'does not apply to storage-error, which fails segment writes by topic and partition');
  }
  const perResource = action.type === 'error' ? parsed.apiKeys?.find((key) => APIS_WITHOUT_ERROR_ANSWER.has(key)) : undefined;
  if (perResource !== undefined) {
    fail(`${field}.match.api`, `${apis.nameOf(perResource) ?? perResource} carries errors per resource only; an error rule cannot answer it`);
  }
  if (action.type === 'broker-down' && given.length > 0)
    fail(`${field}.match.${given[0]}`, 'does not apply to broker-down, which refuses every new connection');
}

/** One rule from its JSON form; `fallbackId` names it when it has no id. Throws FaultRuleError naming the field. */
export function parseFaultRule(value: unknown, apis: ApiCatalog, fallbackId: string, field = 'rule'): FaultRule {
  if (!isObject(value)) return fail(field, 'must be an object with "match" and "action"');
  onlyFields(value, RULE_FIELDS, field);
  if (value.action === undefined) fail(`${field}.action`, 'is required');
  const action = parseAction(value.action, `${field}.action`);
  const match = parseMatch(value.match, apis, `${field}.match`);
  checkMatchFits(isObject(value.match) ? value.match : undefined, match, action, apis, field);
  const probability = value.probability === undefined ? 1 : value.probability;
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))
    fail(`${field}.probability`, `must be a number from 0 to 1, got ${JSON.stringify(probability)}`);
  const seed = value.seed === undefined ? 1 : value.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail(`${field}.seed`, `must be a whole number, got ${JSON.stringify(seed)}`);
  const id = value.id === undefined ? fallbackId : optionalString(value.id, `${field}.id`);
  return {
    id: id ?? fallbackId,
    match,
    action,
    times: parseTimes(value.times, `${field}.times`),
    probability,
    seed,
    ...parseWindow(value.window, `${field}.window`),
  };
}

/** The file and HTTP form may carry "track": true beside the rules, asking for request tracking too. */
export function splitTracking(input: unknown): { track: boolean; rules: unknown } {
  if (!isObject(input) || !('track' in input)) return { track: false, rules: input };
  const { track, ...rest } = input;
  if (typeof track !== 'boolean') fail('track', `must be true or false, got ${JSON.stringify(track)}`);
  return { track, rules: Array.isArray(rest.rules) || Object.keys(rest).length > 0 ? rest : [] };
}

/**
 * A list of rules: a JSON array, one rule, or {"rules": [...]} (the file form). `nextId` gives ids to rules
 * without one. Every rule is checked before any is returned, so a bad list adds nothing.
 */
export function parseFaultRules(value: unknown, apis: ApiCatalog, nextId: () => string): FaultRule[] {
  if (isObject(value) && Array.isArray(value.rules)) {
    onlyFields(value, ['rules'], 'faults');
    value = value.rules;
  }
  const list = Array.isArray(value) ? value : [value];
  const rules = list.map((rule, i) => parseFaultRule(rule, apis, '', Array.isArray(value) ? `rules[${i}]` : 'rule'));
  const ids = new Set<string>();
  return rules.map((rule) => {
    const named = rule.id === '' ? { ...rule, id: nextId() } : rule;
    if (ids.has(named.id)) fail(`rule ${named.id}`, 'two rules have this id');
    ids.add(named.id);
    return named;
  });
}

/** The JSON form of a parsed rule, as list() and the HTTP endpoint show it (and as it parses again). */
export function describeRule(rule: FaultRule, apis: ApiCatalog): Json {
  const m = rule.match;
  const versions =
    m.minVersion === null && m.maxVersion === null ? undefined : m.minVersion === m.maxVersion ? m.minVersion : `${m.minVersion ?? ''}-${m.maxVersion ?? ''}`;
  const match: Json = {
    api: m.apiKeys === null ? undefined : m.apiKeys.map((key) => apis.nameOf(key) ?? key),
    versions,
    topic: m.topic ?? undefined,
    partition: m.partition ?? undefined,
    group: m.group ?? undefined,
    transactionalId: m.transactionalId ?? undefined,
    clientId: m.clientId ?? undefined,
  };
  const a = rule.action;
  const action: Json = a.type === 'error' ? { type: 'error', error: a.errorName } : { ...a };
  return {
    id: rule.id,
    match: JSON.parse(JSON.stringify(match)) as Json,
    action,
    times: rule.times ?? 'always',
    probability: rule.probability,
    seed: rule.seed,
    window: { afterMs: rule.afterMs, forMs: rule.forMs },
  };
}
