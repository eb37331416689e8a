// `eddy consume <topic>`: prints a topic's records from a chosen start (earliest by default, latest, an offset, a
// time, or a group's committed offsets) up to the end offsets seen at start, then exits; --follow keeps waiting for
// new records until Ctrl-C, --max stops after N. With --group, the positions reached are committed for the group.
import type { ConsumedRecord } from '../client/fetcher';
import { TopicFetcher } from '../client/fetcher';
import { commitOffsets, committedOffsets } from '../client/groups';
import type { KafkaClient } from '../client/kafka-client';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, partitionOf, topicLayout, type TopicLayout } from '../client/topics';
import type { ToolArgs } from './args';
import { withClient } from './connect';
import { startProgress, toJson, UsageError, writeOut } from './tool-io';

export type StartPoint = { readonly kind: 'offset'; readonly offset: bigint } | { readonly kind: 'timestamp'; readonly timestamp: bigint };

/** --offset: earliest/beginning, latest/end, or a non-negative offset. */
export function parseOffset(text: string): StartPoint {
  if (text === 'earliest' || text === 'beginning') return { kind: 'timestamp', timestamp: EARLIEST_TIMESTAMP };
  if (text === 'latest' || text === 'end') return { kind: 'timestamp', timestamp: LATEST_TIMESTAMP };
  if (/^\d+$/.test(text)) return { kind: 'offset', offset: BigInt(text) };
  throw new UsageError(`--offset must be earliest, latest or an offset (a whole number of at least 0), got "${text}"`);
}

/** A time as milliseconds since the epoch, from a number of milliseconds or an ISO 8601 date. */
export function parseTime(text: string, option: string): bigint {
  if (/^\d+$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${option} must be milliseconds since the epoch or an ISO date such as 2026-01-31T12:00:00Z, got "${text}"`);
  return BigInt(ms);
}

function parseIsolation(text: string): number {
  if (text === 'read_uncommitted') return 0;
  if (text === 'read_committed') return 1;
  throw new UsageError(`--isolation-level must be read_uncommitted or read_committed, got "${text}"`);
}

const FORMATS = ['text', 'json', 'hex'] as const;
type Format = (typeof FORMATS)[number];

export interface RecordFormat {
  readonly format: Format;
  readonly printKey: boolean;
  readonly keySeparator: string;
}

function bytesText(bytes: Buffer | null, format: Format): string {
  if (bytes === null) return 'null';
  return format === 'hex' ? bytes.toString('hex') : bytes.toString('utf8');
}

/** One output line for a record. JSON keeps one shape: key and value as UTF-8 text or null, headers in order. */
export function formatRecord(topic: string, record: ConsumedRecord, how: RecordFormat): string {
  if (how.format === 'json') {
    return toJson({
      topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      timestampType: record.timestampType,
      key: record.key === null ? null : record.key.toString('utf8'),
      value: record.value === null ? null : record.value.toString('utf8'),
      headers: record.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString('utf8') })),
    });
  }
  const value = bytesText(record.value, how.format);
  return how.printKey ? `${bytesText(record.key, how.format)}${how.keySeparator}${value}` : value;
}

function recordFormat(args: ToolArgs): RecordFormat {
  const format = args.json ? 'json' : FORMATS.find((f) => f === args.string('format'));
  if (format === undefined) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${args.string('format')}"`);
  return { format, printKey: args.flag('print-key'), keySeparator: args.string('key-separator') ?? '\t' };
}

