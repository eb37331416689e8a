// Kafka's StandardAuthorizer rules, one by one: patterns (literal, prefixed, wildcard), implied operations for ALLOW
// only, deny winning, hosts, User:*, super.users, allow.everyone.if.no.acl.found, authorizeByResourceType, the
// filters of DescribeAcls/DeleteAcls (ANY, MATCH), CreateAcls validation messages, and ACLs surviving a reopen.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrokerConfig } from '../../../src/config/broker-config';
import { silentLogger } from '../../../src/logger';
import { filterMatches } from '../../../src/security/acl-matching';
import { AclOperation as Op, PatternType, PermissionType, ResourceType, type AclBinding, type AclBindingFilter } from '../../../src/security/acl-types';
import { AclAuthorizer, creationProblem, parseSuperUsers } from '../../../src/security/authorizer';

const alice = { principal: 'User:alice', host: '10.0.0.1' };
const bob = { principal: 'User:bob', host: '10.0.0.2' };

function acl(overrides: Partial<AclBinding>): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: 'orders',
    patternType: PatternType.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: Op.READ,
    permissionType: PermissionType.ALLOW,
    ...overrides,
  };
}

function withAcls(acls: AclBinding[], options: { superUsers?: string[]; allowEveryoneIfNoAclFound?: boolean } = {}): AclAuthorizer {
  const authorizer = AclAuthorizer.inMemory(options, silentLogger());
  expect(authorizer.create(acls)).toEqual(acls.map(() => null));
  return authorizer;
}

const ANY_FILTER: AclBindingFilter = {
  resourceType: ResourceType.ANY,
  resourceName: null,
  patternType: PatternType.ANY,
  principal: null,
  host: null,
  operation: Op.ANY,
  permissionType: PermissionType.ANY,
};

describe('authorize', () => {
  test('a literal ACL covers its resource only; a prefixed one every name it starts; "*" every name', () => {
    const a = withAcls([acl({}), acl({ resourceName: 'pay-', patternType: PatternType.PREFIXED }), acl({ resourceName: '*', operation: Op.WRITE })]);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders2')).toBe(false);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'pay-eu')).toBe(true);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'pay')).toBe(false);
    expect(a.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'anything')).toBe(true);
    expect(a.authorize(alice, Op.READ, ResourceType.GROUP, 'orders')).toBe(false);
  });

  test('READ, WRITE, DELETE and ALTER imply DESCRIBE, ALTER_CONFIGS implies DESCRIBE_CONFIGS, ALL covers all', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER])
      expect(withAcls([acl({ operation: op })]).authorize(alice, Op.DESCRIBE, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(withAcls([acl({ operation: Op.CREATE })]).authorize(alice, Op.DESCRIBE, ResourceType.TOPIC, 'orders')).toBe(false);
    expect(withAcls([acl({ operation: Op.ALTER_CONFIGS })]).authorize(alice, Op.DESCRIBE_CONFIGS, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(withAcls([acl({ operation: Op.READ })]).authorize(alice, Op.WRITE, ResourceType.TOPIC, 'orders')).toBe(false);
    expect(withAcls([acl({ operation: Op.ALL })]).authorize(alice, Op.ALTER_CONFIGS, ResourceType.TOPIC, 'orders')).toBe(true);
  });

  test('DENY wins over ALLOW, but denying READ does not deny the DESCRIBE it implies', () => {
    const a = withAcls([acl({ operation: Op.ALL }), acl({ resourceName: 'ord', patternType: PatternType.PREFIXED, permissionType: PermissionType.DENY })]);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders')).toBe(false);
    expect(a.authorize(alice, Op.DESCRIBE, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(
      withAcls([acl({ operation: Op.ALL, permissionType: PermissionType.DENY }), acl({})]).authorize(alice, Op.DESCRIBE, ResourceType.TOPIC, 'orders'),
    ).toBe(false);
  });

  test('hosts and principals match exactly or by wildcard', () => {
    const a = withAcls([acl({ host: '10.0.0.1' }), acl({ principal: 'User:*', operation: Op.WRITE })]);
    expect(a.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(a.authorize({ ...alice, host: '10.0.0.9' }, Op.READ, ResourceType.TOPIC, 'orders')).toBe(false);
    expect(a.authorize(bob, Op.WRITE, ResourceType.TOPIC, 'orders')).toBe(true);
    expect(a.authorize(bob, Op.READ, ResourceType.TOPIC, 'orders')).toBe(false);
  });

  test('super users pass every check, even a DENY; allow.everyone.if.no.acl.found only where no ACL names the resource', () => {
    const deny = acl({ principal: 'User:admin', operation: Op.ALL, permissionType: PermissionType.DENY });
    expect(withAcls([deny], { superUsers: ['User:admin'] }).authorize({ principal: 'User:admin', host: 'h' }, Op.READ, ResourceType.TOPIC, 'orders')).toBe(
      true,
    );
    const open = withAcls([acl({})], { allowEveryoneIfNoAclFound: true });
    expect(open.authorize(bob, Op.WRITE, ResourceType.TOPIC, 'other')).toBe(true);
    expect(open.authorize(bob, Op.WRITE, ResourceType.TOPIC, 'orders')).toBe(false);
    expect(withAcls([]).authorize(bob, Op.WRITE, ResourceType.TOPIC, 'other')).toBe(false);
    expect([...parseSuperUsers(' User:a ;User:b;; ')]).toEqual(['User:a', 'User:b']);
  });

  test('by resource type: some allowed resource not covered by a DENY; exact operation or ALL only', () => {
    expect(withAcls([acl({ operation: Op.WRITE })]).authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC)).toBe(true);
    expect(withAcls([acl({ operation: Op.READ })]).authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC)).toBe(false);
    const deniedByPrefix = [
      acl({ operation: Op.WRITE }),
      acl({ resourceName: 'or', patternType: PatternType.PREFIXED, operation: Op.WRITE, permissionType: PermissionType.DENY }),
    ];
    expect(withAcls(deniedByPrefix).authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC)).toBe(false);
    expect(withAcls([acl({ operation: Op.ALL, resourceName: '*' })]).authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC)).toBe(true);
  });

  test('authorized operations are a bit field of the supported operations allowed', () => {
    const a = withAcls([acl({ operation: Op.READ })]);
    expect(a.authorizedOperations(alice, ResourceType.TOPIC, 'orders')).toBe((1 << Op.READ) | (1 << Op.DESCRIBE));
  });
});

