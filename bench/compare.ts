// `npm run bench:compare -- REV [--rounds N] [bench options]`: the bench run alternately on this checkout and on
// commit REV (built in a temporary worktree), so both builds meet the same machine noise in one session. Prints,
// per figure, the median of Eddy's value over the rounds for each build and their ratio. The other targets (mock,
// null sink, ceilings) are left out: they are the same programs in both runs. Sections without an `eddy` column
// (console, tls, faults) compare Eddy in several configurations: each of their columns is compared, named in brackets.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { median } from './lib/stats';
import { REPO_ROOT } from './lib/targets';

interface SavedSection {
  readonly id: string;
  readonly rows: ReadonlyArray<{ readonly name: string; readonly unit: string; readonly median: Readonly<Record<string, number>> }>;
}

interface CompareOptions {
  readonly rev: string;
  readonly rounds: number;
  readonly benchArgs: readonly string[];
}

function parseArgs(argv: readonly string[]): CompareOptions {
  const rest = [...argv];
  const rev = rest.shift();
  if (rev === undefined || rev.startsWith('--')) throw new Error('usage: npm run bench:compare -- REV [--rounds N] [bench options]');
  let rounds = 3;
  const at = rest.indexOf('--rounds');
  if (at >= 0) {
    rounds = Number(rest[at + 1]);
    rest.splice(at, 2);
  }
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds needs a positive integer');
  return { rev, rounds, benchArgs: rest.length > 0 ? rest : ['--quick'] };
}

function progress(message: string): void {
  process.stderr.write(`[compare ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** A worktree of `rev` with this checkout's node_modules, built with its own build script. */
function prepareBaseline(rev: string, dir: string): void {
  execFileSync('git', ['worktree', 'add', '--detach', dir, rev], { cwd: REPO_ROOT, stdio: 'ignore' });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  progress(`building ${rev} in ${dir}`);
  execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'ignore' });
}

function runBench(tree: string, benchArgs: readonly string[], out: string): SavedSection[] {
  execFileSync(process.execPath, [path.join(tree, 'dist', 'bench', 'main.js'), ...benchArgs, '--out', out], {
    cwd: tree,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return (JSON.parse(fs.readFileSync(out, 'utf8')) as { sections: SavedSection[] }).sections;
}

/**
 * Eddy's value of each figure in one run, keyed "section / figure (unit)"; in a section that measures only Eddy
 * (no `eddy` column, its columns being Eddy's configurations) every column, keyed "section / figure [column] (unit)".
 */
function eddyFigures(sections: readonly SavedSection[]): Map<string, number> {
  const figures = new Map<string, number>();
  for (const s of sections) {
    const eddyOnly = s.rows.every((r) => r.median.eddy === undefined);
    for (const r of s.rows) {
      const value = r.median.eddy;
      if (value !== undefined) figures.set(`${s.id} / ${r.name} (${r.unit})`, value);
      else if (eddyOnly) for (const [column, v] of Object.entries(r.median)) figures.set(`${s.id} / ${r.name} [${column}] (${r.unit})`, v);
    }
  }
  return figures;
}

function collect(into: Map<string, number[]>, figures: Map<string, number>): void {
  for (const [name, value] of figures) {
    const list = into.get(name);
    if (list === undefined) into.set(name, [value]);
    else list.push(value);
  }
}

function report(rev: string, base: Map<string, number[]>, head: Map<string, number[]>): string {
  const lines = [`figure\t${rev}\tthis checkout\tthis ÷ ${rev}`];
  for (const [name, values] of head) {
    const before = base.get(name);
    const h = median(values);
    const b = before === undefined ? Number.NaN : median(before);
    const ratio = Number.isFinite(b) && b !== 0 ? `${(h / b).toFixed(2)}×` : '-';
    lines.push(`${name}\t${b.toPrecision(4)}\t${h.toPrecision(4)}\t${ratio}`);
  }
  return lines.join('\n');
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-compare-'));
  const baseTree = path.join(scratch, 'baseline');
  try {
    prepareBaseline(options.rev, baseTree);
    const base = new Map<string, number[]>();
    const head = new Map<string, number[]>();
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which build goes first, so neither always meets a warmer or a busier machine.
      const order = round % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const);
      for (const which of order) {
        progress(`round ${round + 1}/${options.rounds}: ${which === 'base' ? options.rev : 'this checkout'}`);
        const tree = which === 'base' ? baseTree : REPO_ROOT;
        const sections = runBench(tree, options.benchArgs, path.join(scratch, `${which}-${round}.json`));
        collect(which === 'base' ? base : head, eddyFigures(sections));
      }
    }
    process.stdout.write(`${report(options.rev, base, head)}\n`);
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', baseTree], { cwd: REPO_ROOT, stdio: 'ignore' });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main();