/** Where each partition starts: the group's commits first, then --timestamp, --offset or earliest. */
async function startPositions(
  args: ToolArgs,
  client: KafkaClient,
  layout: TopicLayout,
  partitions: readonly number[],
  isolation: number,
): Promise<Map<number, bigint>> {
  const group = args.string('group');
  const committed =
    group === undefined
      ? new Map<number, bigint>()
      : ((await committedOffsets(client, await client.groupCoordinator(group), group, [layout.name])).get(layout.name) ?? new Map<number, bigint>());
  const timestampText = args.string('timestamp');
  const offsetText = args.string('offset');
  if (timestampText !== undefined && offsetText !== undefined) throw new UsageError('give --offset or --timestamp, not both');
  const start: StartPoint =
    timestampText !== undefined ? { kind: 'timestamp', timestamp: parseTime(timestampText, '--timestamp') } : parseOffset(offsetText ?? 'earliest');
  const rest = partitions.filter((p) => !committed.has(p)).map((p) => partitionOf(layout, p));
  const out = new Map(committed);
  if (start.kind === 'offset') {
    for (const p of rest) out.set(p.partition, start.offset);
    return out;
  }
  const found = await listOffsets(client, layout, rest, start.timestamp, isolation);
  const needEnd = [...found].filter(([, offset]) => offset < 0n).map(([p]) => partitionOf(layout, p));
  const ends = needEnd.length > 0 ? await listOffsets(client, layout, needEnd, LATEST_TIMESTAMP, isolation) : new Map<number, bigint>();
  for (const [p, offset] of found) out.set(p, offset < 0n ? (ends.get(p) ?? 0n) : offset);
  return out;
}

export async function consume(args: ToolArgs): Promise<void> {
  const topic = args.requiredString('topic');
  const how = recordFormat(args);
  const isolation = parseIsolation(args.string('isolation-level') ?? 'read_uncommitted');
  const max = args.integer('max', 1);
  const follow = args.flag('follow');
  const group = args.string('group');
  await withClient(args, async (client) => {
    const layout = await topicLayout(client, topic);
    const asked = args.integers('partition');
    const partitions = asked.length > 0 ? asked.map((p) => partitionOf(layout, p).partition) : layout.partitions.map((p) => p.partition);
    const start = await startPositions(args, client, layout, partitions, isolation);
    const ends = await listOffsets(
      client,
      layout,
      partitions.map((p) => partitionOf(layout, p)),
      LATEST_TIMESTAMP,
      isolation,
    );
    const fetcher = new TopicFetcher(client, layout, start, { isolationLevel: isolation, maxWaitMs: follow ? 500 : 100 });
    const next = new Map(start);
    const unread = (p: number): boolean => (next.get(p) ?? 0n) < (ends.get(p) ?? 0n);
    const expected = partitions.reduce((sum, p) => sum + Number((ends.get(p) ?? 0n) - (start.get(p) ?? 0n)), 0);
    const progress = startProgress(`consume ${topic}`, follow ? null : Math.min(expected, max ?? expected), args.flag('progress'));
    let stopping = false;
    const onSigint = (): void => {
      stopping = true;
    };
    process.once('SIGINT', onSigint);
    let printed = 0;
    try {
      while (!stopping && (max === undefined || printed < max)) {
        const active = follow ? partitions : partitions.filter(unread);
        if (active.length === 0) break;
        const records = await fetcher.poll(active);
        const lines: string[] = [];
        let cut = false;
        for (const record of records) {
          if (!follow && record.offset >= (ends.get(record.partition) ?? 0n)) continue;
          lines.push(formatRecord(topic, record, how) + '\n');
          next.set(record.partition, record.offset + 1n);
          printed++;
          if (max !== undefined && printed >= max) {
            cut = true;
            break;
          }
        }
        if (!cut) {
          for (const p of active) {
            const reached = fetcher.position(p);
            const end = ends.get(p) ?? 0n;
            next.set(p, follow || reached < end ? reached : end);
          }
        }
        progress.add(lines.length);
        if (lines.length > 0) await writeOut(lines.join(''));
      }
    } finally {
      process.removeListener('SIGINT', onSigint);
      progress.done();
    }
    if (group !== undefined) await commitOffsets(client, await client.groupCoordinator(group), group, topic, next);
  });
}
