// A strict reader of Prometheus's text exposition format (version 0.0.4), for tests of /metrics: every line is a
// HELP or TYPE comment or a sample, every sample belongs to a declared family, label values are quoted and escaped,
// histograms are cumulative and end in +Inf. Anything else throws with the offending line.

export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PromFamily {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** As Prometheus reads values (Go's strconv.ParseFloat): NaN and Inf in any case, so prom-client's `Nan` too. */
function parseValue(text: string, line: string): number {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
  return value;
}

/** `{a="x",b="y"}` from `at` (the brace); returns the labels and the index after the closing brace. */
function parseLabels(line: string, at: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = at + 1;
  while (line[i] !== '}') {
    const eq = line.indexOf('=', i);
    const name = line.slice(i, eq);
    if (eq < 0 || !LABEL_NAME.test(name) || line[eq + 1] !== '"') throw new Error(`bad label in: ${line}`);
    let value = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] !== '\\') {
        value += line[j];
        continue;
      }
      const escaped = line[++j];
      if (escaped === 'n') value += '\n';
      else if (escaped === '\\' || escaped === '"') value += escaped;
      else throw new Error(`bad escape in: ${line}`);
    }
    if (j >= line.length) throw new Error(`unterminated label value in: ${line}`);
    if (name in labels) throw new Error(`duplicate label ${name} in: ${line}`);
    labels[name] = value;
    i = j + 1;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') throw new Error(`bad label list in: ${line}`);
  }
  return { labels, end: i + 1 };
}

function familyOf(sampleName: string, type: string | undefined, family: string): boolean {
  if (sampleName === family) return true;
  if (type === 'histogram') return [`${family}_bucket`, `${family}_sum`, `${family}_count`].includes(sampleName);
  if (type === 'summary') return [`${family}_sum`, `${family}_count`].includes(sampleName);
  return false;
}

/** The histogram rules: per label set, buckets cumulative, the last one +Inf, and equal to _count. */
function checkHistogram(family: PromFamily): void {
  const series = new Map<string, PromSample[]>();
  const keyOf = (labels: Readonly<Record<string, string>>): string =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([name]) => name !== 'le')
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  for (const s of family.samples) {
    if (s.name !== `${family.name}_bucket`) continue;
    if (s.labels.le === undefined) throw new Error(`${family.name}: a bucket without le`);
    const key = keyOf(s.labels);
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, buckets] of series) {
    const bounds = buckets.map((b) => parseValue(b.labels.le, b.labels.le));
    if (bounds[bounds.length - 1] !== Infinity) throw new Error(`${family.name} ${key}: the last bucket is not +Inf`);
    for (let i = 1; i < buckets.length; i++) {
      if (bounds[i] <= bounds[i - 1] || buckets[i].value < buckets[i - 1].value) throw new Error(`${family.name} ${key}: buckets not cumulative`);
    }
    const count = family.samples.find((s) => s.name === `${family.name}_count` && keyOf(s.labels) === key);
    if (count?.value !== buckets[buckets.length - 1].value) throw new Error(`${family.name} ${key}: _count differs from the +Inf bucket`);
  }
}

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const helps = new Map<string, string>();
  let current: PromFamily | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (match === null) continue;
      const [, kind, name, rest] = match;
      if (!NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      if (kind === 'HELP') helps.set(name, rest);
      else {
        if (!TYPES.has(rest) || families.has(name)) throw new Error(`bad or repeated TYPE: ${line}`);
        current = { name, type: rest, help: helps.get(name) ?? '', samples: [] };
        families.set(name, current);
      }
      continue;
    }
    const nameEnd = line.search(/[{ ]/);
    const name = line.slice(0, nameEnd);
    if (nameEnd <= 0 || !NAME.test(name)) throw new Error(`bad sample line: ${line}`);
    const { labels, end } = line[nameEnd] === '{' ? parseLabels(line, nameEnd) : { labels: {}, end: nameEnd };
    const [valueText, timestamp, extra] = line.slice(end).trim().split(' ');
    if (extra !== undefined || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) throw new Error(`bad sample line: ${line}`);
    if (current === undefined || !familyOf(name, current.type, current.name)) throw new Error(`sample outside its family: ${line}`);
    current.samples.push({ name, labels, value: parseValue(valueText, line) });
  }
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number {
  const family = [...families.values()].find((f) => f.samples.some((s) => s.name === name));
  const matching = family?.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) ?? [];
  if (matching.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${matching.length} samples`);
  return matching[0]?.value ?? 0;
}
