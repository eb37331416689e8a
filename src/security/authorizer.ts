// The ACL authorizer, as Kafka's StandardAuthorizer behaves: on when `authorizer.class.name` names Kafka's standard
// authorizer (or the older AclAuthorizer), with `super.users` and `allow.everyone.if.no.acl.found`. It holds the
// ACLs, answers authorization questions through the pure rules of acl-matching.ts, and creates and deletes ACLs
// with Kafka's validation. Kafka keeps ACLs in its metadata log; Eddy keeps them in one JSON file in the data dir,
// rewritten atomically on each change, so they survive restarts.
import * as fs from 'fs';
import * as path from 'path';
import type { BrokerConfig } from '../config/broker-config';
import type { Logger } from '../logger';
import { allowedOnSomeResource, decide, filterMatches, type AclAction, type AuthorizationResult } from './acl-matching';
import {
  AclOperation,
  CLUSTER_NAME,
  PatternType,
  PermissionType,
  ResourceType,
  SUPPORTED_OPERATIONS,
  operationBits,
  operationName,
  patternTypeName,
  permissionTypeName,
  resourceTypeName,
  type AclBinding,
  type AclBindingFilter,
} from './acl-types';
import { ALLOW_EVERYONE_CONFIG, AUTHORIZER_CLASS_CONFIG, AUTHORIZER_CLASSES, SUPER_USERS_CONFIG } from './authorizer-config';

export const ACL_FILE = 'acls.json';
export { ALLOW_EVERYONE_CONFIG, AUTHORIZER_CLASS_CONFIG, AUTHORIZER_CLASSES, SUPER_USERS_CONFIG };

/** Kafka's INVALID_REQUEST, the error of every ACL Kafka refuses to store. */
const INVALID_REQUEST = 42;

/** The outcome of one creation: null when stored (or already there), else Kafka's error. */
export interface AclProblem {
  readonly errorCode: number;
  readonly errorMessage: string;
}

/** Who asks and from where, as a request context knows it. */
export interface AclRequester {
  /** "User:alice" */
  readonly principal: string;
  readonly host: string;
}

/** Kafka's AclApis and AclControlManager.validateNewAcl, in their order, with their messages. */
export function creationProblem(acl: AclBinding): AclProblem | null {
  const invalid = (errorMessage: string): AclProblem => ({ errorCode: INVALID_REQUEST, errorMessage });
  if (acl.resourceType === ResourceType.CLUSTER && acl.resourceName !== CLUSTER_NAME)
    return invalid(`The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`);
  if (acl.resourceName.length === 0) return invalid('Invalid empty resource name');
  if (acl.resourceType === ResourceType.UNKNOWN || acl.resourceType === ResourceType.ANY)
    return invalid(`Invalid resourceType ${resourceTypeName(acl.resourceType)}`);
  if (acl.patternType !== PatternType.LITERAL && acl.patternType !== PatternType.PREFIXED)
    return invalid(`Invalid patternType ${patternTypeName(acl.patternType)}`);
  if (acl.operation === AclOperation.UNKNOWN || acl.operation === AclOperation.ANY) return invalid(`Invalid operation ${operationName(acl.operation)}`);
  if (acl.permissionType !== PermissionType.ALLOW && acl.permissionType !== PermissionType.DENY)
    return invalid(`Invalid permissionType ${permissionTypeName(acl.permissionType)}`);
  return null;
}

function aclKey(acl: AclBinding): string {
  return JSON.stringify([acl.resourceType, acl.resourceName, acl.patternType, acl.principal, acl.host, acl.operation, acl.permissionType]);
}

