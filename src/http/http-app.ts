// The HTTP application: fastify with every route module registered. Loaded and built on the first HTTP request
// (http-server.ts), so a broker that nobody browses never pays for fastify, its plugins or its schema compilers.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Broker } from '../broker/broker';
import type { Logger } from '../logger';
import type { HttpContext } from './http-context';
import { lazyCompilersFactory } from './lazy-schema-compilers';
import { ROUTE_MODULES } from './route-modules';

/** Request bodies above this are refused with 413 before they are parsed (a produced record's value included). */
export const DEFAULT_HTTP_BODY_LIMIT = 16 * 1024 * 1024;

/** Builds the app with every route module registered, not yet listening (tests may run it on their own server). */
export async function buildHttpApp(broker: Broker, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: DEFAULT_HTTP_BODY_LIMIT, schemaController: { compilersFactory: lazyCompilersFactory() } });
  const context: HttpContext = { broker, logger: logger.child({ component: 'http' }) };
  for (const register of ROUTE_MODULES) await register(app, context);
  return app;
}
