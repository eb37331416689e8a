// SCRAM credentials, as Kafka's ScramControlManager keeps them: per user and mechanism, salted (salt, iterations,
// stored key, server key; never the password), changed through AlterUserScramCredentials and listed by
// DescribeUserScramCredentials with Kafka's validation and messages. Kafka keeps them in its metadata log; Eddy
// keeps them in one JSON file in the data dir, rewritten atomically on each change, so users survive restarts.
// Users from the users file (--users-file) get credentials too, made at start and never written.
import * as path from 'path';
import type { Logger } from '../logger';
import { readJsonFile, writeJsonFileAtomically } from './atomic-json-file';
import {
  credentialFromSalted,
  MAX_ITERATIONS,
  MIN_ITERATIONS,
  SCRAM_TYPES,
  scramMechanismOfType,
  type ScramCredential,
  type ScramMechanism,
} from './sasl/scram-crypto';

export const SCRAM_FILE = 'scram-credentials.json';

export interface ScramCredentialInfo {
  readonly mechanism: number;
  readonly iterations: number;
}

export interface DescribeResult {
  readonly user: string;
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly credentialInfos: readonly ScramCredentialInfo[];
}

export interface AlterResult {
  readonly user: string;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export interface ScramDeletion {
  readonly name: string;
  readonly mechanism: number;
}

export interface ScramUpsertion extends ScramDeletion {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly saltedPassword: Buffer;
}

const NONE = 0;
const UNSUPPORTED_SASL_MECHANISM = 33;
const RESOURCE_NOT_FOUND = 91;
const DUPLICATE_RESOURCE = 92;
const UNACCEPTABLE_CREDENTIAL = 93;
const TWICE = 'A user credential cannot be altered twice in the same request';

interface StoredCredential {
  readonly user: string;
  readonly mechanism: ScramMechanism;
  readonly salt: string;
  readonly storedKey: string;
  readonly serverKey: string;
  readonly iterations: number;
}

type Problem = { readonly code: number; readonly message: string };

function usernameAndMechanismProblem(name: string, mechanism: number): Problem | null {
  if (name.length === 0) return { code: UNACCEPTABLE_CREDENTIAL, message: 'Username must not be empty' };
  if (scramMechanismOfType(mechanism) === null) return { code: UNSUPPORTED_SASL_MECHANISM, message: 'Unknown SCRAM mechanism' };
  return null;
}

export class ScramCredentialStore {
  private readonly persisted = new Map<ScramMechanism, Map<string, ScramCredential>>();
  private readonly fromUsersFile = new Map<ScramMechanism, Map<string, ScramCredential>>();

  private constructor(
    private readonly file: string | null,
    private readonly logger: Logger,
  ) {}

  /** Loads the data dir's credentials; a missing file means none. `dataDir` null keeps them in memory only. */
  static open(dataDir: string | null, logger: Logger): ScramCredentialStore {
    const store = new ScramCredentialStore(dataDir === null ? null : path.join(dataDir, SCRAM_FILE), logger);
    store.load();
    return store;
  }

  private load(): void {
    const parsed = this.file === null ? null : readJsonFile<{ credentials?: StoredCredential[] }>(this.file);
    for (const c of parsed?.credentials ?? []) {
      const credential = {
        salt: Buffer.from(c.salt, 'base64'),
        storedKey: Buffer.from(c.storedKey, 'base64'),
        serverKey: Buffer.from(c.serverKey, 'base64'),
        iterations: c.iterations,
      };
      this.mapOf(this.persisted, c.mechanism).set(c.user, credential);
    }
  }

  private mapOf(maps: Map<ScramMechanism, Map<string, ScramCredential>>, mechanism: ScramMechanism): Map<string, ScramCredential> {
    let map = maps.get(mechanism);
    if (map === undefined) maps.set(mechanism, (map = new Map<string, ScramCredential>()));
    return map;
  }

  /** A user of the users file, for logins only (Describe lists what AlterUserScramCredentials made, as Kafka). */
  addFileUser(user: string, mechanism: ScramMechanism, credential: ScramCredential): void {
    this.mapOf(this.fromUsersFile, mechanism).set(user, credential);
  }

  /** The credential a login checks against: one set through the API wins over the users file's. */
  credential(user: string, mechanism: ScramMechanism): ScramCredential | null {
    return this.persisted.get(mechanism)?.get(user) ?? this.fromUsersFile.get(mechanism)?.get(user) ?? null;
  }

  private infosOf(user: string): ScramCredentialInfo[] {
    const infos: ScramCredentialInfo[] = [];
    for (const mechanism of Object.keys(SCRAM_TYPES) as ScramMechanism[]) {
      const c = this.persisted.get(mechanism)?.get(user);
      if (c !== undefined) infos.push({ mechanism: SCRAM_TYPES[mechanism], iterations: c.iterations });
    }
    return infos;
  }

