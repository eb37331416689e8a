// CLI: node dist/codecs/generator/main.js [spec root] [output folder]
// Rewrites the output folder so it holds exactly the generated files. The defaults are the project's own copy of
// the spec structure (codecs/specs) and codecs/generated, so a fresh clone regenerates with no argument.

import { generateAll } from './generate';
import { writeFolder } from './output-folder';

function main(argv: readonly string[]): number {
  const [specRoot = 'codecs/specs', outDir = 'codecs/generated'] = argv;
  const files = generateAll(specRoot);
  const changed = writeFolder(outDir, files, '.ts');
  process.stdout.write(`generated ${files.size} files into ${outDir} (${changed} changed)\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
