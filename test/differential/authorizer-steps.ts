// What the authorizer scenarios add to the differential harness: who plays the steps (a SASL PLAIN user with only
// the ACLs a scenario grants), the grants themselves, and how both brokers are given them before the steps (through
// an admin connection, then waiting until Kafka's broker has learnt them from its controller). Both brokers run
// Kafka's StandardAuthorizer with the admin and ANONYMOUS (the PLAINTEXT listener, used for set-up) as super users.
import { CreateAclsRequestCodec, type CreateAclsRequestAclCreation } from '../../codecs/generated/CreateAclsRequest';
import { CreateAclsResponseCodec } from '../../codecs/generated/CreateAclsResponse';
import { DescribeAclsRequestCodec } from '../../codecs/generated/DescribeAclsRequest';
import { DescribeAclsResponseCodec } from '../../codecs/generated/DescribeAclsResponse';
import { AclOperation, PatternType, PermissionType, ResourceType } from '../../src/security/acl-types';
import type { RawClient } from '../helpers/raw-client';
import { plainLogin } from '../helpers/sasl-raw';
import { waitFor } from '../helpers/wait';
import type { Scenario } from './harness';

export { AclOperation, PatternType, PermissionType, ResourceType };

/** The SASL PLAIN users of both brokers: admin is a super user, bob and carol have only what scenarios grant. */
export const AUTHORIZER_USERS = { admin: 'admin-secret', bob: 'bob-secret', carol: 'carol-secret' } as const;
export type ScenarioUser = Exclude<keyof typeof AUTHORIZER_USERS, 'admin'>;

/** The same configs on both brokers (Eddy reads Kafka's keys). */
export const AUTHORIZER_PROPERTIES: Readonly<Record<string, string>> = {
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'super.users': 'User:admin;User:ANONYMOUS',
};

/** One ACL a scenario gives its user; literal and allowed unless it says otherwise. */
export interface Grant {
  readonly resourceType: ResourceType;
  readonly name: string;
  readonly operation: AclOperation;
  readonly pattern?: PatternType;
  readonly permission?: PermissionType;
}

export interface AuthorizerScenario extends Scenario {
  /** Who sends the steps; bob unless named. */
  readonly user?: ScenarioUser;
  readonly grants?: readonly Grant[];
}

export const topicGrant = (name: string, operation: AclOperation): Grant => ({ resourceType: ResourceType.TOPIC, name, operation });
export const groupGrant = (name: string, operation: AclOperation): Grant => ({ resourceType: ResourceType.GROUP, name, operation });
export const txnGrant = (name: string, operation: AclOperation): Grant => ({ resourceType: ResourceType.TRANSACTIONAL_ID, name, operation });
export const clusterGrant = (operation: AclOperation): Grant => ({ resourceType: ResourceType.CLUSTER, name: 'kafka-cluster', operation });

function binding(user: ScenarioUser, grant: Grant): CreateAclsRequestAclCreation {
  return {
    resourceType: grant.resourceType,
    resourceName: grant.name,
    resourcePatternType: grant.pattern ?? PatternType.LITERAL,
    principal: `User:${user}`,
    host: '*',
    operation: grant.operation,
    permissionType: grant.permission ?? PermissionType.ALLOW,
  };
}

/** Whether the broker's authorizer lists this exact ACL (Kafka's broker learns a created ACL a moment later). */
async function lists(admin: RawClient, user: ScenarioUser, grant: Grant): Promise<boolean> {
  const b = binding(user, grant);
  const res = await admin.request(DescribeAclsRequestCodec, DescribeAclsResponseCodec, 3, {
    resourceTypeFilter: b.resourceType,
    resourceNameFilter: b.resourceName,
    patternTypeFilter: b.resourcePatternType,
    principalFilter: b.principal,
    hostFilter: b.host,
    operation: b.operation,
    permissionType: b.permissionType,
  });
  return res.errorCode === 0 && res.resources.length > 0;
}

/** Creates the scenario's ACLs through a super user's connection and waits until the broker enforces them. */
export async function grantAll(admin: RawClient, scenario: AuthorizerScenario): Promise<void> {
  const grants = scenario.grants ?? [];
  if (grants.length === 0) return;
  const user = scenario.user ?? 'bob';
  const res = await admin.request(CreateAclsRequestCodec, CreateAclsResponseCodec, 3, { creations: grants.map((g) => binding(user, g)) });
  const failed = res.results.filter((r) => r.errorCode !== 0);
  if (failed.length > 0) throw new Error(`setup CreateAcls failed: ${failed.map((r) => `${r.errorCode} ${r.errorMessage ?? ''}`).join(', ')}`);
  for (const grant of grants) await waitFor(`the ACL on ${grant.name}`, () => lists(admin, user, grant), 10_000);
}

/** A connection logged in with PLAIN as `user`. */
export async function loggedIn(client: RawClient, user: keyof typeof AUTHORIZER_USERS): Promise<RawClient> {
  await plainLogin(client, user, AUTHORIZER_USERS[user]);
  return client;
}
