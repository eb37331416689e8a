// The `eddy` command line, parsed by yargs into a plain description of what to do (start with these options, print
// help or the version, or refuse), so that cli.ts acts on it and tests can check parsing without starting anything.
// yargs is in the start bundle (build/start-bundle.ts), with its code cache, but runs only when a command line is
// more than `eddy start` with plain options (simpleStartArgs): it is required when first needed.
// The 'yargs/yargs' entry is the same parser without the package's singleton, which the main entry builds (and
// binds every method of) from process.argv at load time; Eddy never uses it.
import type YargsFactory from 'yargs/yargs';
import type { Argv } from 'yargs';
import { LOG_FORMATS, type LogFormat, type LogLevel } from './logger';
import { envVariableOf, SECURITY_FLAGS, securityConfigPairs } from './security/cli-flags';
import { isToolCommand, withToolCommands } from './tools/commands';

export interface StartOptions {
  port?: number;
  host?: string;
  listeners?: string;
  advertisedListeners?: string;
  dataDir: string;
  logLevel: LogLevel;
  /** Absent: auto. */
  logFormat?: LogFormat;
  config: readonly string[];
  /** The HTTP console, metrics and admin endpoint (src/http); absent when turned off with --no-http. */
  http?: { readonly host: string; readonly port: number; readonly portIsDefault: boolean };
  /** Where to write the ready file (src/kit/ready-info.ts) once every listener is bound. */
  readyFile?: string;
  /** A JSON file of fault rules in force from the start (src/faults). */
  faults?: string;
}

export type ParsedCommand =
  | { readonly kind: 'start'; readonly options: StartOptions }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' }
  | { readonly kind: 'tool'; readonly argv: readonly string[] }
  | { readonly kind: 'error'; readonly message: string; readonly help: string };

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const DEFAULT_DATA_DIR = './eddy-data';

type EnvBacked =
  | 'port'
  | 'host'
  | 'listeners'
  | 'advertised-listeners'
  | 'data-dir'
  | 'log-level'
  | 'log-format'
  | 'http'
  | 'http-port'
  | 'http-host'
  | 'ready-file'
  | 'faults';

/** Kept beside the server's own defaults (src/http/http-server.ts) rather than imported: that module loads late. */
const DEFAULT_HTTP_PORT = 8082;
const DEFAULT_HTTP_HOST = '127.0.0.1';

const EPILOGUE =
  'Each option can also come from the EDDY_ variable in brackets; flags win. Any broker config can also be set ' +
  'with EDDY_CFG_<NAME> (upper case, dots as underscores), e.g. EDDY_CFG_NUM_PARTITIONS=3.';

/** The start options' values from EDDY_* variables; read by hand so other EDDY_ variables never trip parsing. */
function envDefaults(env: NodeJS.ProcessEnv): Partial<Record<EnvBacked, string>> {
  const nonEmpty = (v: string | undefined): string | undefined => (v === '' ? undefined : v);
  return {
    port: nonEmpty(env.EDDY_PORT),
    // An empty EDDY_HOST is meaningful: bind every interface.
    host: env.EDDY_HOST,
    listeners: nonEmpty(env.EDDY_LISTENERS),
    'advertised-listeners': nonEmpty(env.EDDY_ADVERTISED_LISTENERS),
    'data-dir': nonEmpty(env.EDDY_DATA_DIR),
    'log-level': nonEmpty(env.EDDY_LOG_LEVEL),
    'log-format': nonEmpty(env.EDDY_LOG_FORMAT),
    http: nonEmpty(env.EDDY_HTTP),
    'http-port': nonEmpty(env.EDDY_HTTP_PORT),
    'http-host': nonEmpty(env.EDDY_HTTP_HOST),
    'ready-file': nonEmpty(env.EDDY_READY_FILE),
    faults: nonEmpty(env.EDDY_FAULTS),
  };
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port)) throw new Error(`${source} must be a port number, got "${value}"`);
  return port;
}

function parseLogFormat(value: string, source: string): LogFormat {
  const format = LOG_FORMATS.find((f) => f === value);
  if (format === undefined) throw new Error(`${source} must be one of ${LOG_FORMATS.join(', ')}, got "${value}"`);
  return format;
}

function parseSwitch(value: string, source: string): boolean {
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new Error(`${source} must be true or false, got "${value}"`);
}

function httpOptions(args: Record<string, unknown>, fromEnv: Partial<Record<EnvBacked, string>>): StartOptions['http'] {
  const enabled = typeof args.http === 'boolean' ? args.http : fromEnv.http === undefined ? true : parseSwitch(fromEnv.http, 'EDDY_HTTP');
  if (!enabled) return undefined;
  const portFlag = typeof args['http-port'] === 'string' ? args['http-port'] : undefined;
  const port = portFlag ?? fromEnv['http-port'];
  const hostFlag = typeof args['http-host'] === 'string' ? args['http-host'] : undefined;
  return {
    host: hostFlag ?? fromEnv['http-host'] ?? DEFAULT_HTTP_HOST,
    port: port === undefined ? DEFAULT_HTTP_PORT : parsePort(port, portFlag !== undefined ? '--http-port' : 'EDDY_HTTP_PORT'),
    portIsDefault: port === undefined,
  };
}

