// What every HTTP route module receives, kept apart from the module list so that routes import it without a loop.
import type { FastifyInstance } from 'fastify';
import type { Broker } from '../broker/broker';
import type { Logger } from '../logger';

/** The running broker and a logger tagged for HTTP. */
export interface HttpContext {
  readonly broker: Broker;
  readonly logger: Logger;
}

export type HttpRouteModule = (app: FastifyInstance, context: HttpContext) => void | Promise<void>;
