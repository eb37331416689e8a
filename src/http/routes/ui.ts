// The web console's assets (dist/console/, bundled at build time by build/console-bundle.ts) served at /, beside
// the JSON API the console calls. The bundle is three small files, read once at start and served from memory
// with an ETag, so a reload costs a 304; only those files get a route, so every other path stays the API's.
// (@fastify/static was the first choice; its content-disposition dependency is an ES module that jest's
// CommonJS runtime cannot load, which would have broken every test that builds the HTTP app.)
// A tree built without the bundle (tsc alone) answers / with a page saying how to build it rather than a bare 404.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../logger';
import type { HttpContext } from '../http-context';

/** dist/: this file runs from dist/src/http/routes/ or from the start bundle, dist/start-bundle.js. */
const DIST_DIR = path.basename(__dirname) === 'routes' ? path.resolve(__dirname, '..', '..', '..') : __dirname;
export const CONSOLE_ASSETS_DIR = path.join(DIST_DIR, 'console');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Eddy console</title></head><body>' +
  '<h1>Eddy console</h1><p>The console is not built in this tree: run <code>npm run build</code>. ' +
  'The JSON API is served as usual (<a href="/openapi.json">/openapi.json</a>).</p></body></html>';

/** The console's pages are not part of the API: the OpenAPI document leaves them out. */
const HIDDEN = { schema: { hide: true } };

interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** The console's files, by URL path ('/' is index.html). */
export function loadAssets(assetsDir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!fs.existsSync(path.join(assetsDir, 'index.html'))) return assets;
  for (const name of fs.readdirSync(assetsDir)) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (contentType === undefined) continue;
    const body = fs.readFileSync(path.join(assetsDir, name));
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    assets.set(`/${name}`, { body, contentType, etag });
  }
  const index = assets.get('/index.html');
  if (index !== undefined) assets.set('/', index);
  return assets;
}

function serve(asset: Asset) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    // The file names are not content-hashed: the browser revalidates every load, and a rebuilt console shows at once.
    reply.header('etag', asset.etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.contentType).send(asset.body);
  };
}

export function registerUiRoutes(app: FastifyInstance, { logger }: HttpContext): void {
  serveConsoleAssets(app, logger, CONSOLE_ASSETS_DIR);
}

/** Serves the built console from `assetsDir` (a parameter so a test can point it at a tree without the bundle). */
export function serveConsoleAssets(app: FastifyInstance, logger: Logger, assetsDir: string): void {
  const assets = loadAssets(assetsDir);
  if (assets.size === 0) {
    logger.debug({ assetsDir }, 'console assets not built: / explains how to build them');
    app.get('/', HIDDEN, (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
    return;
  }
  for (const [url, asset] of assets) app.get(url, HIDDEN, serve(asset));
}
