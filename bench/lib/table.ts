// Plain-text table of the medians, with the requested ratios, one block per section.
import { Row, Section, rowMedian, rowRatio } from './results';

function fmtNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function cell(row: Row, column: string): string {
  const m = rowMedian(row, column);
  if (m === undefined) return '-';
  const base = `${fmtNumber(m)}`;
  if (row.bytesPerUnit === undefined) return base;
  return `${base} (${((m * row.bytesPerUnit) / 1e6).toFixed(1)} MB/s)`;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function formatSection(sec: Section): string {
  const header = ['figure', 'unit', ...sec.columns.map((c) => c.label), ...sec.ratios.map(([a, b]) => `${label(sec, a)} ÷ ${label(sec, b)}`)];
  const lines: string[][] = sec.rows.map((r) => [
    r.name + (r.note ? ` [${r.note}]` : ''),
    r.unit,
    ...sec.columns.map((c) => cell(r, c.key)),
    ...sec.ratios.map(([a, b]) => {
      const q = rowRatio(r, a, b);
      return q === undefined ? '-' : `${q.toFixed(2)}×`;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols: string[]): string => cols.map((c, i) => pad(c, widths[i], i >= 2)).join('  ');
  const out = [`== ${sec.title}`, fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)];
  for (const n of sec.notes) out.push(`   note: ${n}`);
  return out.join('\n');
}

function label(sec: Section, key: string): string {
  return sec.columns.find((c) => c.key === key)?.label ?? key;
}
