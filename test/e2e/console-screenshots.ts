// Takes the README's console screenshots (docs/console/*.png): a broker with a little of everything (JSON orders
// on three partitions, a lagging consumer group, a committed transaction, live traffic), each page opened in
// headless Chromium and captured at one viewport size. Run after a build:
//   node dist/test/e2e/console-screenshots.js        (or: npm run docs:screenshots)
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { kafkaClient } from '../helpers/kafkajs';
import { openConsole, type ConsoleSession } from './console-harness';

const OUT_DIR = path.resolve(__dirname, '..', '..', '..', 'docs', 'console');
const ITEMS = ['book', 'lamp', 'chair', 'mug', 'pen'];

async function seed(session: ConsoleSession): Promise<void> {
  const kafka = kafkaClient(session.bootstrap, 'screenshots');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'orders', numPartitions: 3 },
      { topic: 'payments', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: String(3 * 86_400_000) }] },
      { topic: 'customers', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const now = Date.now();
  await producer.send({
    topic: 'orders',
    messages: Array.from({ length: 240 }, (_, i) => ({
      key: `order-${1000 + i}`,
      value: JSON.stringify({ id: 1000 + i, customer: `c-${i % 17}`, item: ITEMS[i % ITEMS.length], quantity: 1 + (i % 3), total: 9.5 + i }),
      headers: { source: 'web', 'trace-id': `t-${(i * 7919).toString(16)}` },
      timestamp: String(now - (240 - i) * 60_000),
    })),
  });
  await producer.send({
    topic: 'customers',
    messages: Array.from({ length: 17 }, (_, i) => ({ key: `c-${i}`, value: JSON.stringify({ name: `Customer ${i}` }) })),
  });
  await admin.setOffsets({
    groupId: 'billing',
    topic: 'orders',
    partitions: [0, 1, 2].map((partition) => ({ partition, offset: String(40 + partition * 5) })),
  });
  await admin.disconnect();
  const tx = kafka.producer({ transactionalId: 'payments-writer', idempotent: true, maxInFlightRequests: 1 });
  await tx.connect();
  const txn = await tx.transaction();
  await txn.send({ topic: 'payments', messages: [{ key: 'order-1001', value: JSON.stringify({ paid: 10.5 }) }] });
  await txn.commit();
  await tx.disconnect();
  await producer.disconnect();
}

/** Produces a trickle into two topics for a few seconds, so the overview's live charts have lines. */
async function traffic(session: ConsoleSession, seconds: number): Promise<void> {
  const producer = kafkaClient(session.bootstrap, 'screenshots-traffic').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (let i = 0; i < seconds * 4; i++) {
    await producer.send({ topic: i % 3 === 0 ? 'payments' : 'orders', messages: [{ value: 'x'.repeat(200 + ((i * 97) % 800)) }] });
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await producer.disconnect();
}

async function capture(page: Page, name: string): Promise<void> {
  const file = path.join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  process.stdout.write(`${path.relative(process.cwd(), file)}: ${fs.statSync(file).size} bytes\n`);
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const session = await openConsole();
  try {
    await seed(session);
    const page = session.page;
    await page.setViewportSize({ width: 1200, height: 760 });
    const go = async (hash: string, ready: () => Promise<unknown>) => {
      await page.goto('about:blank');
      await page.goto(`${session.url}/${hash}`);
      await ready();
    };
    await go('#/', () => page.locator('dl.facts').waitFor());
    await traffic(session, 8);
    await page.getByRole('img', { name: 'Bytes in per topic' }).waitFor();
    await capture(page, 'overview');
    await go('#/topics', () => page.getByRole('table', { name: 'Topics' }).waitFor());
    await capture(page, 'topics');
    await go('#/topics/orders', () => page.getByRole('table', { name: 'Configs' }).waitFor());
    await capture(page, 'topic');
    await go('#/topics/orders/messages?partition=0&offset=30', () => page.getByRole('table', { name: 'Records' }).locator('tbody tr').first().waitFor());
    await page.getByRole('button', { name: 'Details of offset 31 in partition 0' }).click();
    await page.getByRole('region', { name: 'Value' }).waitFor();
    await capture(page, 'messages');
    await go('#/groups', () => page.getByRole('table', { name: 'Consumer groups' }).waitFor());
    await capture(page, 'groups');
    await go('#/groups/billing', () => page.getByRole('table', { name: 'Lag per partition' }).waitFor());
    await capture(page, 'group');
    await go('#/transactions', () => page.getByRole('table', { name: 'Producers' }).waitFor());
    await capture(page, 'transactions');
  } finally {
    await session.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
