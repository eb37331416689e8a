// The start bundle (build/bundle-start.ts, build/bundle-runtime.ts): modules run from one file behave as they do
// when Node loads them one by one.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundledSource, literalRequires, MODULE_MARKER, renderBundle } from '../../../build/bundle-start';
import { bundleFile, bundleId } from '../../../build/bundle-runtime';

const DIST = path.resolve(__dirname, '..', '..', '..');

/** Source for a fresh process: `name` = the exports of the bundle at `bundle`, loaded as bin/eddy.js loads it. */
function loadBundle(name: string, bundle: string): string {
  const loader = JSON.stringify(path.join(DIST, 'build', 'start-loader.js'));
  return `const ${name} = require(${loader}).loadStartBundle(${JSON.stringify(bundle)}, module).exports;`;
}

test('finds literal requires and drops what cannot stay inside a wrapper', () => {
  expect(literalRequires(`const a = require("./a");\nconst b = require('pkg/x'); require(name); foo.require('./c');`)).toEqual([
    './a',
    'pkg/x',
    './c',
  ]);
  expect(bundledSource('#!/usr/bin/env node\nx();\n//# sourceMappingURL=x.js.map')).toBe('\nx();\n');
});

describe('a bundle of a small module graph', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bundle-'));
    fs.mkdirSync(path.join(dir, 'dist', 'lib'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'dist', 'build'), { recursive: true });
    fs.copyFileSync(path.join(DIST, 'build', 'bundle-runtime.js'), path.join(dir, 'dist', 'build', 'bundle-runtime.js'));
    const write = (rel: string, text: string): void => fs.writeFileSync(path.join(dir, rel), text);
    write('dist/main.js', `"use strict";\nconst shared = require("./lib/shared");\nexports.shared = shared;\nexports.file = __filename;\n` +
      `exports.later = () => require("./lib/later");\nexports.strict = (function () { return this === undefined; })();\n//# sourceMappingURL=main.js.map\n`);
    write('dist/lib/shared.js', `exports.sloppy = (function () { return this !== undefined; })();\nexports.dir = __dirname;\n`);
    write('dist/lib/later.js', `"use strict";\nexports.shared = require("./shared");\n`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('runs modules under their own file names, in their own strictness, sharing instances with later loads', () => {
    const main = path.join(dir, 'dist', 'main.js');
    const files = [main, path.join(dir, 'dist', 'lib', 'shared.js')];
    fs.writeFileSync(path.join(dir, 'dist', 'bundle.js'), renderBundle(dir, main, files));
    // Remove the bundled sources: everything they define must now come from the bundle.
    fs.renameSync(main, `${main}.gone`);
    const script =
      loadBundle('b', path.join(dir, 'dist', 'bundle.js')) +
      `const later = b.later();` +
      `process.stdout.write(JSON.stringify({ file: b.file, strict: b.strict, sloppy: b.shared.sloppy, dir: b.shared.dir,` +
      ` sameInstance: later.shared === b.shared, cached: Object.keys(require.cache).filter((k) => k.startsWith(${JSON.stringify(dir)})).sort() }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script]).toString()) as Record<string, unknown>;
    expect(out).toEqual({
      file: main,
      strict: true,
      sloppy: true,
      dir: path.join(dir, 'dist', 'lib'),
      sameInstance: true,
      cached: [
        path.join(dir, 'dist', 'build', 'bundle-runtime.js'),
        path.join(dir, 'dist', 'bundle.js'),
        path.join(dir, 'dist', 'lib', 'later.js'),
        path.join(dir, 'dist', 'lib', 'shared.js'),
        main,
      ].sort(),
    });
  });
});

describe('package requires in a bundle', () => {
  let dir: string;
  let moved: string;
  const run = (bundle: string): Record<string, unknown> => {
    const script = `${loadBundle('b', bundle)} process.stdout.write(JSON.stringify(b.pkg));`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script]).toString()) as Record<string, unknown>;
  };
  beforeAll(() => {
    // A non-ASCII directory name: the bundle records paths, and must stay ASCII all the same.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bundle-pkg-\u00e9t\u00e9-'));
    moved = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bundle-moved-'));
    const write = (rel: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    fs.mkdirSync(path.join(dir, 'dist', 'build'), { recursive: true });
    fs.copyFileSync(path.join(DIST, 'build', 'bundle-runtime.js'), path.join(dir, 'dist', 'build', 'bundle-runtime.js'));
    write('dist/main.js', `exports.pkg = require("pkg");\n`);
    write('node_modules/pkg/package.json', `{ "name": "pkg", "main": "index.js" }`);
    write('node_modules/pkg/index.js', `exports.from = "bundled index.js"; exports.file = __filename;\n`);
    write('node_modules/pkg/other.js', `exports.from = "other.js on disk"; exports.file = __filename;\n`);
    const main = path.join(dir, 'dist', 'main.js');
    const files = [main, path.join(dir, 'node_modules', 'pkg', 'index.js')];
    fs.writeFileSync(path.join(dir, 'dist', 'bundle.js'), renderBundle(dir, main, files));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(moved, { recursive: true, force: true });
  });

  test('where the bundle was built, they come from the bundle without resolving on disk', () => {
    expect(/[^\x00-\x7f]/.test(fs.readFileSync(path.join(dir, 'dist', 'bundle.js'), 'utf8'))).toBe(false);
    const index = path.join(dir, 'node_modules', 'pkg', 'index.js');
    fs.renameSync(index, `${index}.gone`);
    try {
      expect(run(path.join(dir, 'dist', 'bundle.js'))).toEqual({ from: 'bundled index.js', file: index });
    } finally {
      fs.renameSync(`${index}.gone`, index);
    }
  });

  test('in a moved tree, they resolve as Node would', () => {
    fs.cpSync(dir, moved, { recursive: true });
    fs.writeFileSync(path.join(moved, 'node_modules', 'pkg', 'package.json'), `{ "name": "pkg", "main": "other.js" }`);
    expect(run(path.join(moved, 'dist', 'bundle.js'))).toEqual({
      from: 'other.js on disk',
      file: path.join(moved, 'node_modules', 'pkg', 'other.js'),
    });
    fs.writeFileSync(path.join(moved, 'node_modules', 'pkg', 'package.json'), `{ "name": "pkg", "main": "index.js" }`);
    expect(run(path.join(moved, 'dist', 'bundle.js'))).toEqual({
      from: 'bundled index.js',
      file: path.join(moved, 'node_modules', 'pkg', 'index.js'),
    });
  });
});

test("the built start bundle holds exactly what loading the CLI loads, and serves the CLI's exports", () => {
  const script =
    loadBundle('b', path.join(DIST, 'start-bundle.js')) +
    `const fromDisk = require(${JSON.stringify(path.join(DIST, 'src', 'cli.js'))});` +
    `process.stdout.write(JSON.stringify({ same: b === fromDisk, main: typeof b.main }));`;
  expect(JSON.parse(execFileSync(process.execPath, ['-e', script]).toString())).toEqual({ same: true, main: 'function' });
  const bundle = fs.readFileSync(path.join(DIST, 'start-bundle.js'), 'utf8');
  const bundled = bundle.split('\n').filter((l) => l.startsWith(MODULE_MARKER)).map((l) => l.slice(MODULE_MARKER.length));
  const listScript =
    `const { modulesLoadedBy } = require(${JSON.stringify(path.join(DIST, 'build', 'bundle-start.js'))});` +
    `process.stdout.write(JSON.stringify(modulesLoadedBy(${JSON.stringify(path.join(DIST, 'src', 'cli.js'))}).length));`;
  expect(bundled.length).toBe(JSON.parse(execFileSync(process.execPath, ['-e', listScript]).toString()));
  expect(bundled).toContain('dist/src/cli.js');
  expect(bundled.some((id) => /src\/api\/00-produce/.test(id))).toBe(false);
});

test('the bundle is ASCII, so V8 holds its source at one byte per character', () => {
  expect(bundledSource('const s = "a\u2013b"; // x \u2264 5\n')).toBe('const s = "a\\u2013b"; // x \\u2264 5\n');
  expect(eval(bundledSource('"pino \u2013 redact"'))).toBe('pino \u2013 redact');
  const bundle = fs.readFileSync(path.join(DIST, 'start-bundle.js'), 'utf8');
  expect(/[^\x00-\x7f]/.test(bundle)).toBe(false);
});

test('bundle ids are root-relative inside the package and absolute outside it', () => {
  const root = path.join(path.sep, 'app');
  expect(bundleId(root, path.join(root, 'dist', 'src', 'cli.js'))).toBe('dist/src/cli.js');
  expect(bundleId(root, path.join(path.sep, 'elsewhere', 'node_modules', 'pino', 'pino.js'))).toBe(
    path.join(path.sep, 'elsewhere', 'node_modules', 'pino', 'pino.js'),
  );
});

test('bundle ids name the same files path.join would', () => {
  const root = path.join(path.sep, 'app');
  for (const id of ['dist/src/cli.js', 'node_modules/pino/lib/tools.js', 'a.cjs']) {
    expect(bundleFile(root, id)).toBe(path.join(root, id));
    expect(bundleFile(root + path.sep, id)).toBe(path.join(root, id));
  }
  const outside = path.join(path.sep, 'elsewhere', 'node_modules', 'pino', 'pino.js');
  expect(bundleFile(root, outside)).toBe(outside);
});