describe('filters, creations, persistence', () => {
  test('MATCH selects the literal, wildcard and prefixed patterns that apply to a name; ANY needs the exact name', () => {
    const acls = [acl({}), acl({ resourceName: '*' }), acl({ resourceName: 'ord', patternType: PatternType.PREFIXED }), acl({ resourceName: 'x' })];
    const match = { ...ANY_FILTER, resourceName: 'orders', patternType: PatternType.MATCH };
    expect(acls.filter((a) => filterMatches(match, a)).map((a) => a.resourceName)).toEqual(['orders', '*', 'ord']);
    expect(acls.filter((a) => filterMatches({ ...ANY_FILTER, resourceName: 'ord' }, a)).map((a) => a.resourceName)).toEqual(['ord']);
    expect(acls.filter((a) => filterMatches({ ...ANY_FILTER, principal: 'User:bob' }, a))).toEqual([]);
  });

  test("CreateAcls refuses what Kafka refuses, with Kafka's messages", () => {
    expect(creationProblem(acl({ resourceType: ResourceType.CLUSTER, resourceName: 'x' }))?.errorMessage).toBe(
      'The only valid name for the CLUSTER resource is kafka-cluster',
    );
    expect(creationProblem(acl({ resourceName: '' }))?.errorMessage).toBe('Invalid empty resource name');
    expect(creationProblem(acl({ resourceType: ResourceType.ANY }))?.errorMessage).toBe('Invalid resourceType ANY');
    expect(creationProblem(acl({ patternType: PatternType.MATCH }))?.errorMessage).toBe('Invalid patternType MATCH');
    expect(creationProblem(acl({ operation: Op.ANY }))?.errorMessage).toBe('Invalid operation ANY');
    expect(creationProblem(acl({ permissionType: PermissionType.ANY }))).toEqual({ errorCode: 42, errorMessage: 'Invalid permissionType ANY' });
    expect(creationProblem(acl({ resourceType: ResourceType.USER }))).toBeNull();
  });

  test('ACLs are stored once, deleted by filter, and read back from the data dir', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-acl-'));
    try {
      const config = new BrokerConfig({ 'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer' });
      const first = AclAuthorizer.fromConfig(config, dir, silentLogger()) as AclAuthorizer;
      first.create([acl({}), acl({}), acl({ operation: Op.WRITE })]);
      expect(first.describe(ANY_FILTER)).toHaveLength(2);
      expect(first.delete([{ ...ANY_FILTER, operation: Op.WRITE }])).toEqual([[acl({ operation: Op.WRITE })]]);
      const reopened = AclAuthorizer.fromConfig(config, dir, silentLogger()) as AclAuthorizer;
      expect(reopened.describe(ANY_FILTER)).toEqual([acl({})]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no authorizer without authorizer.class.name; an unknown class stops the start', () => {
    expect(AclAuthorizer.fromConfig(new BrokerConfig({}), null, silentLogger())).toBeNull();
    expect(
      AclAuthorizer.fromConfig(new BrokerConfig({ 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer' }), null, silentLogger()),
    ).not.toBeNull();
    expect(() => AclAuthorizer.fromConfig(new BrokerConfig({ 'authorizer.class.name': 'com.example.Mine' }), null, silentLogger())).toThrow('not available');
  });
});
