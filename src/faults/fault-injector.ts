// Fault injection on a running broker (`broker.faults`): the rules in force, the handlers they wrap, the segment
// writes they fail, the connections they refuse, the requests they hold, and the log of requests for assertions.
//
// The hook is the dispatch table: connections look handlers up in `handlers`, a map this class owns. With no rule
// and no request tracking it holds the broker's own handlers, so a broker without faults pays nothing per request;
// once a rule is added, each entry is swapped for a wrapper that checks the rules before (or instead of) calling
// the handler. Handlers themselves never know. Storage writes are failed through storage's WriteFaults switch,
// unset unless a storage-error rule is in force.
import type { WriteFaults } from '../../storage';
import { CLOSE_CONNECTION, type ApiHandler, type RequestContext } from '../api/handler';
import type { Logger } from '../logger';
import { errorResponse } from './error-responses';
import { describeRule, FaultRuleError, parseFaultRules, splitTracking, type ApiCatalog, type FaultAction, type FaultRule } from './fault-rules';
import { requestFacts, type RequestFacts, type TopicFacts, type TopicNameOf } from './request-facts';
import { RuleState, type RequestHeaderFacts } from './rule-state';

const PRODUCE_API_KEY = 0;
/** Requests kept by tracking; the oldest go first beyond this. */
const MAX_TRACKED_REQUESTS = 10000;

/** One request as tracking saw it, in the order the broker received them. */
export interface TrackedRequest {
  readonly seq: number;
  readonly atMs: number;
  /** "host:port" of the client's connection. */
  readonly connection: string;
  readonly clientId: string | null;
  readonly api: string;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly topics: readonly TopicFacts[];
  readonly groups: readonly string[];
  readonly transactionalIds: readonly string[];
  /** The rule that hit the request and what it did; null when none did. */
  readonly fault: { readonly rule: string; readonly action: FaultAction['type'] } | null;
}

export interface RequestFilter {
  readonly clientId?: string;
  readonly api?: string | number;
}

/** What the injector needs of the broker around it. */
export interface FaultHooks {
  /** Closes every client connection (broker down). */
  readonly dropConnections: () => void;
  readonly topicNameOf: TopicNameOf;
}

interface HeldRequest {
  readonly rule: string;
  readonly release: () => void;
}

/** API names from the generated registry, loaded on first use: a broker without faults never loads it. */
let registryNames: { byKey: Map<number, string>; byName: Map<string, number> } | null = null;
function apiNames(): { byKey: Map<number, string>; byName: Map<string, number> } {
  if (registryNames === null) {
    const registry = (require('../../codecs/generated/api-registry') as typeof import('../../codecs/generated/api-registry')).API_REGISTRY;
    const byKey = new Map([...registry].map(([key, spec]) => [key, spec.name]));
    registryNames = { byKey, byName: new Map([...byKey].map(([key, name]) => [name.toLowerCase(), key])) };
  }
  return registryNames;
}

export function apiCatalog(table: ReadonlyMap<number, { readonly minVersion: number; readonly maxVersion: number }>): ApiCatalog {
  return {
    keyOf: (name) => apiNames().byName.get(name.toLowerCase()),
    nameOf: (key) => apiNames().byKey.get(key),
    versions: (key) => {
      const h = table.get(key);
      return h === undefined ? undefined : { min: h.minVersion, max: h.maxVersion };
    },
  };
}

