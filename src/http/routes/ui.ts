// The web console's assets (dist/console/, bundled at build time by build/console-bundle.ts) served at /, beside
// the JSON API the console calls. Only the files present at start get a route (no wildcard), so the API's paths
// and every other module's routes stay theirs. A tree built without the bundle (tsc alone) answers / with a page
// saying how to build it rather than a bare 404.
import * as fs from 'fs';
import * as path from 'path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../logger';
import type { HttpContext } from '../http-context';

/** dist/console, from this file's compiled place (dist/src/http/routes/). */
export const CONSOLE_ASSETS_DIR = path.resolve(__dirname, '..', '..', '..', 'console');

const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Eddy console</title></head><body>' +
  '<h1>Eddy console</h1><p>The console is not built in this tree: run <code>npm run build</code>. ' +
  'The JSON API is served as usual (<a href="/openapi.json">/openapi.json</a>).</p></body></html>';

export function registerUiRoutes(app: FastifyInstance, { logger }: HttpContext): Promise<void> {
  return serveConsoleAssets(app, logger, CONSOLE_ASSETS_DIR);
}

/** Serves the built console from `assetsDir` (a parameter so a test can point it at a tree without the bundle). */
export async function serveConsoleAssets(app: FastifyInstance, logger: Logger, assetsDir: string): Promise<void> {
  if (!fs.existsSync(path.join(assetsDir, 'index.html'))) {
    logger.debug({ assetsDir }, 'console assets not built: / explains how to build them');
    app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
    return;
  }
  await app.register(fastifyStatic, { root: assetsDir, prefix: '/', wildcard: false, index: 'index.html' });
}
