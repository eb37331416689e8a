// Each console API route module registers its routes in its own fastify scope with the REST error handler, so
// every refusal answers `{ error_code, message }` while routes of other concerns (metrics, UI assets) keep theirs.
import type { FastifyInstance } from 'fastify';
import type { HttpContext, HttpRouteModule } from '../http-context';
import { restErrorHandler } from './rest-errors';

export function consoleRoutes(register: (app: FastifyInstance, context: HttpContext) => void | Promise<void>): HttpRouteModule {
  return async (app, context) => {
    await app.register(async (scope) => {
      scope.setErrorHandler(restErrorHandler(context.logger));
      await register(scope, context);
    });
  };
}
