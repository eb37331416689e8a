// The `eddy` command line: flags, EDDY_* defaults, `--config` pairs, help and errors.
import yargs from 'yargs/yargs';
import { parseCommandLine, ParsedCommand, simpleStartArgs, skipHelpCaching, StartOptions } from '../../../src/cli-args';

function startOptions(parsed: ParsedCommand): StartOptions {
  if (parsed.kind !== 'start') throw new Error(`expected a start command, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

test('start takes every documented flag, in both --flag value and --flag=value forms', () => {
  const opts = startOptions(
    parseCommandLine(
      [
        'start',
        '--port',
        '19092',
        '--host=127.0.0.1',
        '--listeners',
        'A://:1',
        '--advertised-listeners',
        'A://h:1',
        '--data-dir',
        '/tmp/d',
        '--log-level=warn',
        '--config',
        'num.partitions=3',
        '--config=log.roll.ms=5',
        '--http-port',
        '18082',
        '--http-host=0.0.0.0',
        '--log-format',
        'pretty',
      ],
      {},
    ),
  );
  expect(opts).toEqual({
    port: 19092,
    host: '127.0.0.1',
    listeners: 'A://:1',
    advertisedListeners: 'A://h:1',
    dataDir: '/tmp/d',
    logLevel: 'warn',
    logFormat: 'pretty',
    config: ['num.partitions=3', 'log.roll.ms=5'],
    http: { host: '0.0.0.0', port: 18082, portIsDefault: false },
  });
});

test('without flags: ./eddy-data, info, no port (the broker defaults to 9092), no configs', () => {
  expect(startOptions(parseCommandLine(['start'], {}))).toEqual({
    port: undefined,
    host: undefined,
    listeners: undefined,
    advertisedListeners: undefined,
    dataDir: './eddy-data',
    logLevel: 'info',
    logFormat: 'auto',
    config: [],
    http: { host: '127.0.0.1', port: 8082, portIsDefault: true },
  });
});

test('the HTTP server: on by default, off with --no-http or EDDY_HTTP=false, port and host from EDDY_HTTP_* too', () => {
  expect(startOptions(parseCommandLine(['start', '--no-http'], {})).http).toBeUndefined();
  expect(startOptions(parseCommandLine(['start'], { EDDY_HTTP: 'false' })).http).toBeUndefined();
  expect(startOptions(parseCommandLine(['start', '--http'], { EDDY_HTTP: 'false' })).http?.port).toBe(8082);
  expect(startOptions(parseCommandLine(['start'], { EDDY_HTTP_PORT: '0', EDDY_HTTP_HOST: '::1' })).http).toEqual({
    host: '::1',
    port: 0,
    portIsDefault: false,
  });
  const bad = parseCommandLine(['start'], { EDDY_HTTP_PORT: 'eighty' });
  expect(bad.kind === 'error' && bad.message).toBe('EDDY_HTTP_PORT must be a port number, got "eighty"');
  const badSwitch = parseCommandLine(['start'], { EDDY_HTTP: 'maybe' });
  expect(badSwitch.kind === 'error' && badSwitch.message).toBe('EDDY_HTTP must be true or false, got "maybe"');
});

test('EDDY_* variables fill what flags leave out; flags win; other EDDY_ variables are ignored', () => {
  const env = { EDDY_PORT: '9999', EDDY_HOST: '', EDDY_DATA_DIR: '/data', EDDY_LOG_LEVEL: 'debug', EDDY_SOMETHING: 'x' };
  const opts = startOptions(parseCommandLine(['start', '--port', '1234'], env));
  expect(opts.port).toBe(1234);
  expect(opts.host).toBe('');
  expect(opts.dataDir).toBe('/data');
  expect(opts.logLevel).toBe('debug');
  expect(startOptions(parseCommandLine(['start'], { EDDY_PORT: '' })).port).toBeUndefined();
});

test('--config takes the key=value pairs that follow it, as well as repeated flags', () => {
  expect(startOptions(parseCommandLine(['start', '--config', 'a=1', 'b=2', '--port', '1', '--config', 'c=3'], {})).config).toEqual(['a=1', 'b=2', 'c=3']);
});

test('--ready-file names the file the ready description goes to; EDDY_READY_FILE too; the flag wins; it takes a value', () => {
  expect(startOptions(parseCommandLine(['start'], {})).readyFile).toBeUndefined();
  expect(startOptions(parseCommandLine(['start', '--port', '0', '--ready-file', '/tmp/r.json'], {})).readyFile).toBe('/tmp/r.json');
  expect(startOptions(parseCommandLine(['start', '--ready-file=r.json'], {})).readyFile).toBe('r.json');
  expect(startOptions(parseCommandLine(['start'], { EDDY_READY_FILE: '/run/eddy.json' })).readyFile).toBe('/run/eddy.json');
  expect(startOptions(parseCommandLine(['start'], { EDDY_READY_FILE: '' })).readyFile).toBeUndefined();
  expect(startOptions(parseCommandLine(['start', '--ready-file', 'flag.json'], { EDDY_READY_FILE: 'env.json' })).readyFile).toBe('flag.json');
  expect(parseCommandLine(['start', '--ready-file'], {}).kind).toBe('error');
  const help = parseCommandLine(['start', '--help'], {});
  expect(help.kind === 'help' && help.text).toMatch(/--ready-file[\s\S]*EDDY_READY_FILE/);
});

test('bad values, unknown flags, stray arguments and unknown commands are errors that carry the help', () => {
  const errors: readonly (readonly string[])[] = [
    ['start', '--port', 'abc'],
    ['start', '--log-level', 'loud'],
    ['start', '--nope'],
    ['start', 'extra'],
    ['stop'],
    [],
    ['start', '--port'],
  ];
  for (const argv of errors) {
    const parsed = parseCommandLine(argv, {});
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.help).toContain('eddy');
  }
  const badEnv = parseCommandLine(['start'], { EDDY_PORT: 'x' });
  expect(badEnv.kind === 'error' && badEnv.message).toMatch(/EDDY_PORT/);
});

test('--help lists every option with its variable; --version is recognised', () => {
  const help = parseCommandLine(['start', '--help'], {});
  expect(help.kind).toBe('help');
  const text = help.kind === 'help' ? help.text : '';
  for (const flag of ['--port', '--host', '--listeners', '--advertised-listeners', '--data-dir', '--log-level', '--config']) {
    expect(text).toContain(flag);
  }
  for (const variable of ['EDDY_PORT', 'EDDY_HOST', 'EDDY_LISTENERS', 'EDDY_DATA_DIR', 'EDDY_LOG_LEVEL', 'EDDY_CFG_']) {
    expect(text).toContain(variable);
  }
  expect(parseCommandLine(['--help'], {}).kind).toBe('help');
  expect(parseCommandLine(['--version'], {}).kind).toBe('version');
});

test('a successful parse does not render help text nobody will see', () => {
  interface Usage {
    hasCachedHelpMessage(): boolean;
  }
  const parsed = (skip: boolean): Usage => {
    const parser = yargs(['run'])
      .command('run', 'Run', (y) => y.option('x', { type: 'string', describe: 'An option' }))
      .exitProcess(false);
    if (skip) skipHelpCaching(parser);
    void parser.parse(['run', '--x', '1'], {}, () => undefined);
    return (parser as unknown as { getInternalMethods(): { getUsageInstance(): Usage } }).getInternalMethods().getUsageInstance();
  };
  // yargs' own behaviour, which skipHelpCaching relies on (a yargs upgrade that changes it shows up here).
  expect(parsed(false).hasCachedHelpMessage()).toBe(true);
  expect(parsed(true).hasCachedHelpMessage()).toBe(false);
});

test('--log-format and EDDY_LOG_FORMAT: auto, json or pretty; anything else is refused with where it came from', () => {
  expect(startOptions(parseCommandLine(['start'], { EDDY_LOG_FORMAT: 'json' })).logFormat).toBe('json');
  expect(startOptions(parseCommandLine(['start', '--log-format', 'auto'], { EDDY_LOG_FORMAT: 'json' })).logFormat).toBe('auto');
  const bad = parseCommandLine(['start', '--log-format', 'xml'], {});
  expect(bad.kind === 'error' && bad.message).toBe('--log-format must be one of auto, json, pretty, got "xml"');
});

test('--faults names a rules file, else EDDY_FAULTS; the flag wins', () => {
  expect(startOptions(parseCommandLine(['start', '--faults', 'rules.json'], {})).faults).toBe('rules.json');
  expect(startOptions(parseCommandLine(['start'], { EDDY_FAULTS: 'env.json' })).faults).toBe('env.json');
  expect(startOptions(parseCommandLine(['start', '--faults=flag.json'], { EDDY_FAULTS: 'env.json' })).faults).toBe('flag.json');
  expect(startOptions(parseCommandLine(['start'], { EDDY_FAULTS: '' })).faults).toBeUndefined();
  expect(parseCommandLine(['start', '--faults'], {}).kind).toBe('error');
});

test('`eddy start` with plain options is parsed without yargs into what yargs makes of it; anything else goes to yargs', () => {
  const simple: readonly (readonly string[])[] = [
    ['start'],
    ['start', '--host', '127.0.0.1', '--port', '9092', '--data-dir', '/tmp/d', '--log-level', 'warn', '--http-port', '0'],
    ['start', '--no-http', '--port', '0'],
    ['start', '--http', '--http-host', '0.0.0.0', '--http-port', '18082'],
    ['start', '--host', '', '--port', '1'],
    [
      'start',
      '--listeners',
      'A://:1,B://:2',
      '--advertised-listeners',
      'A://h:1,B://h:2',
      '--config',
      'listener.security.protocol.map=A:PLAINTEXT,B:PLAINTEXT',
    ],
    ['start', '--config', 'a=1', '--port', '1', '--config', 'c=3'],
    ['start', '--log-format', 'pretty', '--ready-file', '/tmp/r.json', '--faults', 'f.json'],
    ['start', '--sasl-mechanisms', 'PLAIN', '--users-file', 'u.json', '--ssl-client-auth', 'required'],
    ['start', '--port', 'abc'],
    ['start', '--log-level', 'loud'],
  ];
  const env = { EDDY_LOG_LEVEL: 'debug', EDDY_HTTP_PORT: '1234', EDDY_SSL_KEYSTORE: '/k.pem' };
  for (const argv of simple) {
    const fast = parseCommandLine(argv, env);
    expect({ argv, parsed: fast }).toEqual({ argv, parsed: parseCommandLine(argv, env, false) });
  }
  const toYargs: readonly (readonly string[])[] = [
    ['start', '--port=1'],
    ['start', '--config', 'a=1', 'b=2'],
    ['start', '--http', 'false'],
    ['start', '--port', '1', '--port', '2'],
    ['start', '--port', '-1'],
    ['start', '--port'],
    ['start', '--nope', 'x'],
    ['start', 'extra'],
    ['start', '--help'],
    ['start', '-p', '1'],
    ['start', '--no-port'],
    ['start', '--dataDir', 'x'],
    ['start', '--', '--port', '1'],
    ['stop'],
    [],
  ];
  for (const argv of toYargs) expect({ argv, simple: simpleStartArgs(argv) }).toEqual({ argv, simple: undefined });
});
