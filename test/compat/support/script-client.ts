// Clients that run in their own process (the Python clients, and @platformatic/kafka, which is ESM-only and so
// cannot be loaded through jest's CommonJS module system) are driven through small scripts with the same three
// subcommands, `admin`, `produce` and `consume`, each printing one JSON report. One suite definition serves them all.
import { run } from '../../helpers/tools';
import { describeClient } from './compat-clients';
import { startEddy, RunningEddy } from './eddy';
import { expectStoredCodec } from './stored-batches';
import { ConsumedRecord, ExpectedRecord, expectedRecords, verifyConsumed } from './keyed-records';

export interface ProduceReport {
  readonly delivered: number;
  readonly errors: readonly string[];
}

export interface ConsumeReport {
  readonly records: readonly ConsumedRecord[];
  readonly errors: readonly string[];
  /** Committed offset per partition, after the consumer committed what it read. */
  readonly committed: Readonly<Record<string, number>>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asProduceReport(v: unknown): ProduceReport {
  if (!isObject(v) || typeof v.delivered !== 'number' || !Array.isArray(v.errors)) {
    throw new Error(`not a produce report: ${JSON.stringify(v)}`);
  }
  return { delivered: v.delivered, errors: v.errors.map(String) };
}

function asConsumedRecord(v: unknown): ConsumedRecord {
  if (!isObject(v) || typeof v.partition !== 'number' || typeof v.offset !== 'string' || !isObject(v.headers)) {
    throw new Error(`not a consumed record: ${JSON.stringify(v)}`);
  }
  const headers: Record<string, string> = {};
  for (const [k, h] of Object.entries(v.headers)) headers[k] = String(h);
  return {
    partition: v.partition,
    offset: v.offset,
    key: typeof v.key === 'string' ? v.key : null,
    value: typeof v.value === 'string' ? v.value : null,
    headers,
  };
}

function asConsumeReport(v: unknown): ConsumeReport {
  if (!isObject(v) || !Array.isArray(v.records) || !Array.isArray(v.errors) || !isObject(v.committed)) {
    throw new Error(`not a consume report: ${JSON.stringify(v).slice(0, 500)}`);
  }
  const committed: Record<string, number> = {};
  for (const [p, o] of Object.entries(v.committed)) committed[p] = Number(o);
  return { records: v.records.map(asConsumedRecord), errors: v.errors.map(String), committed };
}

export class ScriptClient {
  /** `command` is the interpreter followed by the script; the subcommand and the bootstrap address follow them. */
  constructor(
    private readonly command: readonly string[],
    private readonly bootstrap: string,
  ) {}

  async call(args: readonly string[], input = ''): Promise<unknown> {
    const [exe, ...script] = this.command;
    const res = await run(exe, [...script, args[0], this.bootstrap, ...args.slice(1)], input, 90000);
    const name = script.join(' ');
    if (res.code !== 0) throw new Error(`${name} ${args.join(' ')} exited with ${res.code}:\n${res.stderr.slice(-4000)}`);
    const lastLine = res.stdout.trim().split('\n').pop() ?? '';
    return JSON.parse(lastLine) as unknown;
  }

  async produce(topic: string, records: readonly ExpectedRecord[], ...options: string[]): Promise<ProduceReport> {
    const input = records.map((r) => JSON.stringify({ key: r.key, value: r.value, headers: r.headers })).join('\n') + '\n';
    return asProduceReport(await this.call(['produce', topic, ...options], input));
  }