function parseLogLevel(value: string, source: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === value);
  if (level === undefined) throw new Error(`${source} must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  return level;
}

/**
 * The parser. Values stay strings here and are checked in startOptions, so that a bad EDDY_PORT and a bad --port
 * get the same kind of message naming where the value came from.
 */
function commandLine(argv: readonly string[]): Argv {
  const yargs = require('yargs/yargs') as typeof YargsFactory;
  return yargs([...argv])
    .scriptName('eddy')
    .command('start', 'Run the broker in the foreground', (y) =>
      y
        .option('port', { type: 'string', requiresArg: true, describe: 'Port of the PLAINTEXT listener (default 9092) [EDDY_PORT]' })
        .option('host', {
          type: 'string',
          requiresArg: false,
          describe: 'Interface to bind; empty means all interfaces (default: all; clients are told "localhost") [EDDY_HOST]',
        })
        .option('listeners', {
          type: 'string',
          requiresArg: true,
          describe: 'Kafka-style listener list, e.g. "HOST://0.0.0.0:9092,DOCKER://0.0.0.0:29092" (overrides --host/--port) [EDDY_LISTENERS]',
        })
        .option('advertised-listeners', {
          type: 'string',
          requiresArg: true,
          describe: 'Addresses given to clients per listener name, e.g. "HOST://localhost:9092,DOCKER://eddy:29092" [EDDY_ADVERTISED_LISTENERS]',
        })
        .option('data-dir', {
          type: 'string',
          requiresArg: true,
          describe: `Directory for logs and metadata, created if missing (default ${DEFAULT_DATA_DIR}) [EDDY_DATA_DIR]`,
        })
        .option('log-level', { type: 'string', requiresArg: true, describe: `Log verbosity: ${LOG_LEVELS.join(', ')} (default info) [EDDY_LOG_LEVEL]` })
        .option('log-format', {
          type: 'string',
          requiresArg: true,
          describe: 'Log lines: json (for machines), pretty (for people), auto: pretty on a terminal, else json (default auto) [EDDY_LOG_FORMAT]',
        })
        .option('http', {
          type: 'boolean',
          describe: 'Serve the HTTP console, /metrics and the admin endpoint; --no-http turns them off (default on) [EDDY_HTTP]',
        })
        .option('http-port', {
          type: 'string',
          requiresArg: true,
          describe: `Port of the HTTP console, /metrics and admin endpoint (default ${DEFAULT_HTTP_PORT}; 0 picks a free one) [EDDY_HTTP_PORT]`,
        })
        .option('http-host', {
          type: 'string',
          requiresArg: true,
          describe: `Interface the HTTP console binds (default ${DEFAULT_HTTP_HOST}, loopback only; 0.0.0.0 for all) [EDDY_HTTP_HOST]`,
        })
        .option('ready-file', {
          type: 'string',
          requiresArg: true,
          describe:
            'Once every listener (and the HTTP server) is bound, write {bootstrap, listeners, http, pid} as JSON to this file (replaced atomically, removed on shutdown) and print it on stdout [EDDY_READY_FILE]',
        })
        .option('faults', {
          type: 'string',
          requiresArg: true,
          describe: 'JSON file of fault rules in force from the start (see "Fault injection" in the README) [EDDY_FAULTS]',
        })
        .option('config', {
          type: 'string',
          array: true,
          describe: 'Any Kafka broker config as key=value (repeatable), e.g. --config num.partitions=3',
        })
        .options(
          Object.fromEntries(
            SECURITY_FLAGS.map((f) => [f.flag, { type: 'string', requiresArg: true, describe: `${f.describe} [${envVariableOf(f)}]` } as const]),
          ),
        )
        .epilogue(EPILOGUE),
    )
    .demandCommand(1, 'Say what to do, e.g. `eddy start`')
    .strict()
    .epilogue(EPILOGUE)
    .help()
    .version(false)
    .option('version', { type: 'boolean', describe: 'Show the version' })
    .exitProcess(false);
}

/** The part of yargs' internals skipHelpCaching touches (public methods of its instance, absent from its types). */
interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } | undefined;
}

/**
 * After every command it runs, yargs renders that command's whole help (column layout and all) and keeps it, to
 * print should the command's handler fail later. Eddy's commands have no yargs handler, so that text is never
 * shown, and rendering it is a good part of what parsing `eddy start` costs. Help that is asked for (--help, or
 * after an error) is rendered when it is asked for, as before. On a yargs without these methods, nothing changes.
 */
export function skipHelpCaching(parser: Argv): Argv {
  const usage = (parser as unknown as YargsInternals).getInternalMethods?.()?.getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
  return parser;
}

interface YargsOutcome {
  readonly error: Error | null;
  readonly args: Record<string, unknown>;
  readonly output: string;
}

/** Runs yargs with a parse callback: it then neither prints nor exits, and hands back the text it would print. */
function runYargs(argv: readonly string[]): YargsOutcome {
  let outcome: YargsOutcome | undefined;
  void skipHelpCaching(withToolCommands(commandLine(argv))).parse([...argv], {}, (error, args, output) => {
    outcome = { error: error ?? null, args: args, output };
  });
  if (outcome === undefined) throw new Error('yargs did not parse the command line synchronously');
  return outcome;
}

/** yargs ends its error output with the message itself; the help part is what comes before it. */
function helpBefore(output: string, message: string): string {
  const at = output.lastIndexOf(message);
  return (at > 0 ? output.slice(0, at) : output).trimEnd();
}

/** `eddy start`'s options that take one string value: all the fast path below knows besides --config and --http. */
const START_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  'port',
  'host',
  'listeners',
  'advertised-listeners',
  'data-dir',
  'log-level',
  'log-format',
  'http-port',
  'http-host',
  'ready-file',
  'faults',
  ...SECURITY_FLAGS.map((f) => f.flag),
]);

/**
 * What yargs makes of `eddy start` followed only by `--option value` pairs of its string options, `--config
 * key=value` and a bare `--http` or `--no-http`, each option but --config given once: the arguments startOptions
 * reads, without running yargs, which costs ~3 ms of a start (its parser and the command's option table; the start
 * bundle has it compiled already). Anything else returns undefined and goes to yargs, which parses, refuses or
 * explains it: another command, --help, an unknown or repeated option, `--option=value`, a value that starts with
 * '-', several values after one --config. test/unit/cli/cli-args.test.ts checks both give the same options.
 */
export function simpleStartArgs(argv: readonly string[]): Record<string, unknown> | undefined {
  if (argv[0] !== 'start') return undefined;
  const args: Record<string, unknown> = {};
  const config: string[] = [];
  const isValue = (token: string | undefined): token is string => token !== undefined && !token.startsWith('-');
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith('--')) return undefined;
    const name = token.slice(2);
    const value = argv[i + 1];
    if (name === 'http' || name === 'no-http') {
      // yargs gives a boolean option the true or false that may follow it.
      if (isValue(value) || 'http' in args) return undefined;
      args.http = name === 'http';
    } else if (name === 'config') {
      // An array option takes every value up to the next flag.
      if (!isValue(value) || isValue(argv[i + 2])) return undefined;
      config.push(value);
      i++;
    } else if (START_VALUE_OPTIONS.has(name)) {
      if (!isValue(value) || name in args) return undefined;
      args[name] = value;
      i++;
    } else {
      return undefined;
    }
  }
  if (config.length > 0) args.config = config;
  return args;
}

/** `simple: false` parses with yargs only (tests compare both ways). */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv, simple = true): ParsedCommand {
  if (isToolCommand(argv)) return { kind: 'tool', argv };
  if (argv.includes('--version')) return { kind: 'version' };
  const simpleArgs = simple ? simpleStartArgs(argv) : undefined;
  if (simpleArgs !== undefined) return checkedStart(simpleArgs, env);
  const { error, args, output } = runYargs(argv);
  if (error !== null) return { kind: 'error', message: error.message, help: helpBefore(output, error.message) };
  if (args.help === true) return { kind: 'help', text: output.endsWith('\n') ? output : `${output}\n` };
  return checkedStart(args, env);
}

function checkedStart(args: Record<string, unknown>, env: NodeJS.ProcessEnv): ParsedCommand {
  try {
    return { kind: 'start', options: startOptions(args, env) };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err), help: runYargs(['start', '--help']).output };
  }
}

function startOptions(args: Record<string, unknown>, env: NodeJS.ProcessEnv): StartOptions {
  const fromEnv = envDefaults(env);
  const flag = (name: EnvBacked): string | undefined => {
    const v = args[name];
    return typeof v === 'string' ? v : undefined;
  };
  const port = flag('port') ?? fromEnv.port;
  const logLevel = flag('log-level') ?? fromEnv['log-level'];
  const logFormat = flag('log-format') ?? fromEnv['log-format'];
  // Security flags become broker configs after --config's, so that a flag wins as everywhere else.
  const config = [...(Array.isArray(args.config) ? args.config.map(String) : []), ...securityConfigPairs(args, env)];
  return {
    port: port === undefined ? undefined : parsePort(port, flag('port') !== undefined ? '--port' : 'EDDY_PORT'),
    host: flag('host') ?? fromEnv.host,
    listeners: flag('listeners') ?? fromEnv.listeners,
    advertisedListeners: flag('advertised-listeners') ?? fromEnv['advertised-listeners'],
    dataDir: flag('data-dir') ?? fromEnv['data-dir'] ?? DEFAULT_DATA_DIR,
    logLevel: logLevel === undefined ? 'info' : parseLogLevel(logLevel, flag('log-level') !== undefined ? '--log-level' : 'EDDY_LOG_LEVEL'),
    logFormat: logFormat === undefined ? 'auto' : parseLogFormat(logFormat, flag('log-format') !== undefined ? '--log-format' : 'EDDY_LOG_FORMAT'),
    config,
    http: httpOptions(args, fromEnv),
    readyFile: flag('ready-file') ?? fromEnv['ready-file'],
    faults: flag('faults') ?? fromEnv.faults,
  };
}
