// The pure parts of the security set-up: listener protocols and per-listener keys, JAAS parsing, the users file,
// ssl.principal.mapping.rules as Kafka's SslPrincipalMapper applies them, the `eddy start` security flags, and the
// SCRAM store's answers to DescribeUserScramCredentials and AlterUserScramCredentials (Kafka's errors and messages).
import { BrokerConfig } from '../../../src/config/broker-config';
import { parseCommandLine } from '../../../src/cli-args';
import { silentLogger } from '../../../src/logger';
import { listenerValue, securityProtocolOf } from '../../../src/security/listener-security';
import { parseJaasConfig, plainUsers } from '../../../src/security/sasl/jaas';
import { ScramCredentialStore } from '../../../src/security/scram-store';
import { principalMapper } from '../../../src/security/ssl-principal';
import { parseUsersFile } from '../../../src/security/users-file';

describe('listener security', () => {
  test('protocol names map to themselves, other names are PLAINTEXT unless the map is set, which must then name them', () => {
    const lenient = new BrokerConfig({ listeners: 'SASL_SSL://:0,HOST://:0' });
    expect(securityProtocolOf(lenient, 'SASL_SSL')).toBe('SASL_SSL');
    expect(securityProtocolOf(lenient, 'HOST')).toBe('PLAINTEXT');
    const strict = new BrokerConfig({ 'listener.security.protocol.map': 'CLIENT:SASL_SSL' });
    expect(securityProtocolOf(strict, 'client')).toBe('SASL_SSL');
    expect(() => securityProtocolOf(strict, 'HOST')).toThrow('No security protocol defined for listener HOST');
  });

  test('listener.name.<listener>.<mechanism>.<key> wins over listener.name.<listener>.<key>, which wins over <key>', () => {
    const config = new BrokerConfig({
      'sasl.jaas.config': 'broker',
      'listener.name.client.sasl.jaas.config': 'listener',
      'listener.name.client.plain.sasl.jaas.config': 'mechanism',
    });
    expect(listenerValue(config, 'CLIENT', 'sasl.jaas.config', 'PLAIN')).toBe('mechanism');
    expect(listenerValue(config, 'CLIENT', 'sasl.jaas.config', 'SCRAM-SHA-256')).toBe('listener');
    expect(listenerValue(config, 'OTHER', 'sasl.jaas.config')).toBe('broker');
  });
});

test('JAAS config: login module, flag, quoted and bare options; users from user_ entries', () => {
  const entries = parseJaasConfig(
    'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="a\\"b" user_admin="admin-secret" user_alice=alice-secret;',
  );
  expect(entries).toHaveLength(1);
  expect(entries[0].options.get('password')).toBe('a"b');
  expect([...plainUsers(entries)]).toEqual([
    ['admin', 'admin-secret'],
    ['alice', 'alice-secret'],
  ]);
  expect(() => parseJaasConfig('Module user_a="x";')).toThrow('control flag');
  expect(() => parseJaasConfig('Module required user_a="secret-value"')).toThrow('must end with ";"');
});

test('users file: name=password lines, comments and blank lines', () => {
  expect([...parseUsersFile('# users\nalice=a=b\n\n bob = pw \n', 'f')]).toEqual([
    ['alice', 'a=b'],
    ['bob', ' pw'],
  ]);
  expect(() => parseUsersFile('nopassword', 'f')).toThrow('f line 1: expected name=password');
});

test('ssl.principal.mapping.rules as Kafka applies them', () => {
  const dn = 'CN=client-one,OU=dev,O=Eddy Tests,C=GB';
  expect(principalMapper('DEFAULT')(dn)).toBe(dn);
  expect(principalMapper('RULE:^CN=(.*?),OU=(.*?),.*$/$1@$2/L, DEFAULT')(dn)).toBe('client-one@dev');
  expect(principalMapper('RULE:^CN=(.*?),.*$/$1/U')(dn)).toBe('CLIENT-ONE');
  expect(principalMapper('RULE:^CN=nobody$/x/, DEFAULT')(dn)).toBe(dn);
  expect(() => principalMapper('RULE:^CN=nobody$/x/')(dn)).toThrow('No rules apply');
});

test('eddy start security flags and EDDY_ variables become broker configs; flags win', () => {
  const parsed = parseCommandLine(['start', '--ssl-keystore', '/k.pem', '--users-file', '/u', '--config', 'ssl.client.auth=none'], {
    EDDY_SSL_KEYSTORE: '/env.pem',
    EDDY_SSL_CLIENT_AUTH: 'required',
  });
  expect(parsed.kind).toBe('start');
  if (parsed.kind !== 'start') return;
  expect(parsed.options.config).toEqual(['ssl.client.auth=none', 'ssl.keystore.location=/k.pem', 'ssl.client.auth=required', 'eddy.users.file=/u']);
});

describe('SCRAM credential store (Kafka ScramControlManager / ScramImage answers)', () => {
  const upsert = (name: string, mechanism: number, iterations = 4096) => ({
    name,
    mechanism,
    iterations,
    salt: Buffer.from('salt'),
    saltedPassword: Buffer.alloc(32, 1),
  });

  test('alter validates each user, rejects a user named twice, and describe lists what was stored', () => {
    const store = ScramCredentialStore.open(null, silentLogger());
    expect(store.alter([], [upsert('a', 1), upsert('b', 2, 100), upsert('c', 3), upsert('', 1), upsert('d', 1, 20000)])).toEqual([
      { user: 'a', errorCode: 0, errorMessage: null },
      { user: 'b', errorCode: 93, errorMessage: 'Too few iterations' },
      { user: 'c', errorCode: 33, errorMessage: 'Unknown SCRAM mechanism' },
      { user: '', errorCode: 93, errorMessage: 'Username must not be empty' },
      { user: 'd', errorCode: 93, errorMessage: 'Too many iterations' },
    ]);
    expect(store.alter([{ name: 'zed', mechanism: 1 }], [upsert('a', 2), upsert('a', 1)])).toEqual([
      { user: 'zed', errorCode: 91, errorMessage: 'Attempt to delete a user credential that does not exist' },
      { user: 'a', errorCode: 92, errorMessage: 'A user credential cannot be altered twice in the same request' },
    ]);
    expect(store.describe(null)).toEqual([{ user: 'a', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 4096 }] }]);
    expect(store.describe(['a', 'nobody', 'a'])).toEqual([
      { user: 'a', errorCode: 92, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request: a', credentialInfos: [] },
      { user: 'nobody', errorCode: 91, errorMessage: 'Attempt to describe a user credential that does not exist: nobody', credentialInfos: [] },
    ]);
    expect(store.alter([{ name: 'a', mechanism: 1 }], [])).toEqual([{ user: 'a', errorCode: 0, errorMessage: null }]);
    expect(store.describe(null)).toEqual([]);
  });
});
