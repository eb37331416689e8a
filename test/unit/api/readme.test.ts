// The README's supported-APIs table must say exactly what ApiVersions advertises.
import * as fs from 'fs';
import * as path from 'path';
import { buildHandlerTable } from '../../../src/api/registry';

test('README lists every registered API with its version range', () => {
  const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Supported APIs'));
  const rows = [...section.matchAll(/^\| (\d+) \| (\w+) \| (\d+)(?:–(\d+))? \|$/gm)].map((m) => ({
    apiKey: Number(m[1]),
    min: Number(m[3]),
    max: Number(m[4] ?? m[3]),
  }));
  const registered = [...buildHandlerTable().values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((h) => ({ apiKey: h.apiKey, min: h.minVersion, max: h.maxVersion }));
  expect(rows).toEqual(registered);
});
