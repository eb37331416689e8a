// The broker's HTTP server: the console's JSON API and web UI, Prometheus metrics and the fault-injection admin
// endpoint share one port. It is started after the Kafka listeners are bound and loaded only then (the CLI requires
// it by a computed path), so the framework never delays a client's first answer. Each concern registers its own
// routes (route-modules.ts); this file owns only the server's life: bind, log, close.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Broker } from '../broker/broker';
import type { Logger } from '../logger';
import type { HttpContext } from './http-context';
import { ROUTE_MODULES } from './route-modules';

/** Confluent REST Proxy's port: its v3 paths are served here, so tools pointed at a REST proxy find them. */
export const DEFAULT_HTTP_PORT = 8082;
/** Loopback by default: the console can change data, so exposing it is the user's explicit choice. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';
/** Request bodies above this are refused with 413 before they are parsed (a produced record's value included). */
export const DEFAULT_HTTP_BODY_LIMIT = 16 * 1024 * 1024;

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

/** Builds the app with every route module registered, not yet listening (tests inject requests into it directly). */
export async function buildHttpApp(broker: Broker, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: DEFAULT_HTTP_BODY_LIMIT });
  const context: HttpContext = { broker, logger: logger.child({ component: 'http' }) };
  for (const register of ROUTE_MODULES) await register(app, context);
  return app;
}

/** Starts the server; null when the default port was taken (logged), the error when a chosen one was. */
export async function startHttpServer(broker: Broker, options: HttpServerOptions, logger: Logger): Promise<RunningHttpServer | null> {
  const app = await buildHttpApp(broker, logger);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await app.close();
    if (options.portIsDefault === true && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      logger.warn(
        { host: options.host, port: options.port },
        'HTTP port in use: console, metrics and admin endpoint not started (choose one with --http-port)',
      );
      return null;
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host || '127.0.0.1';
  const url = `http://${host}:${port}`;
  logger.info({ url }, 'HTTP console listening');
  return { url, port, close: () => app.close() };
}
