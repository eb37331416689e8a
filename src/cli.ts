// The `eddy` command line. `eddy start` runs the broker in the foreground until SIGTERM/SIGINT. Every option
// can also come from an EDDY_* environment variable (EDDY_PORT, EDDY_DATA_DIR, ...), and any broker config from
// `--config key=value` or EDDY_CFG_<KEY> (upper case, dots as underscores: EDDY_CFG_NUM_PARTITIONS=3).
import * as path from 'path';
import yargs from 'yargs';
import { Broker } from './broker';
import { BrokerConfig } from './config/broker-config';
import { createLogger, LogLevel } from './logger';

export interface StartOptions {
  port?: number;
  host?: string;
  listeners?: string;
  advertisedListeners?: string;
  dataDir: string;
  logLevel: LogLevel;
  config: readonly string[];
}

/** Folds CLI flags, --config pairs and EDDY_CFG_* variables into one broker config map. Flags win. */
export function brokerOverrides(opts: StartOptions, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('EDDY_CFG_') && value !== undefined) {
      out[key.slice('EDDY_CFG_'.length).toLowerCase().replace(/_/g, '.')] = value;
    }
  }
  for (const pair of opts.config) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--config expects key=value, got "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  if (opts.listeners) out['listeners'] = opts.listeners;
  else if (opts.host !== undefined || opts.port !== undefined || out['listeners'] === undefined) {
    out['listeners'] = `PLAINTEXT://${opts.host ?? ''}:${opts.port ?? 9092}`;
  }
  if (opts.advertisedListeners) out['advertised.listeners'] = opts.advertisedListeners;
  out['log.dirs'] = path.resolve(opts.dataDir);
  return out;
}

export async function runStart(opts: StartOptions): Promise<void> {
  const logger = createLogger(opts.logLevel);
  let broker: Broker;
  try {
    broker = await Broker.start({ config: new BrokerConfig(brokerOverrides(opts, process.env)), logger });
  } catch (err) {
    logger.fatal({ err }, 'Eddy failed to start');
    process.exitCode = 1;
    return;
  }
  let signals = 0;
  const shutdown = (signal: string): void => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without clean shutdown');
      process.exit(1);
    }
    logger.info({ signal }, 'shutdown requested');
    broker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * EDDY_* variables for the start options. Read by hand rather than with yargs' env() so that other EDDY_
 * variables (EDDY_CFG_* broker configs, or anything a user's environment carries) never trip strict parsing.
 */
function envDefaults(env: NodeJS.ProcessEnv): {
  port?: number;
  host?: string;
  listeners?: string;
  advertisedListeners?: string;
  dataDir?: string;
  logLevel?: string;
} {
  const port = env.EDDY_PORT === undefined || env.EDDY_PORT === '' ? undefined : Number(env.EDDY_PORT);
  if (port !== undefined && !Number.isInteger(port)) throw new Error(`EDDY_PORT must be a port number, got "${env.EDDY_PORT}"`);
  return {
    port,
    host: env.EDDY_HOST,
    listeners: env.EDDY_LISTENERS || undefined,
    advertisedListeners: env.EDDY_ADVERTISED_LISTENERS || undefined,
    dataDir: env.EDDY_DATA_DIR || undefined,
    logLevel: env.EDDY_LOG_LEVEL || undefined,
  };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const fromEnv = envDefaults(env);
  await yargs(argv)
    .scriptName('eddy')
    .command(
      'start',
      'Run the broker in the foreground',
      (y) =>
        y
          .option('port', {
            type: 'number',
            default: fromEnv.port,
            describe: 'Port of the PLAINTEXT listener (default 9092) [EDDY_PORT]',
          })
          .option('host', {
            type: 'string',
            default: fromEnv.host,
            describe: 'Interface to bind; empty means all interfaces (default: all; clients are told "localhost") [EDDY_HOST]',
          })
          .option('listeners', {
            type: 'string',
            default: fromEnv.listeners,
            describe:
              'Kafka-style listener list, e.g. "HOST://0.0.0.0:9092,DOCKER://0.0.0.0:29092" (overrides --host/--port) [EDDY_LISTENERS]',
          })
          .option('advertised-listeners', {
            type: 'string',
            default: fromEnv.advertisedListeners,
            describe:
              'Addresses given to clients per listener name, e.g. "HOST://localhost:9092,DOCKER://eddy:29092" [EDDY_ADVERTISED_LISTENERS]',
          })
          .option('data-dir', {
            type: 'string',
            default: fromEnv.dataDir ?? './eddy-data',
            describe: 'Directory for logs and metadata, created if missing [EDDY_DATA_DIR]',
          })
          .option('log-level', {
            choices: LOG_LEVELS,
            default: (fromEnv.logLevel ?? 'info') as (typeof LOG_LEVELS)[number],
            describe: 'Log verbosity [EDDY_LOG_LEVEL]',
          })
          .option('config', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe: 'Any Kafka broker config as key=value (repeatable), e.g. --config num.partitions=3',
          }),
      async (args) => {
        await runStart({
          port: args.port,
          host: args.host,
          listeners: args.listeners,
          advertisedListeners: args['advertised-listeners'],
          dataDir: args['data-dir'],
          logLevel: args['log-level'],
          config: args.config,
        });
      },
    )
    .demandCommand(1, 'Say what to do, e.g. `eddy start`')
    .strict()
    .epilogue(
      'Each option can also come from the EDDY_ variable in brackets; flags win. Any broker config can also be set\n' +
        'with EDDY_CFG_<NAME> (upper case, dots as underscores), e.g. EDDY_CFG_NUM_PARTITIONS=3.',
    )
    .help()
    .parseAsync();
}
