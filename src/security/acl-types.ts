// The vocabulary of Kafka's ACLs, with Kafka's wire codes: resource types, pattern types, operations and permission
// types (org.apache.kafka.common.resource / .acl), an ACL binding (a resource pattern and an access control entry)
// and a binding filter as DescribeAcls and DeleteAcls carry them. Codes are what the protocol and the persisted
// file hold; names are what Kafka's messages print.

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export type PatternType = (typeof PatternType)[keyof typeof PatternType];

export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export type AclOperation = (typeof AclOperation)[keyof typeof AclOperation];

export const PermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;
export type PermissionType = (typeof PermissionType)[keyof typeof PermissionType];

/** The one name a CLUSTER resource has (Kafka's CLUSTER_NAME). */
export const CLUSTER_NAME = 'kafka-cluster';
/** The resource name, principal and host that match every one. */
export const WILDCARD = '*';
export const WILDCARD_PRINCIPAL = 'User:*';

function nameOfCode<T extends Record<string, number>>(codes: T, code: number): string {
  return Object.keys(codes).find((name) => codes[name] === code) ?? 'UNKNOWN';
}

/** A code Kafka does not know reads as UNKNOWN, as Kafka's fromCode does. */
function known<T extends Record<string, number>>(codes: T, code: number): T[keyof T] {
  return (Object.values(codes).includes(code) ? code : 0) as T[keyof T];
}

export const resourceTypeName = (code: number): string => nameOfCode(ResourceType, code);
export const patternTypeName = (code: number): string => nameOfCode(PatternType, code);
export const operationName = (code: number): string => nameOfCode(AclOperation, code);
export const permissionTypeName = (code: number): string => nameOfCode(PermissionType, code);
export const resourceTypeOf = (code: number): ResourceType => known(ResourceType, code);
export const patternTypeOf = (code: number): PatternType => known(PatternType, code);
export const operationOf = (code: number): AclOperation => known(AclOperation, code);
export const permissionTypeOf = (code: number): PermissionType => known(PermissionType, code);

/** One ACL: who (principal, host) may or may not (permission) do what (operation) to which resources (pattern). */
export interface AclBinding {
  readonly resourceType: ResourceType;
  readonly resourceName: string;
  readonly patternType: PatternType;
  /** "User:alice", or "User:*" for everyone. */
  readonly principal: string;
  /** An IP address, or "*" for every host. */
  readonly host: string;
  readonly operation: AclOperation;
  readonly permissionType: PermissionType;
}

/** What DescribeAcls and DeleteAcls select ACLs by; null fields and ANY match everything. */
export interface AclBindingFilter {
  readonly resourceType: ResourceType;
  readonly resourceName: string | null;
  readonly patternType: PatternType;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: AclOperation;
  readonly permissionType: PermissionType;
}

/** The wire fields of a filter (DescribeAcls request, DeleteAcls filter), read with Kafka's fromCode. */
export interface WireAclFilter {
  readonly resourceTypeFilter: number;
  readonly resourceNameFilter: string | null;
  readonly patternTypeFilter: number;
  readonly principalFilter: string | null;
  readonly hostFilter: string | null;
  readonly operation: number;
  readonly permissionType: number;
}

export function filterFromWire(wire: WireAclFilter): AclBindingFilter {
  return {
    resourceType: resourceTypeOf(wire.resourceTypeFilter),
    resourceName: wire.resourceNameFilter,
    patternType: patternTypeOf(wire.patternTypeFilter),
    principal: wire.principalFilter,
    host: wire.hostFilter,
    operation: operationOf(wire.operation),
    permissionType: permissionTypeOf(wire.permissionType),
  };
}

/** True when any field is UNKNOWN: Kafka refuses such a request while parsing it. */
export function filterHasUnknown(filter: AclBindingFilter): boolean {
  return (
    filter.resourceType === ResourceType.UNKNOWN ||
    filter.patternType === PatternType.UNKNOWN ||
    filter.operation === AclOperation.UNKNOWN ||
    filter.permissionType === PermissionType.UNKNOWN
  );
}

/** The bit field the "authorized operations" fields carry (KIP-430). */
export function operationBits(operations: Iterable<AclOperation>): number {
  let mask = 0;
  for (const op of operations) mask |= 1 << op;
  return mask;
}

/** The operations each resource type supports (Kafka's AclEntry.supportedOperations). */
export const SUPPORTED_OPERATIONS: Readonly<Record<number, readonly AclOperation[]>> = {
  [ResourceType.TOPIC]: [3, 4, 5, 8, 6, 7, 10, 11],
  [ResourceType.GROUP]: [3, 8, 6, 10, 11],
  [ResourceType.CLUSTER]: [5, 9, 10, 11, 12, 7, 8],
  [ResourceType.TRANSACTIONAL_ID]: [8, 4],
  [ResourceType.DELEGATION_TOKEN]: [8],
  [ResourceType.USER]: [13, 14],
};
