// How long `startBroker()` (src/kit) takes, in one process as a test run uses it: loading the package, the first
// start (which also loads the broker's code), and every later start, which the test kit promises under 50 ms.
// "Ready" is what a test awaits: startBroker() resolved, every listener bound; the script then also times the first
// ApiVersions answer on a new connection, which a client's first request waits for. Each broker stops before the
// next starts, as consecutive test files do.
//   node dist/bench/kit-start.js [--runs 30] [--json]
import { apiVersionsOnce } from './lib/net-probe';
import { median } from './lib/stats';

interface KitStartFigures {
  readonly loadMs: number;
  readonly firstStartMs: number;
  readonly firstAnswerMs: number;
  /** The starts after the first: each one's time to ready, in order. */
  readonly laterStartsMs: readonly number[];
  readonly laterAnswersMs: readonly number[];
  readonly stopsMs: readonly number[];
}

const sinceMs = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e6;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(runs: number): Promise<KitStartFigures> {
  const loadStarted = process.hrtime.bigint();
  const { startBroker } = require('../src/index') as typeof import('../src/index');
  const loadMs = sinceMs(loadStarted);
  const starts: number[] = [];
  const answers: number[] = [];
  const stops: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const started = process.hrtime.bigint();
    const broker = await startBroker();
    starts.push(sinceMs(started));
    if (!(await apiVersionsOnce(broker.port))) throw new Error('the started broker did not answer ApiVersions');
    answers.push(sinceMs(started));
    const stopping = process.hrtime.bigint();
    await broker.stop();
    stops.push(sinceMs(stopping));
  }
  return {
    loadMs,
    firstStartMs: starts[0],
    firstAnswerMs: answers[0],
    laterStartsMs: starts.slice(1),
    laterAnswersMs: answers.slice(1),
    stopsMs: stops,
  };
}

function report(figures: KitStartFigures): string {
  const fixed = (ms: number): string => `${ms.toFixed(1)} ms`;
  const spread = (values: readonly number[]): string =>
    `median ${fixed(median(values))}, p90 ${fixed(percentile(values, 90))}, max ${fixed(Math.max(...values))}`;
  return [
    `startBroker(), ${figures.laterStartsMs.length + 1} starts in one process (node ${process.version})`,
    `  require('eddy')                 ${fixed(figures.loadMs)}`,
    `  first start, to ready           ${fixed(figures.firstStartMs)}  (first ApiVersions answer at ${fixed(figures.firstAnswerMs)})`,
    `  later starts, to ready          ${spread(figures.laterStartsMs)}`,
    `  later starts, to first answer   ${spread(figures.laterAnswersMs)}`,
    `  stop()                          ${spread(figures.stopsMs)}`,
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 30;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a positive integer, got ${argv[runsAt + 1]}`);
  const figures = await measure(runs);
  process.stdout.write(argv.includes('--json') ? `${JSON.stringify(figures)}\n` : `${report(figures)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
