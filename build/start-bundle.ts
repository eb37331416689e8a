// Writes dist/start-bundle.js with esbuild: `eddy start`'s code (dist/src/cli.js and everything it requires,
// packages included) in one CommonJS file. Node's loader spends most of a cold start resolving, stat-ing, reading
// and wrapping ~140 small files one by one; one file, compiled from build/code-cache.ts's V8 code cache, cuts that.
// The input is tsc's output, not the TypeScript sources: the bundle then runs the very code the tests run, and
// relative requires (of package.json, say) resolve from the same places in both. Each CommonJS module sits in an
// esbuild wrapper that runs on its first require(), so modules Eddy requires lazily (handlers in
// src/api/registry.ts, coordinators in src/cluster/coordinators.ts) are in the bundle but still run on first use,
// not at start (test/unit/broker/start-bundle.test.ts checks it).
// Run after tsc: `node dist/build/start-bundle.js` (part of `npm run build` and of the Dockerfile).
import * as fs from 'fs';
import * as path from 'path';
import * as esbuild from 'esbuild';
import { BUNDLE_EPILOGUE, BUNDLE_PROLOGUE, cacheFileFor } from './start-loader';

export const BUNDLE_FILE = path.join('dist', 'start-bundle.js');
export const BUNDLE_ENTRY = path.join('dist', 'src', 'cli.js');

/**
 * The HTTP server's packages. Eddy's own HTTP code is in the bundle (loaded on first use, after the listeners are
 * bound) so that it shares the broker's classes and module state, but these load from node_modules when it runs:
 * bundled, they would make every start read and compile code that only the HTTP server needs, later.
 */
const HTTP_PACKAGES: readonly string[] = ['fastify', '@fastify/swagger', 'prom-client'];

/**
 * Packages left out of the bundle and required from node_modules as usual: those with a native addon, which a
 * bundle cannot hold. Packages required by a computed name (the optional compression codecs) stay out as well;
 * esbuild leaves such a require() as it is.
 */
export const PACKAGES_NOT_BUNDLED: readonly string[] = ['@node-rs/crc32', ...HTTP_PACKAGES];

/**
 * How esbuild builds the bundle from the package at `root`. No minification: with the code cache it saved no more
 * CPU per start than the benchmark's noise, and names and lines in stack traces stay readable. The text is one CommonJS
 * wrapper function (the banner and footer), which build/start-loader.ts compiles with the code cache as it is.
 * The output is ASCII (see asciiOnly).
 */
export function startBundleOptions(root: string): esbuild.BuildOptions & { metafile: true } {
  return {
    absWorkingDir: root,
    entryPoints: [path.join(root, BUNDLE_ENTRY)],
    outfile: path.join(root, BUNDLE_FILE),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    charset: 'ascii',
    external: [...PACKAGES_NOT_BUNDLED],
    banner: { js: BUNDLE_PROLOGUE.trimEnd() },
    footer: { js: BUNDLE_EPILOGUE.trim() },
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * The text with every non-ASCII character as a \uXXXX escape. esbuild's ASCII charset escapes code and strings
 * but keeps the comments it preserves (JSDoc before class members) as they are, and one character outside
 * Latin-1 would make V8 hold the whole ~1.5 MB source at two bytes per character. Only comments are left to
 * change, where an escape reads as well.
 */
export function asciiOnly(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Builds the bundle; returns the source files it holds. The old code cache goes first: it was for the old bundle. */
export function buildStartBundle(root: string): string[] {
  const options = startBundleOptions(root);
  const out = path.join(root, BUNDLE_FILE);
  fs.rmSync(cacheFileFor(out), { force: true });
  const result = esbuild.buildSync({ ...options, write: false });
  fs.writeFileSync(out, asciiOnly(result.outputFiles[0].text));
  return Object.keys(result.metafile.inputs);
}

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  const inputs = buildStartBundle(root);
  process.stdout.write(`${BUNDLE_FILE}: ${inputs.length} modules, ${fs.statSync(path.join(root, BUNDLE_FILE)).size} bytes\n`);
}

if (require.main === module) main();
