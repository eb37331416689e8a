// The committed generated files must be exactly what the generator produces from the project's spec structure
// (codecs/specs), and that structure exactly what refresh-specs makes of Kafka's own files when they are at hand.

import * as fs from 'fs';
import * as path from 'path';
import { generateAll } from '../../../codecs/generator/generate';
import { folderDifferences, listFiles } from '../../../codecs/generator/output-folder';
import { specStructureFiles } from '../../../codecs/generator/refresh-specs';
import { GENERATED_DIR, KAFKA_SPEC_ROOT, KAFKA_SPECS_PRESENT, SPEC_ROOT } from './spec-fixtures';

describe('generated codecs are fresh', () => {
  const fresh = generateAll(SPEC_ROOT);
  test('committed files equal a fresh in-memory generation', () => {
    expect(folderDifferences(GENERATED_DIR, fresh, '.ts')).toEqual([]);
  });
  test('no prose from the specs leaks into generated code', () => {
    for (const [rel, content] of fresh) {
      const comments = content.split('\n').filter((l) => l.trim().startsWith('//'));
      expect({ rel, comments: comments.length }).toEqual({ rel, comments: 1 });
    }
  });
});

describe('codecs/specs holds the structure of the Kafka spec files and nothing else', () => {
  test('no descriptions or comments are copied', () => {
    const kept = listFiles(SPEC_ROOT, '.json');
    expect(kept.length).toBeGreaterThan(200);
    for (const rel of kept) {
      const text = fs.readFileSync(path.join(SPEC_ROOT, rel), 'utf8');
      expect({ rel, prose: /"about"|\/\/|"deprecatedVersions"/.test(text) }).toEqual({ rel, prose: false });
    }
  });
  if (!KAFKA_SPECS_PRESENT) {
    test.skip(`refresh check skipped: Kafka spec folder ${KAFKA_SPEC_ROOT} not found`, () => undefined);
    return;
  }
  test('codecs/specs is exactly what npm run specs:refresh makes of the Kafka spec tree', () => {
    expect(folderDifferences(SPEC_ROOT, specStructureFiles(KAFKA_SPEC_ROOT), '.json')).toEqual([]);
  });
});
