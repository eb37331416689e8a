// @platformatic/kafka 1.35 (pure TypeScript; the last release line that runs on Node 20) against Eddy, through
// drivers/platformatic-kafka.ts in its own Node process. On Node 20 the client has no zstd (it uses node:zlib's
// zstd, which arrived in Node 22.15), so its codecs here are gzip, snappy and lz4.
import * as path from 'path';
import { compatPackageProblem } from './support/compat-clients';
import { describeScriptClient } from './support/script-client';

jest.setTimeout(180000);

describeScriptClient({
  title: '@platformatic/kafka',
  command: [process.execPath, path.join(__dirname, 'drivers', 'platformatic-kafka.js')],
  problems: [compatPackageProblem('@platformatic/kafka', { load: false })],
  clientTag: 'platformatic',
  codecs: ['gzip', 'snappy', 'lz4'],
  idempotentArgs: ['none', 'true'],
});
