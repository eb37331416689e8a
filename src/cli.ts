// The `eddy` command line. `eddy start` runs the broker in the foreground until SIGTERM/SIGINT. Every option
// can also come from an EDDY_* environment variable (EDDY_PORT, EDDY_DATA_DIR, ...), and any broker config from
// `--config key=value` or EDDY_CFG_<KEY> (upper case, dots as underscores: EDDY_CFG_NUM_PARTITIONS=3).
import * as path from 'path';
import { Broker } from './broker/broker';
import { BrokerConfig, BrokerConfigKeys } from './config/broker-config';
import { createLogger, type Logger } from './logger';
import { parseCommandLine, StartOptions } from './cli-args';
import { readyInfo, removeReadyFile, writeReadyFile } from './kit/ready-info';

export type { StartOptions } from './cli-args';

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
  if (opts.listeners) out[BrokerConfigKeys.LISTENERS.name] = opts.listeners;
  else if (opts.host !== undefined || opts.port !== undefined || out[BrokerConfigKeys.LISTENERS.name] === undefined) {
    out[BrokerConfigKeys.LISTENERS.name] = `PLAINTEXT://${opts.host ?? ''}:${opts.port ?? 9092}`;
  }
  if (opts.advertisedListeners) out[BrokerConfigKeys.ADVERTISED_LISTENERS.name] = opts.advertisedListeners;
  out[BrokerConfigKeys.LOG_DIRS.name] = path.resolve(opts.dataDir);
  return out;
}

/** How long after the start the idle heap trim begins watching (its check interval). */
const HEAP_TRIM_START_DELAY_MS = 1000;

export async function runStart(opts: StartOptions): Promise<void> {
  let faults: unknown;
  try {
    faults = opts.faults === undefined ? undefined : loadFaultsFile().readFaultsFile(opts.faults);
  } catch (err) {
    process.stderr.write(`eddy: --faults ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(opts.logLevel, undefined, opts.logFormat);
  // A file left by an earlier run would hand a waiting script an old address.
  if (opts.readyFile !== undefined) removeReadyFile(opts.readyFile);
  let broker: Broker;
  try {
    broker = await Broker.start({ config: new BrokerConfig(brokerOverrides(opts, process.env)), logger, faults });
  } catch (err) {
    logger.fatal({ err }, 'Eddy failed to start');
    process.exitCode = 1;
    return;
  }
  // This process is the broker's alone, so it may give back what a load made V8 grow once the load has passed.
  // The tail cache goes with it: views of produce requests that pin whole request buffers in the C heap, of no use
  // to consumers that caught up during the load (a later reader gets those batches from the page cache).
  // Started a check interval later: it acts only after seconds of quiet anyway, and its module and built-ins (v8,
  // perf_hooks: 11 modules) then load after the first requests were answered, not before.
  setTimeout(() => {
    loadHeapTrim().startHeapTrim(
      (trim) => logger.debug({ committedBeforeBytes: trim.committedBefore, committedAfterBytes: trim.committedAfter, ms: trim.ms }, 'heap trimmed after load'),
      undefined,
      () => broker.logs.dropTailCaches(),
    );
  }, HEAP_TRIM_START_DELAY_MS).unref();
  // Signals are handled from here on, so a stop during the HTTP server's start still closes the log cleanly.
  let httpStarting: Promise<{ readonly url: string; close(): Promise<void> } | null> = Promise.resolve(null);
  let signals = 0;
  const shutdown = (signal: string): void => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without clean shutdown');
      process.exit(1);
    }
    logger.info({ signal }, 'shutdown requested');
    if (opts.readyFile !== undefined) removeReadyFile(opts.readyFile);
    const httpClosed = httpStarting.then(
      (http) => http?.close(),
      () => undefined,
    );
    Promise.all([httpClosed, broker.stop()]).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (opts.http !== undefined) {
    const httpOptions = opts.http;
    httpStarting = Promise.resolve().then(() => loadHttpServer().startHttpServer(broker, httpOptions, logger));
    try {
      await httpStarting;
    } catch (err) {
      if (signals > 0) return;
      logger.fatal({ err }, 'Eddy failed to start its HTTP server');
      await broker.stop();
      process.exit(1);
    }
  }
  if (opts.readyFile !== undefined && signals === 0) {
    const http = await httpStarting;
    if (!announceReady(opts.readyFile, broker, http?.url ?? null, logger)) {
      await Promise.all([http?.close(), broker.stop()]);
      process.exit(1);
    }
  }
}

/** Writes the ready file and prints the same JSON as one line on stdout; false (logged) when the file cannot be written. */
function announceReady(file: string, broker: Broker, httpUrl: string | null, logger: Logger): boolean {
  const info = readyInfo(broker, httpUrl);
  try {
    writeReadyFile(file, info);
  } catch (err) {
    logger.fatal({ err, file }, 'Eddy could not write its ready file');
    return false;
  }
  process.stdout.write(`${JSON.stringify(info)}\n`);
  return true;
}

function packageVersion(): string {
  // Required only when asked, so the start path does not pay for it. A literal require of the file, not a path
  // built from __dirname: it holds from dist/src/cli.js and from the start bundle, which carries package.json.
  const pkg = require('../../package.json') as { version?: string };
  return pkg.version ?? 'unknown';
}

/**
 * A module required by a computed path: esbuild then leaves it out of the start bundle, which `eddy start` loads
 * whole, and it loads from the compiled files when first needed. The code runs from dist/src/cli.js or from the
 * bundle, dist/start-bundle.js, where __dirname is dist/.
 */
function requireLate(...segments: string[]): unknown {
  const distSrc = path.basename(__dirname) === 'src' ? __dirname : path.join(__dirname, 'src');
  return require(path.join(distSrc, ...segments));
}

/** The tools: not needed to start a broker. */
function loadTools(): typeof import('./tools/main') {
  return requireLate('tools', 'main.js') as typeof import('./tools/main');
}

/** The idle heap trim (broker/heap-trim.ts); a literal path, so it stays in the start bundle, run on first use. */
function loadHeapTrim(): typeof import('./broker/heap-trim') {
  return require('./broker/heap-trim') as typeof import('./broker/heap-trim');
}

/** The fault rules file's reader: needed only with --faults; a literal path, as its rules go to the broker's own fault code. */
function loadFaultsFile(): typeof import('./faults/faults-file') {
  return require('./faults/faults-file') as typeof import('./faults/faults-file');
}

/**
 * The HTTP server, required when first needed (after the Kafka listeners are bound) but by a literal path: the
 * start bundle then holds Eddy's HTTP code, which must share the broker's classes (an error the broker throws is
 * recognised by the routes), while fastify and the other HTTP packages load from node_modules at that moment.
 */
function loadHttpServer(): typeof import('./http/http-server') {
  return require('./http/http-server') as typeof import('./http/http-server');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const command = parseCommandLine(argv, env);
  switch (command.kind) {
    case 'start':
      await runStart(command.options);
      return;
    case 'help':
      process.stdout.write(command.text);
      return;
    case 'version':
      process.stdout.write(`${packageVersion()}\n`);
      return;
    case 'tool':
      process.exitCode = await loadTools().runTool(command.argv, env);
      return;
    case 'error':
      process.stderr.write(`${command.help}\n${command.message}\n`);
      process.exitCode = 1;
      return;
  }
}