/** `super.users`: principals separated by semicolons. */
export function parseSuperUsers(value: string | undefined): ReadonlySet<string> {
  return new Set(
    (value ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );
}

export class AclAuthorizer {
  /** Insertion-ordered, keyed by the binding itself, so a repeated creation stores nothing (as Kafka). */
  private readonly acls = new Map<string, AclBinding>();

  private constructor(
    private readonly file: string | null,
    private readonly superUsers: ReadonlySet<string>,
    private readonly noAclResult: AuthorizationResult,
    private readonly logger: Logger,
  ) {}

  /**
   * The authorizer `authorizer.class.name` asks for, or null when it names none (no authorization, as Kafka).
   * Throws on a class Eddy does not have, so a misspelt name stops the start instead of leaving ACLs off.
   */
  static fromConfig(config: BrokerConfig, dataDir: string | null, logger: Logger): AclAuthorizer | null {
    const className = config.explicit(AUTHORIZER_CLASS_CONFIG)?.trim() ?? '';
    if (className === '') return null;
    if (!AUTHORIZER_CLASSES.includes(className))
      throw new Error(`${AUTHORIZER_CLASS_CONFIG} ${className} is not available; Eddy has ${AUTHORIZER_CLASSES.join(' and ')}`);
    const allowEveryone = (config.explicit(ALLOW_EVERYONE_CONFIG) ?? 'false').trim().toLowerCase() === 'true';
    const authorizer = new AclAuthorizer(
      dataDir === null ? null : path.join(dataDir, ACL_FILE),
      parseSuperUsers(config.explicit(SUPER_USERS_CONFIG)),
      allowEveryone ? 'ALLOWED' : 'DENIED',
      logger,
    );
    authorizer.load();
    logger.info({ acls: authorizer.acls.size, superUsers: [...authorizer.superUsers] }, 'ACL authorizer on');
    return authorizer;
  }

  /** An authorizer over ACLs in memory, for tests and tools. */
  static inMemory(options: { superUsers?: readonly string[]; allowEveryoneIfNoAclFound?: boolean }, logger: Logger): AclAuthorizer {
    return new AclAuthorizer(null, new Set(options.superUsers ?? []), options.allowEveryoneIfNoAclFound === true ? 'ALLOWED' : 'DENIED', logger);
  }

  private load(): void {
    if (this.file === null || !fs.existsSync(this.file)) return;
    const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { acls?: AclBinding[] };
    for (const acl of parsed.acls ?? []) this.acls.set(aclKey(acl), acl);
  }

  /** Kafka's authorize for one action on a literal resource. */
  authorize(requester: AclRequester, operation: AclOperation, resourceType: ResourceType, resourceName: string): boolean {
    if (this.superUsers.has(requester.principal)) return true;
    const action: AclAction = { ...requester, operation, resourceType, resourceName };
    return decide(this.acls.values(), action, this.noAclResult) === 'ALLOWED';
  }

  /** Kafka's authorizeByResourceType: may the requester do `operation` on at least one resource of the type? */
  authorizeByResourceType(requester: AclRequester, operation: AclOperation, resourceType: ResourceType): boolean {
    // A made-up literal name first, as Kafka does: super users and allow.everyone.if.no.acl.found pass here.
    if (this.authorize(requester, operation, resourceType, 'hardcode')) return true;
    return allowedOnSomeResource(this.acls.values(), requester.principal, requester.host, operation, resourceType);
  }

  /** The KIP-430 bit field of what the requester may do to a resource (AuthHelper.authorizedOperations). */
  authorizedOperations(requester: AclRequester, resourceType: ResourceType, resourceName: string): number {
    const supported = SUPPORTED_OPERATIONS[resourceType] ?? [];
    return operationBits(supported.filter((op) => this.authorize(requester, op, resourceType, resourceName)));
  }

  /** The ACLs a filter selects, in the order they were created. */
  describe(filter: AclBindingFilter): AclBinding[] {
    return [...this.acls.values()].filter((acl) => filterMatches(filter, acl));
  }

  /** Stores the valid ACLs (once each) and writes the file once; a problem per binding, null where stored. */
  create(bindings: readonly AclBinding[]): Array<AclProblem | null> {
    let changed = false;
    const results = bindings.map((acl) => {
      const problem = creationProblem(acl);
      if (problem !== null) return problem;
      const key = aclKey(acl);
      if (!this.acls.has(key)) {
        this.acls.set(key, { ...acl });
        changed = true;
      }
      return null;
    });
    if (changed) this.save();
    return results;
  }

  /** Removes what each filter selects and writes the file once; the ACLs each filter removed, in filter order. */
  delete(filters: readonly AclBindingFilter[]): AclBinding[][] {
    const removed = filters.map((filter) => this.describe(filter));
    let changed = false;
    for (const acl of removed.flat()) changed = this.acls.delete(aclKey(acl)) || changed;
    if (changed) this.save();
    return removed;
  }

  /** Writes every ACL to a temporary file, syncs it, and renames it over the old one. */
  private save(): void {
    if (this.file === null) return;
    const temp = `${this.file}.tmp`;
    const fd = fs.openSync(temp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify({ version: 1, acls: [...this.acls.values()] }, null, 1));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, this.file);
    this.logger.info({ acls: this.acls.size }, 'ACLs saved');
  }
}
