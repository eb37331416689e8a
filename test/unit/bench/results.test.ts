// Bench bookkeeping: medians of runs, ratios between columns, and the printed table.
import { median, ratio } from '../../../bench/lib/stats';
import { record, section, toJson } from '../../../bench/lib/results';
import { formatSection } from '../../../bench/lib/table';
import { topicName } from '../../../bench/lib/targets';

describe('bench statistics', () => {
  it('takes the median of odd and even run counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('gives no ratio when either side is missing or zero', () => {
    expect(ratio(6, 3)).toBe(2);
    expect(ratio(undefined, 3)).toBeUndefined();
    expect(ratio(1, 0)).toBeUndefined();
  });

  it('names topics with their partition count last', () => {
    expect(topicName(['rd', 's100', 'r0'], 8)).toBe('bench.rd.s100.r0.p8');
  });
});

describe('bench results', () => {
  const sec = section(
    'produce',
    'Produce',
    [
      { key: 'eddy', label: 'Eddy' },
      { key: 'null', label: 'null sink' },
    ],
    [['eddy', 'null']],
  );
  for (const v of [100, 300, 200]) record(sec, 'rdkafka 1 KB', 'rec/s', 'eddy', v, 1000);
  for (const v of [400, 400]) record(sec, 'rdkafka 1 KB', 'rec/s', 'null', v, 1000);

  it('saves medians, MB/s and ratios with the raw runs', () => {
    const [saved] = toJson([sec]);
    const row = saved.rows[0];
    expect(row.median).toEqual({ eddy: 200, null: 400 });
    expect(row.mbPerSecond).toEqual({ eddy: 0.2, null: 0.4 });
    expect(row.ratios['eddy/null']).toBeCloseTo(0.5);
    expect(row.runs.eddy).toEqual([100, 300, 200]);
  });

  it('prints one line per figure with the ratio column', () => {
    const text = formatSection(sec);
    expect(text).toContain('== Produce');
    expect(text).toContain('Eddy ÷ null sink');
    const line = text.split('\n').find((l) => l.startsWith('rdkafka 1 KB'));
    expect(line).toBeDefined();
    expect(line).toContain('0.50×');
    expect(line).toContain('(0.2 MB/s)');
  });
});
