// The web console end to end, in headless Chromium against a real broker: create a topic from the topics page,
// produce with kafkajs and from the console, browse by offset and by timestamp, read a JSON value pretty-printed,
// open a 10 MB binary value as truncated hex with its download link. One browser and one broker for the file;
// each test opens the page it needs.
import type { Page } from 'playwright-core';
import { type Kafka, type Producer } from 'kafkajs';
import { kafkaClient } from '../helpers/kafkajs';
import { browserSkipReason, dateTimeLocal, openConsole, type ConsoleSession } from './console-harness';

jest.setTimeout(60_000);

const skipReason = browserSkipReason();
if (skipReason !== null) console.warn(skipReason);
const describeWithBrowser = skipReason === null ? describe : describe.skip;

/** Records of the JSON topic: offset i has id i and timestamp T0 + i seconds. */
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const JSON_RECORDS = 30;

describeWithBrowser('web console', () => {
  let session: ConsoleSession;
  let kafka: Kafka;
  let producer: Producer;
  let page: Page;

  beforeAll(async () => {
    session = await openConsole({ 'message.max.bytes': String(12 * 1024 * 1024) });
    page = session.page;
    kafka = kafkaClient(session.bootstrap, 'console-e2e');
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await session?.close();
  });

  /** Loads a console page afresh (going to the same URL with only a new hash would keep the old page's state). */
  async function open(hash: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${session.url}/${hash}`);
  }

  async function openMessages(topic: string): Promise<void> {
    await open(`#/topics/${topic}/messages`);
    await page.getByRole('heading', { level: 1, name: `Messages in ${topic}` }).waitFor();
    await recordsSettled();
  }

  /** Waits until the records section shows the answer to the last request (it is aria-busy while loading). */
  async function recordsSettled(): Promise<void> {
    await page.locator('section[aria-labelledby="records-heading"][aria-busy="false"]').waitFor();
  }

  /** Fills the browse form and waits for the page of records it asks for. */
  async function browse(options: { partition?: string; from: string; offset?: number; time?: number; filter?: string }): Promise<void> {
    const form = page.getByRole('form', { name: 'Browse records' });
    if (options.partition !== undefined) await form.getByLabel('Partition').selectOption(options.partition);
    await form.getByLabel('Start from').selectOption(options.from);
    if (options.offset !== undefined) await form.getByLabel('Offset').fill(String(options.offset));
    if (options.time !== undefined) await form.getByLabel('Time').fill(dateTimeLocal(options.time));
    if (options.filter !== undefined) await form.getByLabel('Key or value contains').fill(options.filter);
    await loadRecords(() => form.getByRole('button', { name: 'Show records' }).click());
  }

  /** Runs the click that asks for a page of records, and waits until the page shows the answer. */
  async function loadRecords(click: () => Promise<void>): Promise<void> {
    const answered = page.waitForResponse((r) => r.url().includes('/records?') && r.request().method() === 'GET');
    await click();
    expect((await answered).status()).toBe(200);
    await recordsSettled();
  }

  // Only the table's own rows: an open record's details row holds tables of its own.
  const recordRows = () => page.getByRole('table', { name: 'Records' }).locator(':scope > tbody > tr:not(.details)');
  const offsetsShown = async (): Promise<number[]> => (await recordRows().locator('td:nth-child(2)').allTextContents()).map(Number);

  it('creates a topic from the topics page and lists it', async () => {
    await open('#/topics');
    await page.getByText('Create a topic').click();
    const form = page.getByRole('form', { name: 'Create a topic' });
    await form.getByLabel('Topic name').fill('orders');
    await form.getByLabel('Partitions').fill('2');
    await form.getByRole('button', { name: 'Create topic' }).click();
    await page.getByRole('status').filter({ hasText: 'Topic orders created.' }).waitFor();
    const row = page
      .getByRole('table', { name: 'Topics' })
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'orders', exact: true }) });
    await row.waitFor();
    await expect(row.locator('td').first().textContent()).resolves.toBe('2');
  });

  it('browses records kafkajs produced, by offset, and shows a JSON value pretty-printed', async () => {
    await producer.send({
      topic: 'orders',
      messages: Array.from({ length: JSON_RECORDS }, (_, i) => ({
        partition: 0,
        key: `order-${i}`,
        value: JSON.stringify({ id: i, item: 'book' }),
        timestamp: String(T0 + i * 1000),
        headers: { source: 'kafkajs' },
      })),
    });
    await openMessages('orders');
    await browse({ partition: '0', from: 'offset', offset: 10 });
    const offsets = await offsetsShown();
    expect(offsets[0]).toBe(10);
    expect(offsets).toEqual(Array.from({ length: JSON_RECORDS - 10 }, (_, i) => 10 + i));

    await page.getByRole('button', { name: 'Details of offset 10 in partition 0' }).click();
    const value = page.getByRole('region', { name: 'Value' });
    await expect(value.locator('pre').getAttribute('data-view')).resolves.toBe('json');
    await expect(value.locator('pre').textContent()).resolves.toBe(JSON.stringify({ id: 10, item: 'book' }, null, 2));
    await value.getByLabel('Hex').check();
    await expect(value.locator('pre').textContent()).resolves.toMatch(/^00000000 {2}7b 22 69 64 22 3a 31 30/);
    await expect(page.getByRole('table', { name: 'Headers' }).textContent()).resolves.toBe('sourcekafkajs');
    await expect(page.getByRole('region', { name: 'Batch' }).textContent()).resolves.toContain('Compressionnone');
  });

  it('pages through a partition with the broker cursor', async () => {
    await openMessages('orders');
    const form = page.getByRole('form', { name: 'Browse records' });
    await form.getByLabel('Records per page').selectOption('20');
    await browse({ partition: '0', from: 'oldest' });
    expect(await offsetsShown()).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await loadRecords(() => page.getByRole('button', { name: 'Next page' }).click());
    expect(await offsetsShown()).toEqual(Array.from({ length: JSON_RECORDS - 20 }, (_, i) => 20 + i));
  });

  it('browses from a timestamp (time travel) and filters by text', async () => {
    await openMessages('orders');
    await browse({ partition: '0', from: 'timestamp', time: T0 + 25_000 });
    expect(await offsetsShown()).toEqual([25, 26, 27, 28, 29]);
    await browse({ partition: '0', from: 'oldest', filter: 'order-7' });
    expect(await offsetsShown()).toEqual([7]);
  });

  it('produces a record from the console with key, headers and partition, then shows it', async () => {
    await openMessages('orders');
    const form = page.getByRole('form', { name: 'Produce a record' });
    await form.getByLabel('Partition').selectOption('1');
    await form.getByLabel('Format').selectOption('JSON');
    await form.getByLabel('Key', { exact: true }).fill('"from-ui"');
    await form.getByLabel('Value', { exact: true }).fill('{"produced":"by the console","n":1}');
    await form.getByLabel('Headers').fill('trace-id: abc-123');
    await form.getByRole('button', { name: 'Produce' }).click();
    await page.getByRole('status').filter({ hasText: 'Produced to partition 1 at offset 0.' }).waitFor();

    await browse({ partition: '1', from: 'newest' });
    expect(await offsetsShown()).toEqual([0]);
    await page.getByRole('button', { name: 'Details of offset 0 in partition 1' }).click();
    await expect(page.getByRole('region', { name: 'Key' }).locator('pre').textContent()).resolves.toBe('"from-ui"');
    await expect(page.getByRole('region', { name: 'Value' }).locator('pre').textContent()).resolves.toBe('{\n  "produced": "by the console",\n  "n": 1\n}');
    await expect(page.getByRole('table', { name: 'Headers' }).textContent()).resolves.toBe('trace-idabc-123');
  });

  it('shows a 10 MB binary value as truncated hex with a link that downloads all of it', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'blobs', numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(11 * 1024 * 1024) }] }],
    });
    await admin.disconnect();
    const blob = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 7 + 3) & 0xff;
    await producer.send({ topic: 'blobs', messages: [{ key: 'blob', value: blob }] });

    await openMessages('blobs');
    await browse({ from: 'oldest' });
    await expect(recordRows().locator('td.preview').nth(1).textContent()).resolves.toBe(`(binary, ${blob.length} bytes)`);
    await page.getByRole('button', { name: 'Details of offset 0 in partition 0' }).click();
    const value = page.getByRole('region', { name: 'Value' });
    await expect(value.locator('pre').getAttribute('data-view')).resolves.toBe('hex');
    await expect(value.locator('pre').textContent()).resolves.toMatch(/^00000000 {2}03 0a 11 18 1f 26 2d 34/);
    await expect(value.textContent()).resolves.toContain('Truncated');
    const link = value.getByRole('link', { name: 'Download the whole value' });
    const href = await link.getAttribute('href');
    const downloaded = Buffer.from(await (await fetch(new URL(href ?? '', session.url))).arrayBuffer());
    expect(downloaded.equals(blob)).toBe(true);
  });

  it("shows a group's lag per partition and resets it, as Kafka allows only for an empty group", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: 'billing', topic: 'orders', partitions: [{ partition: 0, offset: '5' }] });
    await admin.disconnect();

    await open('#/groups');
    const groupRow = page
      .getByRole('table', { name: 'Consumer groups' })
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: 'billing' }) });
    await expect(groupRow.locator('td').last().textContent()).resolves.toBe(String(JSON_RECORDS - 5));
    await groupRow.getByRole('link', { name: 'billing' }).click();
    await page.getByRole('heading', { level: 1, name: 'Consumer group billing' }).waitFor();
    const lagRow = page.getByRole('table', { name: 'Lag per partition' }).locator('tbody tr').first();
    // The heading belongs to the page frame, drawn before the group's lags arrive; the rows come with them.
    await lagRow.waitFor();
    await expect(lagRow.locator('td').allTextContents()).resolves.toEqual(['orders', '0', '5', String(JSON_RECORDS), String(JSON_RECORDS - 5), '—']);

    const reset = page.getByRole('form', { name: 'Reset offsets' });
    await reset.getByLabel('Topic').fill('orders');
    await reset.getByLabel('Partition (empty for all)').fill('0');
    await reset.getByLabel('Reset to').selectOption('timestamp');
    await reset.getByLabel('Time').fill(dateTimeLocal(T0 + 20_000));
    await reset.getByRole('button', { name: 'Reset offsets' }).click();
    await page.getByRole('status').filter({ hasText: 'Offsets reset: orders-0 5 → 20.' }).waitFor();
    await page
      .getByTestId('total-lag')
      .filter({ hasText: String(JSON_RECORDS - 20) })
      .waitFor();
    await expect(lagRow.locator('td').nth(2).textContent()).resolves.toBe('20');
  });

  it("refuses to reset or delete a group with a live member, with the broker's reason", async () => {
    const consumer = kafka.consumer({ groupId: 'live-readers', sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    let joined!: () => void;
    const hasJoined = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.run({ eachMessage: async () => undefined });
    try {
      await hasJoined;
      await open(`#/groups/live-readers`);
      const members = page.getByRole('table', { name: 'Members' }).locator('tbody tr');
      await members.first().waitFor();
      await expect(members.count()).resolves.toBe(1);
      const reset = page.getByRole('form', { name: 'Reset offsets' });
      await reset.getByLabel('Topic').fill('orders');
      await reset.getByRole('button', { name: 'Reset offsets' }).click();
      await page.getByRole('alert').filter({ hasText: "can only be reset if the group 'live-readers' is inactive" }).waitFor();
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Delete group' }).click();
      await page.getByRole('alert').filter({ hasText: 'The group live-readers is not empty.' }).waitFor();
    } finally {
      await consumer.disconnect();
    }
  });

  it('deletes an empty group', async () => {
    await open('#/groups/billing');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete group' }).click();
    await page.getByRole('heading', { level: 1, name: 'Consumer groups' }).waitFor();
    await page.getByRole('link', { name: 'live-readers' }).waitFor();
    await expect(page.getByRole('link', { name: 'billing' }).count()).resolves.toBe(0);
  });

  it('shows the overview with live throughput, and transactions and producers', async () => {
    const txProducer = kafka.producer({ transactionalId: 'invoicer', idempotent: true, maxInFlightRequests: 1 });
    await txProducer.connect();
    const txn = await txProducer.transaction();
    await txn.send({ topic: 'orders', messages: [{ partition: 1, key: 'invoice', value: 'paid' }] });
    await txn.commit();
    await txProducer.disconnect();

    await open('#/');
    const facts = page.locator('dl.facts');
    await expect(facts.getByText('Broker id').locator('xpath=following-sibling::dd').textContent()).resolves.toBe(String(session.broker.identity.nodeId));
    await facts.getByText(`PLAINTEXT://${session.bootstrap}`).waitFor();
    await page.getByRole('img', { name: 'Bytes in per topic' }).waitFor();

    await open('#/transactions');
    const txRow = page.getByRole('table', { name: 'Transactions' }).getByRole('row').filter({ hasText: 'invoicer' });
    await expect(txRow.locator('td').first().textContent()).resolves.toBe('CompleteCommit');
    await page.getByRole('table', { name: 'Producers' }).getByRole('row').filter({ hasText: 'orders' }).first().waitFor();
  });
});
