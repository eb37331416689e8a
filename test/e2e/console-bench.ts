// The console figure: the topic list with 1,000 topics and the message browser's first page, each served
// in under 300 ms. Measured two ways on one broker: the API call alone (the JSON each page needs, over HTTP) and the
// page in headless Chromium from navigation until its table is drawn (the bundle, the API call, the render).
// Prints medians and 90th percentiles, with the load average: on a shared machine the figures move with it.
// Run after a build: node dist/test/e2e/console-bench.js [--topics 1000] [--records 300000] [--runs 21]
import * as os from 'os';
import { kafkaClient } from '../helpers/kafkajs';
import { openConsole, type ConsoleSession } from './console-harness';

interface Options {
  readonly topics: number;
  readonly records: number;
  readonly runs: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string, fallback: number): number => {
    const at = argv.indexOf(`--${name}`);
    return at < 0 ? fallback : Number(argv[at + 1]);
  };
  return { topics: value('topics', 1000), records: value('records', 300_000), runs: value('runs', 21) };
}

const BROWSE_TOPIC = 'browse';
const BROWSE_PARTITIONS = 3;

async function seed(session: ConsoleSession, options: Options): Promise<void> {
  const kafka = kafkaClient(session.bootstrap, 'console-bench');
  const admin = kafka.admin();
  await admin.connect();
  const names = Array.from({ length: options.topics - 1 }, (_, i) => `topic-${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 100) {
    await admin.createTopics({ topics: names.slice(i, i + 100).map((topic) => ({ topic, numPartitions: 1 })) });
  }
  await admin.createTopics({ topics: [{ topic: BROWSE_TOPIC, numPartitions: BROWSE_PARTITIONS }] });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const batch = 5000;
  for (let sent = 0; sent < options.records; sent += batch) {
    const messages = Array.from({ length: Math.min(batch, options.records - sent) }, (_, i) => ({
      partition: (sent + i) % BROWSE_PARTITIONS,
      key: `key-${sent + i}`,
      value: JSON.stringify({ id: sent + i, item: 'book', note: 'x'.repeat(60) }),
    }));
    await producer.send({ topic: BROWSE_TOPIC, messages });
  }
  await producer.disconnect();
}

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeApi(url: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    times.push(performance.now() - start);
  }
  return times;
}

/** Navigation to a page until `selector` is drawn, each run from a blank page (no warm page state, cached bundle). */
async function timePage(session: ConsoleSession, hash: string, selector: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await session.page.goto('about:blank');
    const start = performance.now();
    await session.page.goto(`${session.url}/${hash}`);
    await session.page.locator(selector).first().waitFor();
    times.push(performance.now() - start);
  }
  return times;
}

/** A click-through inside the console (a hash change: no bundle to load), from the groups page to `hash` until `selector` is drawn. */
async function timeInApp(session: ConsoleSession, hash: string, selector: string, runs: number): Promise<number[]> {
  const page = session.page;
  await page.goto(`${session.url}/#/groups`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.evaluate('location.hash = "#/groups"');
    await page.getByRole('heading', { level: 1, name: 'Consumer groups' }).waitFor();
    const start = performance.now();
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.locator(selector).first().waitFor();
    times.push(performance.now() - start);
  }
  return times;
}

function row(label: string, samples: readonly number[]): string {
  return `${label.padEnd(58)} ${percentile(samples, 50).toFixed(1).padStart(8)} ${percentile(samples, 90).toFixed(1).padStart(8)}`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const session = await openConsole();
  try {
    const seedStart = performance.now();
    await seed(session, options);
    process.stdout.write(`seeded ${options.topics} topics and ${options.records} records in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);
    const records = `${session.url}/api/topics/${BROWSE_TOPIC}/records`;
    const results: [string, number[]][] = [
      [`API GET /api/topics (${options.topics} topics)`, await timeApi(`${session.url}/api/topics`, options.runs)],
      [`API GET records, all partitions, newest 50`, await timeApi(`${records}?from=newest&limit=50`, options.runs)],
      [`API GET records, one partition, from offset 50000`, await timeApi(`${records}?partition=1&from=offset&offset=50000&limit=50`, options.runs)],
      [`page load #/topics, table drawn (${options.topics} topics)`, await timePage(session, '#/topics', 'table[aria-label="Topics"] tbody tr', options.runs)],
      [
        `page load #/topics/${BROWSE_TOPIC}/messages, first page drawn`,
        await timePage(session, `#/topics/${BROWSE_TOPIC}/messages`, 'section[aria-busy="false"] table[aria-label="Records"] tbody tr', options.runs),
      ],
      [`in-console link to #/topics, table drawn`, await timeInApp(session, '#/topics', 'table[aria-label="Topics"] tbody tr', options.runs)],
      [
        `in-console link to the browser, first page drawn`,
        await timeInApp(session, `#/topics/${BROWSE_TOPIC}/messages`, 'section[aria-busy="false"] table[aria-label="Records"] tbody tr', options.runs),
      ],
    ];
    process.stdout.write(`\n${'what (ms)'.padEnd(58)} ${'median'.padStart(8)} ${'p90'.padStart(8)}\n`);
    for (const [label, samples] of results) process.stdout.write(`${row(label, samples)}\n`);
    process.stdout.write(
      `\n${options.runs} runs each; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores\n`,
    );
  } finally {
    await session.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
