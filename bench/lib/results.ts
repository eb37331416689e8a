// The bench's result model: sections of rows, each row holding every run's value per column; medians and
// ratios are derived when printing and saving.
import { median, ratio } from './stats';

export interface Row {
  readonly name: string;
  readonly unit: string;
  /** Raw run values per column (e.g. eddy/mock/null, or eddy/ceiling). */
  readonly runs: Record<string, number[]>;
  /** For record rates: bytes per record, so MB/s can be shown next to records/s. */
  readonly bytesPerUnit?: number;
  note?: string;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly { key: string; label: string }[];
  /** Ratios to print: [numerator column, denominator column]. */
  readonly ratios: readonly (readonly [string, string])[];
  readonly rows: Row[];
  readonly notes: string[];
}

export function section(
  id: string,
  title: string,
  columns: readonly { key: string; label: string }[],
  ratios: readonly (readonly [string, string])[] = [],
): Section {
  return { id, title, columns, ratios, rows: [], notes: [] };
}

/** Finds or creates the row, then records one run's value in one column. */
export function record(sec: Section, name: string, unit: string, column: string, value: number, bytesPerUnit?: number): void {
  let row = sec.rows.find((r) => r.name === name);
  if (row === undefined) {
    row = { name, unit, runs: {}, bytesPerUnit };
    sec.rows.push(row);
  }
  (row.runs[column] ??= []).push(value);
}

export function rowMedian(row: Row, column: string): number | undefined {
  const runs = row.runs[column];
  return runs && runs.length > 0 ? median(runs) : undefined;
}

export function rowRatio(row: Row, num: string, den: string): number | undefined {
  return ratio(rowMedian(row, num), rowMedian(row, den));
}

export interface SavedRow {
  name: string;
  unit: string;
  median: Record<string, number>;
  mbPerSecond?: Record<string, number>;
  ratios: Record<string, number>;
  runs: Record<string, number[]>;
  note?: string;
}

export function toJson(sections: readonly Section[]): { id: string; title: string; notes: string[]; rows: SavedRow[] }[] {
  return sections.map((s) => ({
    id: s.id,
    title: s.title,
    notes: s.notes,
    rows: s.rows.map((r) => {
      const med: Record<string, number> = {};
      const mbs: Record<string, number> = {};
      for (const c of s.columns) {
        const m = rowMedian(r, c.key);
        if (m === undefined) continue;
        med[c.key] = m;
        if (r.bytesPerUnit !== undefined) mbs[c.key] = (m * r.bytesPerUnit) / 1e6;
      }
      const ratios: Record<string, number> = {};
      for (const [a, b] of s.ratios) {
        const q = rowRatio(r, a, b);
        if (q !== undefined) ratios[`${a}/${b}`] = q;
      }
      return {
        name: r.name,
        unit: r.unit,
        median: med,
        ...(r.bytesPerUnit !== undefined ? { mbPerSecond: mbs } : {}),
        ratios,
        runs: r.runs,
        ...(r.note ? { note: r.note } : {}),
      };
    }),
  }));
}