  async consume(topic: string, group: string, count: number): Promise<ConsumeReport> {
    return asConsumeReport(await this.call(['consume', topic, group, String(count)]));
  }
}

export interface ScriptSuite {
  readonly title: string;
  /** Interpreter and script. */
  readonly command: readonly string[];
  /** Why the client cannot run (missing packages), each null when fine. */
  readonly problems: readonly (string | null)[];
  readonly clientTag: string;
  /** The codecs the client supports. */
  readonly codecs: readonly string[];
  /** Extra `produce` arguments that turn on the idempotent producer, or null where the client has none. */
  readonly idempotentArgs: readonly string[] | null;
  /** Assertions on the `admin` report beyond the topic's partitions. */
  readonly checkAdmin?: (report: Record<string, unknown>, eddy: RunningEddy) => void;
}

function expectDelivered(report: ProduceReport, count: number): void {
  expect(report.errors).toEqual([]);
  expect(report.delivered).toBe(count);
}

function sumCommitted(report: ConsumeReport): number {
  return Object.values(report.committed).reduce((a, b) => a + b, 0);
}

export function describeScriptClient(suite: ScriptSuite): void {
  describeClient(suite.title, suite.problems, () => {
    let eddy: RunningEddy;
    let client: ScriptClient;

    beforeAll(async () => {
      eddy = await startEddy();
      client = new ScriptClient(suite.command, eddy.bootstrap);
    });

    afterAll(async () => {
      await eddy?.stop();
    });

    async function createTopic(topic: string): Promise<Record<string, unknown>> {
      const report = await client.call(['admin', topic, '3']);
      if (!isObject(report)) throw new Error(`not an admin report: ${JSON.stringify(report)}`);
      expect(report.partitions).toEqual([0, 1, 2]);
      return report;
    }

    test('admin client creates a 3-partition topic and sees the broker', async () => {
      const report = await createTopic(`${suite.clientTag}-admin`);
      expect(report.brokers).toEqual([{ id: eddy.nodeId, host: '127.0.0.1', port: eddy.port }]);
      expect(report.duplicateError).toMatch(/TOPIC_ALREADY_EXISTS|TopicAlreadyExists/);
      suite.checkAdmin?.(report, eddy);
    });

    test('10,000 keyed records with headers come back through a consumer group, in order per partition', async () => {
      const topic = `${suite.clientTag}-keyed`;
      await createTopic(topic);
      const records = expectedRecords(10000, suite.clientTag);
      expectDelivered(await client.produce(topic, records), records.length);
      const consumed = await client.consume(topic, `${topic}-group`, records.length);
      expect(consumed.errors).toEqual([]);
      expect(verifyConsumed(records, consumed.records).partitionsSeen).toBe(3);
      expect(sumCommitted(consumed)).toBe(records.length);
    });

    test('committed offsets survive a consumer restart: the next consumer resumes where the first stopped', async () => {
      const topic = `${suite.clientTag}-resume`;
      await createTopic(topic);
      const first = expectedRecords(300, suite.clientTag);
      const second = expectedRecords(200, suite.clientTag, { first: 300 });
      expectDelivered(await client.produce(topic, first), first.length);
      const before = await client.consume(topic, `${topic}-group`, first.length);
      verifyConsumed(first, before.records);
      expect(sumCommitted(before)).toBe(first.length);
      expectDelivered(await client.produce(topic, second), second.length);
      const after = await client.consume(topic, `${topic}-group`, second.length);
      verifyConsumed(second, after.records);
      expect(sumCommitted(after)).toBe(first.length + second.length);
    });

    test.each(suite.codecs)('%s-compressed batches round-trip', async (codec) => {
      const topic = `${suite.clientTag}-${codec}`;
      await createTopic(topic);
      const records = expectedRecords(2000, `${suite.clientTag}-${codec}`);
      expectDelivered(await client.produce(topic, records, codec), records.length);
      verifyConsumed(records, (await client.consume(topic, `${topic}-group`, records.length)).records);
      await expectStoredCodec(eddy.port, topic, codec);
    });

    const idempotentArgs = suite.idempotentArgs;
    if (idempotentArgs !== null) {
      test('idempotent producer', async () => {
        const topic = `${suite.clientTag}-idempotent`;
        await createTopic(topic);
        const records = expectedRecords(2000, `${suite.clientTag}-idempotent`);
        expectDelivered(await client.produce(topic, records, ...idempotentArgs), records.length);
        verifyConsumed(records, (await client.consume(topic, `${topic}-group`, records.length)).records);
      });
    }
  });
}
