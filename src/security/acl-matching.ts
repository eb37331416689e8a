// The decisions of Kafka's StandardAuthorizer as pure functions over a list of ACLs: which ACLs a filter selects
// (DescribeAcls, DeleteAcls), which apply to a resource, and whether a principal on a host may perform an
// operation. Kept free of state and I/O so the rules can be tested one by one against Kafka's.
import { AclOperation, PatternType, PermissionType, ResourceType, WILDCARD, WILDCARD_PRINCIPAL, type AclBinding, type AclBindingFilter } from './acl-types';

/** Who asks, from where, to do what to which resource (always a literal name, as Kafka's Action). */
export interface AclAction {
  /** "User:alice" */
  readonly principal: string;
  readonly host: string;
  readonly operation: AclOperation;
  readonly resourceType: ResourceType;
  readonly resourceName: string;
}

export type AuthorizationResult = 'ALLOWED' | 'DENIED';

/** Kafka's ResourcePatternFilter.matches: MATCH selects the patterns that would apply to the named resource. */
function patternFilterMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  if (filter.resourceType !== ResourceType.ANY && filter.resourceType !== acl.resourceType) return false;
  if (filter.patternType !== PatternType.ANY && filter.patternType !== PatternType.MATCH && filter.patternType !== acl.patternType) return false;
  if (filter.resourceName === null) return true;
  if (filter.patternType === PatternType.ANY || filter.patternType === acl.patternType) return filter.resourceName === acl.resourceName;
  if (acl.patternType === PatternType.LITERAL) return filter.resourceName === acl.resourceName || acl.resourceName === WILDCARD;
  return acl.patternType === PatternType.PREFIXED && filter.resourceName.startsWith(acl.resourceName);
}

/** Kafka's AccessControlEntryFilter.matches: exact principal and host, ANY operation and permission match all. */
function entryFilterMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  if (filter.principal !== null && filter.principal !== acl.principal) return false;
  if (filter.host !== null && filter.host !== acl.host) return false;
  if (filter.operation !== AclOperation.ANY && filter.operation !== acl.operation) return false;
  return filter.permissionType === PermissionType.ANY || filter.permissionType === acl.permissionType;
}

export function filterMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  return patternFilterMatches(filter, acl) && entryFilterMatches(filter, acl);
}

/** Whether an ACL's pattern covers a resource: the same name, the wildcard, or (PREFIXED) a prefix of it. */
export function appliesToResource(acl: AclBinding, resourceType: ResourceType, resourceName: string): boolean {
  if (acl.resourceType !== resourceType) return false;
  if (acl.patternType === PatternType.PREFIXED) return resourceName.startsWith(acl.resourceName);
  return acl.patternType === PatternType.LITERAL && (acl.resourceName === resourceName || acl.resourceName === WILDCARD);
}

const IMPLIES_DESCRIBE: ReadonlySet<AclOperation> = new Set([
  AclOperation.DESCRIBE,
  AclOperation.READ,
  AclOperation.WRITE,
  AclOperation.DELETE,
  AclOperation.ALTER,
]);
const IMPLIES_DESCRIBE_CONFIGS: ReadonlySet<AclOperation> = new Set([AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS]);

/**
 * Kafka's StandardAuthorizerData.findResult: does this ACL, which covers the resource, allow or deny the action,
 * or say nothing? Implied operations (READ implies DESCRIBE, ...) widen ALLOW ACLs only: denying READ does not deny
 * DESCRIBE.
 */
export function aclVerdict(acl: AclBinding, action: AclAction): AuthorizationResult | null {
  if (acl.principal !== action.principal && acl.principal !== WILDCARD_PRINCIPAL) return null;
  if (acl.host !== WILDCARD && acl.host !== action.host) return null;
  if (acl.operation !== AclOperation.ALL) {
    if (acl.permissionType === PermissionType.ALLOW) {
      if (action.operation === AclOperation.DESCRIBE) {
        if (!IMPLIES_DESCRIBE.has(acl.operation)) return null;
      } else if (action.operation === AclOperation.DESCRIBE_CONFIGS) {
        if (!IMPLIES_DESCRIBE_CONFIGS.has(acl.operation)) return null;
      } else if (action.operation !== acl.operation) return null;
    } else if (action.operation !== acl.operation) return null;
  }
  return acl.permissionType === PermissionType.ALLOW ? 'ALLOWED' : 'DENIED';
}

/**
 * The authorizer's answer for one action (super users aside): a matching DENY wins, then a matching ALLOW; with no
 * ACL at all on the resource (for anyone), `noAclResult` (allow.everyone.if.no.acl.found); otherwise denied.
 */
export function decide(acls: Iterable<AclBinding>, action: AclAction, noAclResult: AuthorizationResult): AuthorizationResult {
  let hasResourceAcls = false;
  let allowed = false;
  for (const acl of acls) {
    if (!appliesToResource(acl, action.resourceType, action.resourceName)) continue;
    hasResourceAcls = true;
    const verdict = aclVerdict(acl, action);
    if (verdict === 'DENIED') return 'DENIED';
    if (verdict === 'ALLOWED') allowed = true;
  }
  if (allowed) return 'ALLOWED';
  return hasResourceAcls ? 'DENIED' : noAclResult;
}

/**
 * Kafka's Authorizer.authorizeByResourceType for the ACL part (the caller first tries a literal resource, which
 * lets super users and allow.everyone.if.no.acl.found through): allowed when some ACL lets the principal do the
 * operation on some resource of the type that no DENY ACL covers (the wildcard DENY covers everything). Unlike a
 * single decision, only the operation itself or ALL counts here, never an implied one.
 */
export function allowedOnSomeResource(
  acls: Iterable<AclBinding>,
  principal: string,
  host: string,
  operation: AclOperation,
  resourceType: ResourceType,
): boolean {
  const denyLiteral = new Set<string>();
  const denyPrefixed = new Set<string>();
  const allowLiteral = new Set<string>();
  const allowPrefixed = new Set<string>();
  let wildcardAllow = false;
  for (const acl of acls) {
    if (acl.resourceType !== resourceType) continue;
    if (acl.host !== host && acl.host !== WILDCARD) continue;
    if (acl.principal !== principal && acl.principal !== WILDCARD_PRINCIPAL) continue;
    if (acl.operation !== operation && acl.operation !== AclOperation.ALL) continue;
    const literal = acl.patternType === PatternType.LITERAL;
    if (acl.permissionType === PermissionType.DENY) {
      if (literal && acl.resourceName === WILDCARD) return false;
      (literal ? denyLiteral : denyPrefixed).add(acl.resourceName);
    } else if (acl.permissionType === PermissionType.ALLOW) {
      if (literal && acl.resourceName === WILDCARD) wildcardAllow = true;
      else (literal ? allowLiteral : allowPrefixed).add(acl.resourceName);
    }
  }
  if (wildcardAllow) return true;
  const deniedByPrefix = (name: string): boolean => [...denyPrefixed].some((prefix) => name.startsWith(prefix));
  for (const name of allowLiteral) if (!denyLiteral.has(name) && !deniedByPrefix(name)) return true;
  for (const name of allowPrefixed) if (!deniedByPrefix(name)) return true;
  return false;
}