/** Waits `ms`, or less if the connection goes first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export class FaultInjector {
  /** The dispatch table connections use: the broker's handlers, or wrappers of them while faults are engaged. */
  readonly handlers = new Map<number, ApiHandler>();
  readonly catalog: ApiCatalog;
  private requestRules: RuleState[] = [];
  private storageRules: RuleState[] = [];
  private brokerDownRules: RuleState[] = [];
  private downUntilMs = 0;
  private tracking = false;
  private tracked: TrackedRequest[] = [];
  private seq = 0;
  private nextId = 1;
  private wrapped = false;
  private readonly held = new Set<HeldRequest>();

  constructor(
    private readonly original: ReadonlyMap<number, ApiHandler>,
    private readonly writeFaults: WriteFaults,
    private readonly hooks: FaultHooks,
    private readonly logger: Logger,
  ) {
    for (const [key, handler] of original) this.handlers.set(key, handler);
    this.catalog = apiCatalog(original);
  }

  // ---- rules ----------------------------------------------------------------------------------------------------

  /** Checks and adds rules (one, a list, or {"rules": [...], "track": true}); all or none. Returns them as listed. */
  add(body: unknown): Record<string, unknown>[] {
    const { track, rules: ruleInput } = splitTracking(body);
    const taken = new Set(this.all().map((s) => s.rule.id));
    const rules = parseFaultRules(ruleInput, this.catalog, () => {
      while (taken.has(`r${this.nextId}`)) this.nextId++;
      return `r${this.nextId++}`;
    });
    const clash = rules.find((r) => taken.has(r.id));
    if (clash !== undefined) throw new FaultRuleError(`rule ${clash.id}: a rule with this id is already in force`);
    const now = Date.now();
    for (const rule of rules) this.install(new RuleState(rule, now));
    if (track) this.startTracking();
    this.refresh();
    if (rules.length > 0) this.logger.info({ rules: rules.map((r) => r.id) }, 'fault rules added');
    return rules.map((r) => this.view(this.all().find((s) => s.rule === r) as RuleState));
  }

  private install(state: RuleState): void {
    const type = state.rule.action.type;
    if (type === 'storage-error') this.storageRules.push(state);
    else if (type === 'broker-down') {
      this.brokerDownRules.push(state);
      this.downUntilMs = Math.max(this.downUntilMs, state.addedAtMs + state.rule.afterMs + (state.rule.action as { ms: number }).ms);
      if (state.rule.afterMs === 0) this.hooks.dropConnections();
      else setTimeout(() => this.hooks.dropConnections(), state.rule.afterMs).unref();
    } else this.requestRules.push(state);
  }

  private all(): RuleState[] {
    return [...this.requestRules, ...this.storageRules, ...this.brokerDownRules];
  }

  list(): Record<string, unknown>[] {
    return this.all().map((s) => this.view(s));
  }

  private view(state: RuleState): Record<string, unknown> {
    const held = [...this.held].filter((h) => h.rule === state.rule.id).length;
    return { ...describeRule(state.rule, this.catalog), fired: state.fired, held };
  }

  /** Removes one rule (true when it existed) or, without an id, all of them; requests they hold go on. */
  clear(id?: string): boolean {
    const keep = (s: RuleState): boolean => id !== undefined && s.rule.id !== id;
    const before = this.all().length;
    this.requestRules = this.requestRules.filter(keep);
    this.storageRules = this.storageRules.filter(keep);
    this.brokerDownRules = this.brokerDownRules.filter(keep);
    if (this.brokerDownRules.length === 0) this.downUntilMs = 0;
    this.release(id);
    this.refresh();
    return this.all().length < before;
  }

  /** Lets requests held by a rule (or by any) go on; returns how many. */
  release(id?: string): number {
    let released = 0;
    for (const h of [...this.held]) {
      if (id !== undefined && h.rule !== id) continue;
      this.held.delete(h);
      h.release();
      released++;
    }
    return released;
  }

  /** Whether a broker-down rule refuses new connections now. */
  refusesConnections(): boolean {
    return this.downUntilMs !== 0 && Date.now() < this.downUntilMs;
  }

  // ---- request tracking -----------------------------------------------------------------------------------------

  startTracking(): void {
    this.tracking = true;
    this.refresh();
  }

  stopTracking(): void {
    this.tracking = false;
    this.refresh();
  }

  get isTracking(): boolean {
    return this.tracking;
  }

  requests(filter: RequestFilter = {}): TrackedRequest[] {
    const api =
      typeof filter.api === 'string' && !/^\d+$/.test(filter.api) ? this.catalog.keyOf(filter.api) : filter.api === undefined ? undefined : Number(filter.api);
    return this.tracked.filter((r) => (filter.clientId === undefined || r.clientId === filter.clientId) && (api === undefined || r.apiKey === api));
  }

  clearRequests(): void {
    this.tracked = [];
  }

  // ---- the hooks ------------------------------------------------------------------------------------------------

  /** Swaps the wrappers in or out and sets storage's switch, so that what is not in use costs nothing. */
  private refresh(): void {
    const engage = this.requestRules.length > 0 || this.tracking;
    if (engage !== this.wrapped) {
      for (const [key, handler] of this.original) this.handlers.set(key, engage ? this.wrap(handler) : handler);
      this.wrapped = engage;
    }
    this.writeFaults.check = this.storageRules.length > 0 ? (topic, partition) => this.storageFault(topic, partition) : null;
  }

  private storageFault(topic: string, partition: number): string | null {
    const now = Date.now();
    for (const state of this.storageRules) {
      if (state.live(now) && state.partitionMatches(topic, [partition]) && state.fire()) return `No space left on device (fault rule ${state.rule.id})`;
    }
    return null;
  }

  private wrap(handler: ApiHandler): ApiHandler {
    return {
      apiKey: handler.apiKey,
      minVersion: handler.minVersion,
      maxVersion: handler.maxVersion,
      decodeRequest: (reader, version) => handler.decodeRequest(reader, version),
      handle: (request, ctx) => this.handle(handler, request, ctx),
      encodeResponse: (response, writer, version) => handler.encodeResponse(response, writer, version),
    };
  }

  /** The first rule that matches the request and fires, or null. */
  private decide(header: RequestHeaderFacts, factsOf: () => RequestFacts): RuleState | null {
    const now = Date.now();
    for (const state of this.requestRules) {
      if (!state.headerMatches(header) || !state.live(now)) continue;
      if (state.needsBody && !state.bodyMatches(factsOf())) continue;
      if (state.fire()) return state;
    }
    return null;
  }

  private handle(handler: ApiHandler, request: unknown, ctx: RequestContext): unknown {
    let facts: RequestFacts | null = null;
    const factsOf = (): RequestFacts => (facts ??= requestFacts(ctx.apiKey, request, this.hooks.topicNameOf));
    const hit = this.decide(ctx, factsOf);
    if (this.tracking) this.track(ctx, factsOf(), hit);
    if (hit === null) return handler.handle(request, ctx);
    this.logger.debug({ rule: hit.rule.id, action: hit.rule.action.type, apiKey: ctx.apiKey, clientId: ctx.clientId }, 'fault injected');
    return this.apply(hit.rule, handler, request, ctx);
  }

  private apply(rule: FaultRule, handler: ApiHandler, request: unknown, ctx: RequestContext): unknown {
    const action = rule.action;
    switch (action.type) {
      case 'error':
        // Kafka answers no acks=0 produce; it closes the connection to tell the producer its write failed.
        if (ctx.apiKey === PRODUCE_API_KEY && (request as { acks?: number }).acks === 0) return CLOSE_CONNECTION;
        return errorResponse(ctx.apiKey, ctx.apiVersion, request, action.errorCode);
      case 'delay':
        return Promise.resolve(handler.handle(request, ctx)).then(async (response) => {
          await sleep(action.ms, ctx.stopSignal);
          return response;
        });
      case 'drop':
        if (action.when === 'before') return CLOSE_CONNECTION;
        return Promise.resolve(handler.handle(request, ctx)).then(() => CLOSE_CONNECTION);
      case 'hold':
        return this.hold(rule.id, ctx).then((stillOpen) => (stillOpen ? handler.handle(request, ctx) : null));
      case 'no-response':
        return new Promise((resolve) => {
          if (ctx.stopSignal.aborted) resolve(null);
          else ctx.stopSignal.addEventListener('abort', () => resolve(null), { once: true });
        });
      case 'throttle':
        return Promise.resolve(handler.handle(request, ctx)).then((response) =>
          typeof response === 'object' && response !== null ? { ...response, throttleTimeMs: action.ms } : response,
        );
      default:
        return handler.handle(request, ctx);
    }
  }

  /** Resolves true when released, false when the connection went first. */
  private hold(rule: string, ctx: RequestContext): Promise<boolean> {
    return new Promise((resolve) => {
      const entry: HeldRequest = {
        rule,
        release: () => {
          ctx.stopSignal.removeEventListener('abort', onStop);
          resolve(true);
        },
      };
      const onStop = (): void => {
        this.held.delete(entry);
        resolve(false);
      };
      if (ctx.stopSignal.aborted) return resolve(false);
      ctx.stopSignal.addEventListener('abort', onStop, { once: true });
      this.held.add(entry);
    });
  }

  private track(ctx: RequestContext, facts: RequestFacts, hit: RuleState | null): void {
    this.tracked.push({
      seq: ++this.seq,
      atMs: Date.now(),
      connection: ctx.clientAddress,
      clientId: ctx.clientId,
      api: this.catalog.nameOf(ctx.apiKey) ?? String(ctx.apiKey),
      apiKey: ctx.apiKey,
      apiVersion: ctx.apiVersion,
      correlationId: ctx.correlationId,
      topics: facts.topics,
      groups: facts.groups,
      transactionalIds: facts.transactionalIds,
      fault: hit === null ? null : { rule: hit.rule.id, action: hit.rule.action.type },
    });
    if (this.tracked.length > MAX_TRACKED_REQUESTS) this.tracked.splice(0, this.tracked.length - MAX_TRACKED_REQUESTS);
  }
}
