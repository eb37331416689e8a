// CLI: node dist/codecs/generator/main.js <spec root> <output folder>
// Rewrites the output folder so it holds exactly the generated files.

import * as fs from 'fs';
import * as path from 'path';
import { generateAll } from './generate';

function listTs(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listTs(path.join(dir, entry.name), rel));
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

function main(argv: readonly string[]): number {
  const [specRoot, outDir] = argv;
  if (specRoot === undefined || outDir === undefined) {
    process.stderr.write('usage: main.js <spec root> <output folder>\n');
    return 2;
  }
  const files = generateAll(specRoot);
  for (const stale of listTs(outDir)) {
    if (!files.has(stale)) fs.unlinkSync(path.join(outDir, stale));
  }
  let changed = 0;
  for (const [rel, content] of files) {
    const target = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === content) continue;
    fs.writeFileSync(target, content);
    changed++;
  }
  process.stdout.write(`generated ${files.size} files into ${outDir} (${changed} changed)\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
