#!/usr/bin/env node
'use strict';
// Launcher for the compiled broker. `npm install` builds dist/ (the "prepare" script).
const fs = require('fs');
const path = require('path');

const dist = path.join(__dirname, '..', 'dist');

/**
 * dist/start-bundle.js holds the start path's modules in one file, which starts faster than loading them one by
 * one (see build/bundle-start.ts). It is used only when written after the compiled files it was made from: a
 * bare `tsc` run leaves it stale, and then the compiled files load as they are.
 */
function bundleIsCurrent() {
  try {
    return fs.statSync(path.join(dist, 'start-bundle.js')).mtimeMs >= fs.statSync(path.join(dist, 'src', 'cli.js')).mtimeMs;
  } catch {
    return false;
  }
}

/** The CLI module: from the bundle, compiled with its V8 code cache when there is a valid one (build/start-loader.ts). */
function loadCli() {
  if (!bundleIsCurrent()) return require('../dist/src/cli.js');
  return require('../dist/build/start-loader.js').loadStartBundle(path.join(dist, 'start-bundle.js'), module).exports;
}

let cli;
try {
  cli = loadCli();
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('eddy: the broker is not built yet; run `npm install` (or `npm run build`) first\n');
    process.exit(1);
  }
  throw err;
}
cli.main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`eddy: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
