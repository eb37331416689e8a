// Fault injection on a running broker (`broker.faults`): the rules in force, the handlers they wrap, the segment
// writes they fail, the connections they refuse, the requests they hold, and the log of requests for assertions.
//
// The hook is the dispatch table: connections look handlers up in `handlers`, a map this class owns. With no rule
// and no request tracking it holds the broker's own handlers, so a broker without faults pays nothing per request;
// once a rule is added, the entries of the APIs it names (all of them for a rule without an API, or while tracking)
// are swapped for a wrapper that checks the rules before (or instead of) calling the handler, so a rule for another
// API costs a request nothing. Handlers themselves never know. Storage writes are failed through storage's WriteFaults switch,
// unset unless a storage-error rule is in force.
import type { WriteFaults } from '../../storage';
import { CLOSE_CONNECTION, type ApiHandler, type RequestContext } from '../api/handler';
import type { Logger } from '../logger';
import type { ApiCatalog, FaultAction, FaultRule } from './fault-rules';
import type { TopicFacts, TopicNameOf } from './request-facts';
import type { RequestHeaderFacts, RuleState } from './rule-state';

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
  /** Stops listening on the Kafka listeners (connects are refused) or listens again on the same ports. */
  readonly setListening: (listening: boolean) => void;
  readonly topicNameOf: TopicNameOf;
}

interface HeldRequest {
  readonly rule: string;
  readonly release: () => void;
}

/**
 * The rules' modules (parsing, matching, error answers, request facts), required once a rule is added or tracking
 * starts: a broker that never sees a fault rule, the common case, starts without compiling or running them.
 */