  /** Kafka's ScramImage.describe: every user when none is named; duplicates and unknown users get errors. */
  describe(users: readonly string[] | null): DescribeResult[] {
    const duplicated = new Map<string, boolean>();
    if (users === null || users.length === 0) {
      for (const map of this.persisted.values()) for (const user of map.keys()) duplicated.set(user, false);
    } else {
      for (const user of users) duplicated.set(user, duplicated.has(user));
    }
    return [...duplicated].map(([user, twice]) => {
      if (twice)
        return {
          user,
          errorCode: DUPLICATE_RESOURCE,
          errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`,
          credentialInfos: [],
        };
      const credentialInfos = this.infosOf(user);
      if (credentialInfos.length > 0) return { user, errorCode: NONE, errorMessage: null, credentialInfos };
      return { user, errorCode: RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] };
    });
  }

  /** Kafka's ScramControlManager.alterCredentials: all valid changes apply together, then are written once. */
  alter(deletions: readonly ScramDeletion[], upsertions: readonly ScramUpsertion[]): AlterResult[] {
    const errors = new Map<string, Problem>();
    const toDelete = new Map<string, ScramDeletion>();
    const toUpsert = new Map<string, ScramUpsertion>();
    for (const d of deletions) {
      if (errors.has(d.name)) continue;
      if (toDelete.delete(d.name)) {
        errors.set(d.name, { code: DUPLICATE_RESOURCE, message: TWICE });
        continue;
      }
      const problem = this.deletionProblem(d);
      if (problem !== null) errors.set(d.name, problem);
      else toDelete.set(d.name, d);
    }
    for (const u of upsertions) {
      if (errors.has(u.name)) continue;
      if (toDelete.delete(u.name) || toUpsert.delete(u.name)) {
        errors.set(u.name, { code: DUPLICATE_RESOURCE, message: TWICE });
        continue;
      }
      const problem = upsertionProblem(u);
      if (problem !== null) errors.set(u.name, problem);
      else toUpsert.set(u.name, u);
    }
    for (const d of toDelete.values()) this.persisted.get(scramMechanismOfType(d.mechanism) as ScramMechanism)?.delete(d.name);
    for (const u of toUpsert.values()) {
      const mechanism = scramMechanismOfType(u.mechanism) as ScramMechanism;
      this.mapOf(this.persisted, mechanism).set(u.name, credentialFromSalted(mechanism, u.salt, u.saltedPassword, u.iterations));
    }
    if (toDelete.size + toUpsert.size > 0) this.save();
    const ok = (user: string): AlterResult => ({ user, errorCode: NONE, errorMessage: null });
    return [
      ...[...toDelete.keys()].map(ok),
      ...[...toUpsert.keys()].map(ok),
      ...[...errors].map(([user, p]) => ({ user, errorCode: p.code, errorMessage: p.message })),
    ];
  }

  private deletionProblem(d: ScramDeletion): Problem | null {
    const problem = usernameAndMechanismProblem(d.name, d.mechanism);
    if (problem !== null) return problem;
    const exists = this.persisted.get(scramMechanismOfType(d.mechanism) as ScramMechanism)?.has(d.name) === true;
    return exists ? null : { code: RESOURCE_NOT_FOUND, message: 'Attempt to delete a user credential that does not exist' };
  }

  /** Writes every credential to the file, atomically (owner-only: the keys let a client log in). */
  private save(): void {
    if (this.file === null) return;
    const credentials: StoredCredential[] = [];
    for (const [mechanism, map] of this.persisted) {
      for (const [user, c] of map) {
        credentials.push({
          user,
          mechanism,
          salt: c.salt.toString('base64'),
          storedKey: c.storedKey.toString('base64'),
          serverKey: c.serverKey.toString('base64'),
          iterations: c.iterations,
        });
      }
    }
    writeJsonFileAtomically(this.file, { version: 1, credentials }, 0o600);
    this.logger.info({ users: new Set(credentials.map((c) => c.user)).size }, 'SCRAM credentials saved');
  }
}

function upsertionProblem(u: ScramUpsertion): Problem | null {
  const problem = usernameAndMechanismProblem(u.name, u.mechanism);
  if (problem !== null) return problem;
  if (u.iterations < MIN_ITERATIONS) return { code: UNACCEPTABLE_CREDENTIAL, message: 'Too few iterations' };
  if (u.iterations > MAX_ITERATIONS) return { code: UNACCEPTABLE_CREDENTIAL, message: 'Too many iterations' };
  return null;
}
