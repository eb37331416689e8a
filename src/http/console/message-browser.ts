// The message browser's paging: where a page starts in each partition it covers (oldest, newest, an offset, a
// timestamp with ListOffsets' semantics, or a cursor from the previous page), reading only a page's worth of
// records per partition, merging partitions by timestamp, and the cursors to the next and previous pages. With a
// filter, records are matched within a bounded window of scanned records, and the cursor continues after it.
import type { PartitionLog } from '../../../storage';
import type { DecodedRecord } from '../../../codecs/records/record-batch';
import { badRequest } from './rest-errors';
import { scanPartition, type ScannedRecord } from './partition-reader';

export type StartFrom = 'oldest' | 'newest' | 'offset' | 'timestamp';

export interface BrowseRequest {
  readonly from: StartFrom;
  readonly offset?: number;
  readonly timestamp?: number;
  readonly limit: number;
  /** Text the key or value (as UTF-8) must contain; matched within `scanLimit` records. */
  readonly filter?: string;
  readonly scanLimit: number;
  /** Positions per partition from a previous page's cursor; overrides `from`. */
  readonly cursor?: Readonly<Record<string, number>>;
}

export interface PartitionRecord extends ScannedRecord {
  readonly partition: number;
}

export interface BrowsePage {
  readonly records: PartitionRecord[];
  /** Where the next page starts, per partition; null when every partition was read to its end. */
  readonly next: Record<string, number> | null;
  /** Where the previous page starts, per partition; null when the page starts at the beginning. */
  readonly prev: Record<string, number> | null;
  readonly scanned: number;
}

/** A cursor as it travels in a URL: base64url of the JSON positions. */
export function encodeCursor(positions: Readonly<Record<string, number>>): string {
  return Buffer.from(JSON.stringify(positions)).toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('cursor is not one this API gave');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('cursor is not one this API gave');
  const positions: Record<string, number> = {};
  for (const [partition, offset] of Object.entries(parsed as Record<string, unknown>)) {
    if (!/^\d+$/.test(partition) || typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
      throw badRequest('cursor is not one this API gave');
    }
    positions[partition] = offset;
  }
  return positions;
}

/** How many records each of `count` partitions contributes to a page of `limit`. */
function sharePerPartition(limit: number, count: number): number {
  return Math.max(1, Math.ceil(limit / Math.max(1, count)));
}

/** Where a page starts in one partition. */
async function startOffset(log: PartitionLog, request: BrowseRequest, share: number): Promise<bigint> {
  const cursorPosition = request.cursor?.[String(log.partition)];
  if (request.cursor !== undefined) return cursorPosition === undefined ? log.highWatermark : BigInt(cursorPosition);
  switch (request.from) {
    case 'oldest':
      return log.logStartOffset;
    case 'newest': {
      const start = log.highWatermark - BigInt(share);
      return start > log.logStartOffset ? start : log.logStartOffset;
    }
    case 'offset': {
      if (request.offset === undefined) throw badRequest('from=offset needs an offset');
      const offset = BigInt(request.offset);
      if (offset < log.logStartOffset || offset > log.highWatermark) {
        throw badRequest(`offset ${offset} is out of range for partition ${log.partition}: [${log.logStartOffset}, ${log.highWatermark}]`);
      }
      return offset;
    }
    case 'timestamp': {
      if (request.timestamp === undefined) throw badRequest('from=timestamp needs a timestamp');
      // ListOffsets' semantics: the first offset whose timestamp is at or after it; none means the end.
      const found = await log.offsetForTimestamp(BigInt(request.timestamp));
      return found === null || found.offset > log.highWatermark ? log.highWatermark : found.offset;
    }
  }
}

function textMatcher(filter: string | undefined): (r: DecodedRecord) => boolean {
  if (filter === undefined || filter === '') return () => true;
  const needle = Buffer.from(filter, 'utf8');
  return (r) => (r.key !== null && r.key.includes(needle)) || (r.value !== null && r.value.includes(needle));
}

/** Orders a page across partitions: by timestamp, then partition, then offset. */
function byTime(a: PartitionRecord, b: PartitionRecord): number {
  if (a.record.timestamp !== b.record.timestamp) return a.record.timestamp < b.record.timestamp ? -1 : 1;
  if (a.partition !== b.partition) return a.partition - b.partition;
  return a.record.offset < b.record.offset ? -1 : 1;
}

/** One page over the given partitions' logs. */
export async function browse(logs: readonly PartitionLog[], request: BrowseRequest): Promise<BrowsePage> {
  const share = sharePerPartition(request.limit, logs.length);
  const matches = textMatcher(request.filter);
  const scanBudget = Math.max(1, Math.ceil(request.scanLimit / Math.max(1, logs.length)));
  const records: PartitionRecord[] = [];
  const next: Record<string, number> = {};
  const prev: Record<string, number> = {};
  let more = false;
  let before = false;
  let scanned = 0;
  for (const log of logs) {
    const start = await startOffset(log, request, share);
    const maxScanned = request.filter ? scanBudget : share;
    const result = await scanPartition(log, start, { maxMatches: share, maxScanned }, matches);
    scanned += result.scanned;
    for (const r of result.records) records.push({ partition: log.partition, ...r });
    next[String(log.partition)] = Number(result.nextOffset);
    if (result.nextOffset < log.highWatermark) more = true;
    const back = start - BigInt(share);
    prev[String(log.partition)] = Number(back > log.logStartOffset ? back : log.logStartOffset);
    if (start > log.logStartOffset) before = true;
  }
  records.sort(byTime);
  return { records, next: more ? next : null, prev: before ? prev : null, scanned };
}
