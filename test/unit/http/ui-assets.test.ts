// The console's asset routes: the built files at / with their content types and an ETag a reload revalidates
// with (304), no route beyond those files (the API keeps every other path), and a page saying how to build the
// console when the tree has none.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Fastify, { type FastifyInstance } from 'fastify';
import { INDEX_HTML } from '../../../build/console-bundle';
import { serveConsoleAssets } from '../../../src/http/routes/ui';
import { silentLogger } from '../../../src/logger';

/** The routes on a loopback port (fastify's inject needs an ES module jest's runtime cannot load). */
async function appServing(dir: string): Promise<{ app: FastifyInstance; get: (url: string, headers?: Record<string, string>) => Promise<Response> }> {
  const app = Fastify();
  serveConsoleAssets(app, silentLogger(), dir);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, get: (url, headers = {}) => fetch(`${base}${url}`, { headers }) };
}

describe('console assets', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-console-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the built files with their types, and 304 for a known ETag', async () => {
    fs.writeFileSync(path.join(dir, 'index.html'), INDEX_HTML);
    fs.writeFileSync(path.join(dir, 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'app.css'), 'body{}');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an asset type');
    const { app, get } = await appServing(dir);
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toBe(INDEX_HTML);
    expect(await (await get('/index.html')).text()).toBe(INDEX_HTML);
    const script = await get('/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('no-cache');
    expect(await script.text()).toBe('console.log(1)');
    expect((await get('/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const again = await get('/app.js', { 'if-none-match': String(script.headers.get('etag')) });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await get('/notes.txt')).status).toBe(404);
    expect((await get('/topics')).status).toBe(404);
    await app.close();
  });

  it('answers / with how to build the console when it is not built', async () => {
    const { app, get } = await appServing(dir);
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('npm run build');
    expect((await get('/app.js')).status).toBe(404);
    await app.close();
  });
});
