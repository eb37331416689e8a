// The committed generated files must be exactly what the generator produces from the shared specs today.

import * as fs from 'fs';
import * as path from 'path';
import { generateAll } from '../../../codecs/generator/generate';
import { GENERATED_DIR, SPECS_PRESENT, SPEC_ROOT } from './spec-fixtures';

function listTs(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listTs(path.join(dir, entry.name), rel));
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

describe('generated codecs are fresh', () => {
  if (!SPECS_PRESENT) {
    test.skip(`skipped: spec folder ${SPEC_ROOT} not found`, () => undefined);
    return;
  }
  test('committed files equal a fresh in-memory generation', () => {
    const fresh = generateAll(SPEC_ROOT);
    const onDisk = listTs(GENERATED_DIR).sort();
    expect(onDisk).toEqual([...fresh.keys()].sort());
    const stale = [...fresh].filter(([rel, content]) => fs.readFileSync(path.join(GENERATED_DIR, rel), 'utf8') !== content);
    expect(stale.map(([rel]) => rel)).toEqual([]);
  });
  test('no prose from the specs leaks into generated code', () => {
    const fresh = generateAll(SPEC_ROOT);
    for (const [rel, content] of fresh) {
      const comments = content.split('\n').filter((l) => l.trim().startsWith('//'));
      expect({ rel, comments: comments.length }).toEqual({ rel, comments: 1 });
    }
  });
});
