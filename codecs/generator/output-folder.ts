// Build tools (the codec generator and the spec refresher) each rewrite a folder so it holds exactly the files they
// produced; the freshness tests compare the same listing. One copy of that folder logic serves all of them.

import * as fs from 'fs';
import * as path from 'path';

/** Files under `dir` whose name ends with `suffix`, as paths relative to `dir` with forward slashes. */
export function listFiles(dir: string, suffix: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFiles(path.join(dir, entry.name), suffix, rel));
    else if (entry.name.endsWith(suffix)) out.push(rel);
  }
  return out;
}

/**
 * Makes the `suffix` files under `outDir` equal to `files` (relative path → content): stale ones are deleted,
 * unchanged ones are left untouched so their timestamps do not move. Returns how many files were written.
 */
export function writeFolder(outDir: string, files: ReadonlyMap<string, string>, suffix: string): number {
  for (const stale of listFiles(outDir, suffix)) {
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
  return changed;
}

/** Files under `dir` whose content differs from `expected`, plus files missing on either side. */
export function folderDifferences(dir: string, expected: ReadonlyMap<string, string>, suffix: string): string[] {
  const onDisk = new Set(listFiles(dir, suffix));
  const differing: string[] = [];
  for (const [rel, content] of expected) {
    if (!onDisk.has(rel)) differing.push(`${rel} (missing)`);
    else if (fs.readFileSync(path.join(dir, rel), 'utf8') !== content) differing.push(rel);
  }
  for (const rel of onDisk) if (!expected.has(rel)) differing.push(`${rel} (not expected)`);
  return differing.sort();
}
