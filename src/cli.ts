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

export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('eddy')
    .env('EDDY')
    .command(
      'start',
      'Run the broker in the foreground',
      (y) =>
        y
          .option('port', { type: 'number', describe: 'Port of the PLAINTEXT listener (default 9092)' })
          .option('host', {
            type: 'string',
            describe: 'Interface to bind; empty means all interfaces (default: all; clients are told "localhost")',
          })
          .option('listeners', {
            type: 'string',
            describe: 'Kafka-style listener list, e.g. "HOST://0.0.0.0:9092,DOCKER://0.0.0.0:29092" (overrides --host/--port)',
          })
          .option('advertised-listeners', {
            type: 'string',
            describe: 'Addresses given to clients per listener name, e.g. "HOST://localhost:9092,DOCKER://eddy:29092"',
          })
          .option('data-dir', { type: 'string', default: './eddy-data', describe: 'Directory for logs and metadata' })
          .option('log-level', {
            choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
            default: 'info' as const,
            describe: 'Log verbosity',
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
      'Every option can also be set with an EDDY_ variable (EDDY_PORT, EDDY_HOST, EDDY_DATA_DIR, EDDY_LISTENERS,\n' +
        'EDDY_ADVERTISED_LISTENERS, EDDY_LOG_LEVEL); broker configs with EDDY_CFG_<NAME>, e.g. EDDY_CFG_NUM_PARTITIONS=3.',
    )
    .help()
    .parseAsync();
}
