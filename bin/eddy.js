#!/usr/bin/env node
'use strict';
// Launcher for the compiled broker. `npm install` builds dist/ (the "prepare" script).
const path = require('path');

const dist = path.join(__dirname, '..', 'dist');

/**
 * The CLI module: from dist/start-bundle.js (build/start-bundle.ts: the start path in one file, which starts
 * faster than loading ~140 files one by one), compiled with its V8 code cache when there is a valid one
 * (build/start-loader.ts). A bundle older than the compiled files (a bare `tsc` run after a build) is stale:
 * then the compiled files load as they are.
 */
function loadCli() {
  const loader = require('../dist/build/start-loader.js');
  const bundle = path.join(dist, 'start-bundle.js');
  if (!loader.startBundleIsCurrent(bundle, path.join(dist, 'src', 'cli.js'))) return require('../dist/src/cli.js');
  return loader.loadStartBundle(bundle, module).exports;
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