interface RuleModules {
  readonly rules: typeof import('./fault-rules');
  readonly state: typeof import('./rule-state');
  readonly errors: typeof import('./error-responses');
  readonly facts: typeof import('./request-facts');
}
let ruleModules: RuleModules | null = null;
function ruleCode(): RuleModules {
  ruleModules ??= {
    rules: require('./fault-rules') as typeof import('./fault-rules'),
    state: require('./rule-state') as typeof import('./rule-state'),
    errors: require('./error-responses') as typeof import('./error-responses'),
    facts: require('./request-facts') as typeof import('./request-facts'),
  };
  return ruleModules;
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
  /** The timers starting and ending each broker-down rule's window. */
  private readonly downTimers = new Map<RuleState, NodeJS.Timeout[]>();
  private down = false;
  private tracking = false;
  private tracked: TrackedRequest[] = [];
  private seq = 0;
  private nextId = 1;
  /** The wrapper of each API's handler, made once and swapped in while some rule or tracking wants that API. */
  private readonly wrappers = new Map<number, ApiHandler>();
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
    const { splitTracking, parseFaultRules, FaultRuleError } = ruleCode().rules;
    const { RuleState } = ruleCode().state;
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
    else if (type === 'broker-down') this.installBrokerDown(state);
    else this.requestRules.push(state);
  }

  /**
   * Broker down for the rule's ms: its client connections close and the listeners stop listening, so connects are
   * refused as by a stopped broker, until the window ends or the rule is cleared. The timers are not unref'd: a
   * broker with no listening socket would otherwise let its process exit.
   */
  private installBrokerDown(state: RuleState): void {
    this.brokerDownRules.push(state);
    const start = (): void => {
      this.hooks.dropConnections();
      this.updateDown();
    };
    const ms = (state.rule.action as { ms: number }).ms;
    const timers: NodeJS.Timeout[] = [];
    this.downTimers.set(state, timers);
    atWallClock(timers, state.addedAtMs + state.rule.afterMs + ms, () => this.updateDown());
    if (state.rule.afterMs === 0) start();
    else atWallClock(timers, state.addedAtMs + state.rule.afterMs, start);
  }

  private brokerDownNow(nowMs: number): boolean {
    return this.brokerDownRules.some((s) => {
      const since = nowMs - s.addedAtMs;
      return since >= s.rule.afterMs && since < s.rule.afterMs + (s.rule.action as { ms: number }).ms;
    });
  }

  /** Stops or resumes listening as the broker-down windows say. */
  private updateDown(): void {
    const down = this.brokerDownNow(Date.now());
    if (down === this.down) return;
    this.down = down;
    this.logger.info(down ? 'fault injection: broker down, listeners closed' : 'fault injection: broker up, listening again');
    this.hooks.setListening(!down);
  }

  private all(): RuleState[] {
    return [...this.requestRules, ...this.storageRules, ...this.brokerDownRules];
  }

  list(): Record<string, unknown>[] {
    return this.all().map((s) => this.view(s));
  }

  private view(state: RuleState): Record<string, unknown> {
    const held = [...this.held].filter((h) => h.rule === state.rule.id).length;
    return { ...ruleCode().rules.describeRule(state.rule, this.catalog), fired: state.fired, held };
  }

  /** Removes one rule (true when it existed) or, without an id, all of them; requests they hold go on. */
  clear(id?: string): boolean {
    const keep = (s: RuleState): boolean => id !== undefined && s.rule.id !== id;
    const before = this.all().length;
    this.requestRules = this.requestRules.filter(keep);
    this.storageRules = this.storageRules.filter(keep);
    this.brokerDownRules = this.brokerDownRules.filter(keep);
    for (const [state, timers] of this.downTimers) {
      if (keep(state)) continue;
      for (const timer of timers) clearTimeout(timer);
      this.downTimers.delete(state);
    }
    this.updateDown();
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

  /** Whether a broker-down rule refuses new connections now (a connect that raced the listener's close). */
  refusesConnections(): boolean {
    return this.down;
  }

  /** Stops the broker-down timers when the broker stops; the rules stay as they were. */
  close(): void {
    for (const timers of this.downTimers.values()) for (const timer of timers) clearTimeout(timer);
    this.downTimers.clear();
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

  /** The APIs whose requests the rules and tracking look at; null: all of them. */
  private engagedApis(): ReadonlySet<number> | null {
    if (this.tracking || this.requestRules.some((s) => s.rule.match.apiKeys === null)) return null;
    return new Set(this.requestRules.flatMap((s) => s.rule.match.apiKeys ?? []));
  }

  /** Swaps the wrappers in or out and sets storage's switch, so that what is not in use costs nothing. */
  private refresh(): void {
    const engaged = this.engagedApis();
    for (const [key, handler] of this.original) {
      if (engaged !== null && !engaged.has(key)) this.handlers.set(key, handler);
      else {
        let wrapper = this.wrappers.get(key);
        if (wrapper === undefined) this.wrappers.set(key, (wrapper = this.wrap(handler)));
        this.handlers.set(key, wrapper);
      }
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

  /**
   * The handler with `handle` going through the rules first. Everything else is the handler's own (handlers are
   * plain objects from defineHandler): decoding and encoding cost a wrapped API no extra call, and whatever a
   * handler carries besides the ApiHandler fields stays there for the connection to see.
   */
  private wrap(handler: ApiHandler): ApiHandler {
    return { ...handler, handle: (request, ctx) => this.handle(handler, request, ctx) };
  }

  /**
   * The first rule that matches the request and fires, or null. Looks at the body only for rules the header left,
   * and at the clock only for rules with a time window; every request of a wrapped API comes through here.
   */
  private decide(header: RequestHeaderFacts, request: unknown): RuleState | null {
    let now = 0;
    for (const state of this.requestRules) {
      if (!state.headerMatches(header) || !state.hasFiringsLeft()) continue;
      if (state.windowed) {
        if (now === 0) now = Date.now();
        if (!state.inWindow(now)) continue;
      }
      if (state.needsBody && !state.bodyMatches(header.apiKey, request, this.hooks.topicNameOf)) continue;
      if (state.fire()) return state;
    }
    return null;
  }

  private handle(handler: ApiHandler, request: unknown, ctx: RequestContext): unknown {
    const hit = this.decide(ctx, request);
    if (this.tracking) this.track(ctx, request, hit);
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
        return ruleCode().errors.errorResponse(ctx.apiKey, ctx.apiVersion, request, action.errorCode);
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
        // As a quota does: the answer carries the time and the connection is muted for it (KIP-219).
        ctx.throttle(action.ms);
        return handler.handle(request, ctx);
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

  private track(ctx: RequestContext, request: unknown, hit: RuleState | null): void {
    const facts = ruleCode().facts.requestFacts(ctx.apiKey, request, this.hooks.topicNameOf);
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

/**
 * Runs `fn` once Date.now() has reached `dueMs`. The windows are judged by Date.now(), but timers run on a monotonic
 * clock of their own that may fire a millisecond before Date.now() gets there: a window's start would then find
 * itself not yet due and never come again (seen under load as a broker-down window that never began). An early
 * timer is set again for the rest; every timer set is pushed on `timers`, for clearing.
 */
export function atWallClock(timers: NodeJS.Timeout[], dueMs: number, fn: () => void): void {
  const fire = (): void => {
    const early = dueMs - Date.now();
    if (early > 0) timers.push(setTimeout(fire, early));
    else fn();
  };
  timers.push(setTimeout(fire, Math.max(0, dueMs - Date.now())));
}
