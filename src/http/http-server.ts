// The broker's HTTP server: the console's JSON API and web UI, Prometheus metrics and the fault-injection admin
// endpoint share one port. The port is bound at start with Node's own http server; the application behind it
// (fastify and every route module, http-app.ts) is loaded and built on the first request. Building it takes a few
// hundred milliseconds of synchronous work (loading the framework, compiling schemas), which at start would hold
// back the Kafka clients connecting at that moment; the first HTTP request waits for it instead, once.
import * as http from 'http';
import type { FastifyInstance } from 'fastify';
import type { Broker } from '../broker/broker';
import type { Logger } from '../logger';

/** Confluent REST Proxy's port: its v3 paths are served here, so tools pointed at a REST proxy find them. */
export const DEFAULT_HTTP_PORT = 8082;
/** Loopback by default: the console can change data, so exposing it is the user's explicit choice. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';

export interface HttpServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * True when the port was not chosen by the user: a port already taken then leaves the broker running without
   * HTTP (a warning says so), so that a second broker started with defaults still starts.
   */
  readonly portIsDefault?: boolean;
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:8082 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The application module, required by a literal path on the first request (the start bundle holds Eddy's part). */
function loadHttpApp(): typeof import('./http-app') {
  return require('./http-app') as typeof import('./http-app');
}

/** Starts the server; null when the default port was taken (logged), the error when a chosen one was. */
export async function startHttpServer(broker: Broker, options: HttpServerOptions, logger: Logger): Promise<RunningHttpServer | null> {
  let app: Promise<FastifyInstance> | null = null;
  const builtApp = (): Promise<FastifyInstance> =>
    (app ??= loadHttpApp()
      .buildHttpApp(broker, logger)
      .then(async (built) => {
        await built.ready();
        return built;
      }));
  const server = http.createServer((req, res) => {
    builtApp().then(
      (built) => built.routing(req, res),
      (err: unknown) => {
        logger.error({ err }, 'HTTP application failed to start');
        res.statusCode = 500;
        res.end();
      },
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.host, port: options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    if (options.portIsDefault === true && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      logger.warn(
        { host: options.host, port: options.port },
        'HTTP port in use: console, metrics and admin endpoint not started (choose one with --http-port)',
      );
      return null;
    }
    throw err;
  }
  server.on('error', (err) => logger.error({ err }, 'HTTP server error'));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host || '127.0.0.1';
  const url = `http://${host}:${port}`;
  logger.info({ url }, 'HTTP console listening');
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // The app's close ends its open streams (/api/live); idle keep-alive sockets would hold server.close() open.
    if (app !== null) await (await app).close();
    server.closeAllConnections();
    await closed;
  };
  return { url, port, close };
}
