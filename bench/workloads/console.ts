// What the HTTP console costs producers (issue 19's figure): produce throughput of a broker whose HTTP server is on,
// with /metrics scraped every second and the console's live stream (/api/live) open, against the same broker
// started with --no-http; rounds alternate which goes first, so load from elsewhere on the machine hits both alike.
// The figure is the median of the per-round on/off ratios (a slow round on a busy machine moves one ratio, not
// the median); beside it the broker's CPU time per 1,000 records, which load elsewhere disturbs less than a rate.
// Also the broker's RSS a second after start (fastify and prom-client loaded, or not) and after the produce run.
import * as fs from 'fs';
import type { BenchContext } from '../lib/context';
import { num } from '../lib/line-child';
import { freePort } from '../lib/net-probe';
import { cpuMs, rssBytes } from '../lib/proc-stats';
import { record, section, Section } from '../lib/results';
import { median } from '../lib/stats';
import { startEddy, topicName } from '../lib/targets';

const MB = 1024 * 1024;
const SCRAPE_EVERY_MS = 1000;
/** Rounds outside --quick (more with --runs): a 5% effect needs more than three on a shared machine. */
const MIN_ROUNDS = 9;
const QUICK_ROUNDS = 3;
const THROUGHPUT_ROW = 'rdkafka produce 100 B acks=1 p1 none';
const CPU_ROW = 'broker CPU per 1,000 records';
const ON = 'on';
const OFF = 'off';
type Condition = typeof ON | typeof OFF;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function consoleSection(): Section {
  return section(
    'console',
    'HTTP console: /metrics scraped every second and /api/live open, against --no-http',
    [
      { key: ON, label: 'HTTP on' },
      { key: OFF, label: '--no-http' },
    ],
    [[ON, OFF]],
  );
}

/** A Prometheus-like scraper and a console tab's live stream, against one broker's HTTP server. */
interface ConsoleWatchers {
  stop(): Promise<{ scrapes: number; failures: number; scrapeMs: number[] }>;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/metrics`)).ok) return;
    } catch {
      // not listening yet: the server starts after the Kafka listeners
    }
    if (Date.now() > deadline) throw new Error(`${url}/metrics did not answer within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function watchConsole(url: string): ConsoleWatchers {
  const scrapeMs: number[] = [];
  let failures = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const scrape = async (): Promise<void> => {
    const started = performance.now();
    try {
      const response = await fetch(`${url}/metrics`);
      await response.text();
      if (response.ok) scrapeMs.push(performance.now() - started);
      else failures++;
    } catch {
      failures++;
    }
  };
  const timer = setInterval(() => {
    inFlight = scrape();
  }, SCRAPE_EVERY_MS);
  const live = new AbortController();
  const reading = (async (): Promise<void> => {
    const response = await fetch(`${url}/api/live`, { signal: live.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    while (!(await reader.read()).done);
  })().catch(() => undefined);
  return {
    stop: async () => {
      clearInterval(timer);
      live.abort();
      await Promise.all([inFlight, reading]);
      return { scrapes: scrapeMs.length, failures, scrapeMs };
    },
  };
}

interface RoundResult {
  readonly rate: number;
  /** Broker CPU (all threads) per 1,000 records during the produce run; undefined when /proc could not tell. */
  readonly cpuPerThousand: number | undefined;
}

async function produceRound(ctx: BenchContext, condition: Condition, round: number, out: Section): Promise<RoundResult> {
  const httpPort = condition === ON ? await freePort() : 'off';
  const eddy = await startEddy({ workDir: ctx.workDir, label: `console-${condition}-r${round}`, admin: ctx.rdkafka, httpPort });
  const url = `http://127.0.0.1:${String(httpPort)}`;
  let watchers: ConsoleWatchers | undefined;
  try {
    if (condition === ON) await waitForHttp(url, 20000);
    await sleep(1000);
    const startRss = rssBytes(eddy.pid);
    if (startRss !== undefined) record(out, 'RSS 1 s after start', 'MB', condition, startRss / MB);
    const topic = topicName(['console', condition, `r${round}`], 1);
    await eddy.createTopic(topic, 1);
    if (condition === ON) watchers = watchConsole(url);
    const seconds = ctx.quick ? 4 : 8;
    const job = {
      kind: 'produce',
      bootstrap: eddy.bootstrap,
      topic,
      size: 100,
      acks: 1,
      partitions: 1,
      compression: 'none',
      count: 50_000_000,
      maxSeconds: seconds,
    };
    const cpuBefore = cpuMs(eddy.pid);
    const res = await ctx.rdkafka.run(job);
    const cpuAfter = cpuMs(eddy.pid);
    const records = num(res, 'records');
    const rate = records / num(res, 'seconds');
    record(out, THROUGHPUT_ROW, 'rec/s', condition, rate, 100);
    const cpuPerThousand = cpuBefore !== undefined && cpuAfter !== undefined && records > 0 ? ((cpuAfter - cpuBefore) * 1000) / records : undefined;
    if (cpuPerThousand !== undefined) record(out, CPU_ROW, 'ms', condition, cpuPerThousand);
    const afterRss = rssBytes(eddy.pid);
    if (afterRss !== undefined) record(out, 'RSS after the produce run', 'MB', condition, afterRss / MB);
    if (watchers !== undefined) {
      const seen = await watchers.stop();
      watchers = undefined;
      if (seen.scrapeMs.length > 0) record(out, '/metrics scrape time during the run', 'ms', condition, median(seen.scrapeMs));
      if (seen.failures > 0) out.notes.push(`round ${round + 1}: ${seen.failures} scrape(s) failed`);
    }
    return { rate, cpuPerThousand };
  } finally {
    await watchers?.stop();
    await eddy.stop();
    fs.rmSync(eddy.dataDir, { recursive: true, force: true });
  }
}

/**
 * Alternating rounds. The figure is the median of the per-round throughput ratios, recorded as a row of
 * its own (in the `on` column, so that `npm run bench:compare` compares it like any figure), as is the CPU ratio.
 */
export async function runConsole(ctx: BenchContext, out: Section): Promise<void> {
  const rounds = ctx.quick ? QUICK_ROUNDS : Math.max(MIN_ROUNDS, ctx.runs);
  const rateRatios: number[] = [];
  const cpuRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order: Condition[] = round % 2 === 0 ? [ON, OFF] : [OFF, ON];
    const results: Partial<Record<Condition, RoundResult>> = {};
    for (const condition of order) {
      ctx.progress(`console round ${round + 1}/${rounds}: HTTP ${condition}`);
      results[condition] = await produceRound(ctx, condition, round, out);
    }
    const on = results[ON];
    const off = results[OFF];
    if (on === undefined || off === undefined) continue;
    rateRatios.push(on.rate / off.rate);
    record(out, 'throughput on ÷ off, per round', '×', ON, on.rate / off.rate);
    if (on.cpuPerThousand !== undefined && off.cpuPerThousand !== undefined && off.cpuPerThousand > 0) {
      cpuRatios.push(on.cpuPerThousand / off.cpuPerThousand);
      record(out, 'broker CPU per record on ÷ off, per round', '×', ON, on.cpuPerThousand / off.cpuPerThousand);
    }
  }
  const list = (ratios: number[]): string => `${ratios.map((r) => r.toFixed(3)).join(', ')}; median ${median(ratios).toFixed(3)}`;
  out.notes.push(`per-round throughput on/off ratios: ${list(rateRatios)} (the issue asks ≥ 0.95)`);
  if (cpuRatios.length > 0) out.notes.push(`per-round broker CPU per record on/off ratios: ${list(cpuRatios)}`);
}
