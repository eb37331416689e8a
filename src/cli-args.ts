// The `eddy` command line, parsed with Node's own util.parseArgs. A hand-written parser replaced yargs because
// yargs and its dozen dependencies cost more to load than the rest of the broker's start path put together
// (measured: ~40-60 ms of a ~350 ms start), and Eddy has one command with seven options.
import { parseArgs } from 'util';
import type { LogLevel } from './logger';

export interface StartOptions {
  port?: number;
  host?: string;
  listeners?: string;
  advertisedListeners?: string;
  dataDir: string;
  logLevel: LogLevel;
  config: readonly string[];
}

export type ParsedCommand =
  | { readonly kind: 'start'; readonly options: StartOptions }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly message: string; readonly help: string };

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const DEFAULT_DATA_DIR = './eddy-data';

interface OptionDoc {
  readonly flag: string;
  readonly describe: string;
}

const START_OPTION_DOCS: readonly OptionDoc[] = [
  { flag: '--port <number>', describe: 'Port of the PLAINTEXT listener (default 9092) [EDDY_PORT]' },
  {
    flag: '--host <address>',
    describe: 'Interface to bind; empty means all interfaces (default: all; clients are told "localhost") [EDDY_HOST]',
  },
  {
    flag: '--listeners <list>',
    describe:
      'Kafka-style listener list, e.g. "HOST://0.0.0.0:9092,DOCKER://0.0.0.0:29092" (overrides --host/--port) [EDDY_LISTENERS]',
  },
  {
    flag: '--advertised-listeners <list>',
    describe: 'Addresses given to clients per listener name, e.g. "HOST://localhost:9092,DOCKER://eddy:29092" [EDDY_ADVERTISED_LISTENERS]',
  },
  { flag: '--data-dir <dir>', describe: `Directory for logs and metadata, created if missing (default ${DEFAULT_DATA_DIR}) [EDDY_DATA_DIR]` },
  { flag: '--log-level <level>', describe: `Log verbosity: ${LOG_LEVELS.join(', ')} (default info) [EDDY_LOG_LEVEL]` },
  { flag: '--config <key=value>', describe: 'Any Kafka broker config (repeatable), e.g. --config num.partitions=3' },
  { flag: '--help', describe: 'Show this help' },
  { flag: '--version', describe: 'Show the version' },
];

const EPILOGUE =
  'Each option can also come from the EDDY_ variable in brackets; flags win. Any broker config can also be set\n' +
  'with EDDY_CFG_<NAME> (upper case, dots as underscores), e.g. EDDY_CFG_NUM_PARTITIONS=3.';

function formatOptions(docs: readonly OptionDoc[]): string {
  const width = Math.max(...docs.map((d) => d.flag.length)) + 2;
  return docs.map((d) => `  ${d.flag.padEnd(width)}${d.describe}`).join('\n');
}

export const START_HELP = `eddy start [options]

Run the broker in the foreground

Options:
${formatOptions(START_OPTION_DOCS)}

${EPILOGUE}
`;

export const TOP_HELP = `eddy <command> [options]

Commands:
  eddy start  Run the broker in the foreground

Options:
${formatOptions([
  { flag: '--help', describe: 'Show this help' },
  { flag: '--version', describe: 'Show the version' },
])}

${EPILOGUE}
`;

const PARSE_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  listeners: { type: 'string' },
  'advertised-listeners': { type: 'string' },
  'data-dir': { type: 'string' },
  'log-level': { type: 'string' },
  config: { type: 'string', multiple: true },
  help: { type: 'boolean' },
  version: { type: 'boolean' },
} as const;

/** The start options' values from EDDY_* variables; read by hand so other EDDY_ variables never trip parsing. */
function envDefaults(env: NodeJS.ProcessEnv): Partial<Record<keyof typeof PARSE_OPTIONS, string>> {
  const nonEmpty = (v: string | undefined): string | undefined => (v === '' ? undefined : v);
  return {
    port: nonEmpty(env.EDDY_PORT),
    // An empty EDDY_HOST is meaningful: bind every interface.
    host: env.EDDY_HOST,
    listeners: nonEmpty(env.EDDY_LISTENERS),
    'advertised-listeners': nonEmpty(env.EDDY_ADVERTISED_LISTENERS),
    'data-dir': nonEmpty(env.EDDY_DATA_DIR),
    'log-level': nonEmpty(env.EDDY_LOG_LEVEL),
  };
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port)) throw new Error(`${source} must be a port number, got "${value}"`);
  return port;
}

function parseLogLevel(value: string, source: string): LogLevel {
  const level = LOG_LEVELS.find((l) => l === value);
  if (level === undefined) throw new Error(`${source} must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  return level;
}

/**
 * `--config a=1 b=2` takes every key=value that follows it, as the yargs array option it replaces did; any other
 * positional after the command is an error.
 */
function splitPositionals(
  tokens: ReturnType<typeof parseArgs>['tokens'],
): { command: string | undefined; configs: string[]; unexpected: string[] } {
  let command: string | undefined;
  const configs: string[] = [];
  const unexpected: string[] = [];
  let previousWasConfig = false;
  for (const token of tokens ?? []) {
    if (token.kind === 'option') {
      previousWasConfig = token.name === 'config';
      if (previousWasConfig && token.value !== undefined) configs.push(token.value);
      continue;
    }
    if (token.kind !== 'positional') continue;
    if (command === undefined && !previousWasConfig) command = token.value;
    else if (previousWasConfig && token.value.includes('=')) configs.push(token.value);
    else unexpected.push(token.value);
  }
  return { command, configs, unexpected };
}

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: PARSE_OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err), help: TOP_HELP };
  }
  const { values } = parsed;
  const { command, configs, unexpected } = splitPositionals(parsed.tokens);
  if (values.version) return { kind: 'version' };
  if (command === undefined) {
    if (values.help) return { kind: 'help', text: TOP_HELP };
    return { kind: 'error', message: 'Say what to do, e.g. `eddy start`', help: TOP_HELP };
  }
  if (command !== 'start') return { kind: 'error', message: `Unknown command: ${command}`, help: TOP_HELP };
  if (values.help) return { kind: 'help', text: START_HELP };
  if (unexpected.length > 0) return { kind: 'error', message: `Unknown argument: ${unexpected.join(', ')}`, help: START_HELP };
  try {
    return { kind: 'start', options: startOptions(values, configs, env) };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err), help: START_HELP };
  }
}

function startOptions(
  values: Partial<Record<keyof typeof PARSE_OPTIONS, string | boolean | string[]>>,
  configs: string[],
  env: NodeJS.ProcessEnv,
): StartOptions {
  const fromEnv = envDefaults(env);
  const flag = (name: keyof typeof PARSE_OPTIONS): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const port = flag('port') ?? fromEnv.port;
  const logLevel = flag('log-level') ?? fromEnv['log-level'];
  return {
    port: port === undefined ? undefined : parsePort(port, flag('port') !== undefined ? '--port' : 'EDDY_PORT'),
    host: flag('host') ?? fromEnv.host,
    listeners: flag('listeners') ?? fromEnv.listeners,
    advertisedListeners: flag('advertised-listeners') ?? fromEnv['advertised-listeners'],
    dataDir: flag('data-dir') ?? fromEnv['data-dir'] ?? DEFAULT_DATA_DIR,
    logLevel:
      logLevel === undefined
        ? 'info'
        : parseLogLevel(logLevel, flag('log-level') !== undefined ? '--log-level' : 'EDDY_LOG_LEVEL'),
    config: configs,
  };
}
