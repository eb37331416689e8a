#!/usr/bin/env node
'use strict';
// Launcher for the compiled broker. `npm install` builds dist/ (the "prepare" script).
let cli;
try {
  cli = require('../dist/src/cli.js');
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
