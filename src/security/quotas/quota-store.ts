// The client quotas set through AlterClientQuotas, as Kafka's controller keeps them (ClientQuotaControlManager):
// per entity, a map of quota keys to values. Kafka keeps them in its metadata log; Eddy keeps them in one JSON file
// in the data dir, rewritten atomically on each change, so quotas survive restarts. Listeners (the quota managers
// that enforce them) hear of every change.
import * as path from 'path';
import type { Logger } from '../../logger';
import { readJsonFile, writeJsonFileAtomically } from '../atomic-json-file';
import {
  describeEntity,
  entityHash,
  entityKey,
  entityComponents,
  entityProblem,
  filterMatches,
  isProblem,
  keysForEntity,
  valueProblem,
  type Problem,
  type QuotaEntity,
  type QuotaFilter,
} from './quota-entities';
import { inChangeMapOrder, inJavaHashOrder, javaHashOf } from './java-hash-order';

export const QUOTAS_FILE = 'client-quotas.json';

/** One change of one key: a value to set, or null to remove the key. */
export interface QuotaOp {
  readonly key: string;
  readonly value: number | null;
}

export interface QuotaAlteration {
  readonly entity: QuotaEntity;
  readonly ops: readonly QuotaOp[];
}

export interface AlterOutcome {
  readonly entity: QuotaEntity;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export interface DescribedEntity {
  readonly entity: QuotaEntity;
  /** Keys and values in the order Kafka lists them. */
  readonly values: ReadonlyArray<readonly [string, number]>;
}

interface StoredEntity {
  readonly entity: Array<[string, string | null]>;
  readonly quotas: Record<string, number>;
}

interface Stored {
  readonly entity: QuotaEntity;
  readonly quotas: Map<string, number>;
}

const NONE = 0;
const INVALID_REQUEST = 42;

export class ClientQuotaStore {
  /** In the order each entity was first set, as are each entity's keys: Kafka's answers keep that order within a hash bucket. */
  private readonly entities = new Map<string, Stored>();
  private readonly listeners: Array<() => void> = [];

  private constructor(
    private readonly file: string | null,
    private readonly logger: Logger,
  ) {}

  /** Loads the data dir's quotas; a missing file means none. `dataDir` null keeps them in memory only. */
  static open(dataDir: string | null, logger: Logger): ClientQuotaStore {
    const store = new ClientQuotaStore(dataDir === null ? null : path.join(dataDir, QUOTAS_FILE), logger);
    const parsed = store.file === null ? null : readJsonFile<{ entities?: StoredEntity[] }>(store.file);
    for (const e of parsed?.entities ?? []) {
      const entity = new Map(e.entity);
      store.entities.set(entityKey(entity), { entity, quotas: new Map(Object.entries(e.quotas)) });
    }
    return store;
  }

  /** Runs `listener` after every change. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Every entity with its quotas, for the quota managers. */
  all(): ReadonlyArray<{ readonly entity: QuotaEntity; readonly quotas: ReadonlyMap<string, number> }> {
    return [...this.entities.values()];
  }

  /** ClientQuotasImage.describe after the filter was checked: matching entities, in Kafka's order. */
  describe(filter: QuotaFilter): DescribedEntity[] {
    const matching = [...this.entities.values()].filter((e) => filterMatches(filter, e.entity));
    return inJavaHashOrder(matching, (e) => entityHash(e.entity)).map((e) => ({
      entity: e.entity,
      values: inJavaHashOrder([...e.quotas], ([key]) => javaHashOf(key)),
    }));
  }

  /**
   * ClientQuotaControlManager.alterClientQuotas: each entity is checked and changed on its own; a key named twice
   * or an entity named twice is refused ("Ignoring duplicate entity"), as Kafka's result map makes it.
   */
  alter(alterations: readonly QuotaAlteration[], validateOnly: boolean): AlterOutcome[] {
    const results = new Map<string, AlterOutcome>();
    const changes: Array<{ key: string; entity: QuotaEntity; ops: Map<string, number | null> }> = [];
    for (const alteration of alterations) {
      const key = entityKey(alteration.entity);
      const ops = new Map<string, number | null>();
      let duplicateKey = false;
      for (const op of alteration.ops) {
        if (ops.has(op.key)) duplicateKey = true;
        else ops.set(op.key, op.value);
      }
      if (duplicateKey || results.has(key)) {
        results.set(key, outcome(alteration.entity, { errorCode: INVALID_REQUEST, message: `Ignoring duplicate entity ${describeEntity(alteration.entity)}` }));
        continue;
      }
      const problem = this.alterationProblem(alteration.entity, ops);
      results.set(key, outcome(alteration.entity, problem));
      if (problem === null) changes.push({ key, entity: alteration.entity, ops });
    }
    if (!validateOnly && changes.length > 0) {
      for (const change of inChangeMapOrder(changes, (c) => entityHash(c.entity))) this.apply(change.key, change.entity, change.ops);
      this.save();
      for (const listener of this.listeners) listener();
    }
    return inJavaHashOrder([...results.values()], (r) => entityHash(r.entity));
  }

  private alterationProblem(entity: QuotaEntity, ops: ReadonlyMap<string, number | null>): Problem | null {
    const entityError = entityProblem(entity);
    if (entityError !== null) return entityError;
    const keys = keysForEntity(entity);
    if (isProblem(keys)) return keys;
    for (const [key, value] of inJavaHashOrder([...ops], ([k]) => javaHashOf(k))) {
      if (value === null) continue;
      const problem = valueProblem(keys, key, value);
      if (problem !== null) return problem;
    }
    return null;
  }

  private apply(key: string, entity: QuotaEntity, ops: ReadonlyMap<string, number | null>): void {
    const stored = this.entities.get(key) ?? { entity, quotas: new Map<string, number>() };
    for (const [quotaKey, value] of inChangeMapOrder([...ops], ([k]) => javaHashOf(k))) {
      if (value === null) stored.quotas.delete(quotaKey);
      else stored.quotas.set(quotaKey, value);
    }
    if (stored.quotas.size === 0) this.entities.delete(key);
    else this.entities.set(key, stored);
  }

  private save(): void {
    if (this.file === null) return;
    const entities: StoredEntity[] = [...this.entities.values()].map((e) => ({
      entity: entityComponents(e.entity),
      quotas: Object.fromEntries(e.quotas),
    }));
    writeJsonFileAtomically(this.file, { version: 1, entities }, 0o644);
    this.logger.info({ entities: entities.length }, 'client quotas saved');
  }
}

function outcome(entity: QuotaEntity, problem: Problem | null): AlterOutcome {
  return { entity, errorCode: problem === null ? NONE : problem.errorCode, errorMessage: problem === null ? null : problem.message };
}
