// The dispatch table advertises version ranges without loading the handlers; each handler, once loaded, must
// serve exactly the range the table advertises.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { buildHandlerTable, lazyHandler } from '../../../src/api/registry';
import type { ApiHandler } from '../../../src/api/handler';
import { API_VERSION_FACTS } from '../../../codecs/generated/api-version-facts';
import { Reader } from '../../../codecs/primitives/reader';

test('every registered handler loads and serves the range the table advertises', () => {
  for (const entry of buildHandlerTable().values()) {
    // decodeRequest forces the load; an empty body may or may not decode, but a range mismatch throws first.
    try {
      entry.decodeRequest(new Reader(Buffer.alloc(0)), entry.minVersion);
    } catch (err) {
      expect(String(err)).not.toMatch(/dispatch table advertises/);
    }
    const facts = API_VERSION_FACTS.get(entry.apiKey);
    expect(facts).toBeDefined();
    expect(entry.minVersion).toBeGreaterThanOrEqual(facts?.minVersion ?? Infinity);
    expect(entry.maxVersion).toBeLessThanOrEqual(facts?.maxVersion ?? -1);
  }
});

test('a lazy handler loads its module once, on first use, and refuses a range that differs from the table', () => {
  let loads = 0;
  const real: ApiHandler = {
    apiKey: 99,
    minVersion: 0,
    maxVersion: 2,
    decodeRequest: () => 'decoded',
    handle: async () => 'handled',
    encodeResponse: () => undefined,
  };
  const lazy = lazyHandler(99, 0, 2, () => {
    loads++;
    return real;
  });
  expect(loads).toBe(0);
  expect(lazy.decodeRequest(new Reader(Buffer.alloc(0)), 0)).toBe('decoded');
  expect(lazy.decodeRequest(new Reader(Buffer.alloc(0)), 1)).toBe('decoded');
  expect(loads).toBe(1);

  const wrong = lazyHandler(99, 0, 3, () => real);
  expect(() => wrong.decodeRequest(new Reader(Buffer.alloc(0)), 0)).toThrow(/advertises v0-3/);
});

test("loading the CLI and building the table loads no handler module but ApiVersions' (a fresh process)", () => {
  // jest has its own module registry, so ask a plain node process what the start path loads.
  const distSrc = path.resolve(__dirname, '..', '..', '..', 'src');
  const script =
    `require(${JSON.stringify(path.join(distSrc, 'cli.js'))});` +
    `require(${JSON.stringify(path.join(distSrc, 'api', 'registry.js'))}).buildHandlerTable();` +
    `process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script]).toString()) as string[];
  const handlerModules = loaded.filter((k) => /[\\/]src[\\/]api[\\/]\d\d-/.test(k)).map((k) => path.basename(k));
  expect(handlerModules).toEqual(['18-api-versions.js']);
  // Generated codecs come with their handlers: at start only the headers, the version table and ApiVersions' own.
  const generated = loaded.filter((k) => /[\\/]codecs[\\/]generated[\\/]/.test(k)).map((k) => path.basename(k));
  expect(generated.sort()).toEqual(['ApiVersionsRequest.js', 'ApiVersionsResponse.js', 'RequestHeader.js', 'api-version-facts.js']);
});
