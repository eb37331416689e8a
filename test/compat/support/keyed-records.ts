// The shared produce-and-consume scenario: N keyed records with headers spread over a multi-partition topic,
// consumed back by a group. Every client suite produces the same records and checks what it reads with
// verifyConsumed, so the clients are held to one definition of "all records came back intact".

export interface ExpectedRecord {
  readonly index: number;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ConsumedRecord {
  readonly partition: number;
  /** As a decimal string: clients disagree on number, bigint or string. */
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Many records share each key, so per-key ordering inside a partition is really exercised. */
export const KEY_COUNT = 97;

/**
 * Records 0..count-1 (or from `first`). Tools that can only put the same headers on every record (kcat's -H)
 * pass `indexHeader: false` and verify with `indexFromValue`.
 */
export function expectedRecords(count: number, client: string, options: { first?: number; indexHeader?: boolean } = {}): ExpectedRecord[] {
  const first = options.first ?? 0;
  const indexHeader = options.indexHeader ?? true;
  return Array.from({ length: count }, (_, i) => {
    const index = first + i;
    const headers: Record<string, string> = indexHeader ? { index: String(index), client } : { client };
    return {
      index,
      key: `key-${index % KEY_COUNT}`,
      value: `value-${index}-${client}`,
      headers,
    };
  });
}

export function indexFromHeader(rec: ConsumedRecord): number {
  return Number(rec.headers.index);
}

export function indexFromValue(rec: ConsumedRecord): number {
  const m = /^value-(\d+)-/.exec(rec.value ?? '');
  return m === null ? NaN : Number(m[1]);
}

export interface ConsumeCheck {
  readonly partitionsSeen: number;
  readonly byPartition: ReadonlyMap<number, number>;
}

/**
 * Checks that `consumed` holds exactly the `expected` records: nothing lost or duplicated, keys, values and
 * headers intact, one partition per key, and inside each partition offsets strictly increasing with the records in
 * the order they were produced.
 */
export function verifyConsumed(
  expected: readonly ExpectedRecord[],
  consumed: readonly ConsumedRecord[],
  indexOf: (rec: ConsumedRecord) => number = indexFromHeader,
): ConsumeCheck {
  const problems: string[] = [];
  const note = (msg: string): void => {
    if (problems.length < 20) problems.push(msg);
  };
  if (consumed.length !== expected.length) note(`expected ${expected.length} records, got ${consumed.length}`);

  const byIndex = new Map<number, ExpectedRecord>(expected.map((r) => [r.index, r]));
  const seen = new Set<number>();
  const partitionOfKey = new Map<string, number>();
  const lastInPartition = new Map<number, { offset: bigint; index: number }>();
  const byPartition = new Map<number, number>();

  for (const rec of consumed) {
    const index = indexOf(rec);
    const want = byIndex.get(index);
    if (!Number.isInteger(index) || want === undefined) {
      note(`record at ${rec.partition}/${rec.offset} is not one of those expected: ${JSON.stringify(rec.headers)}`);
      continue;
    }
    if (seen.has(index)) note(`record ${index} consumed twice (at ${rec.partition}/${rec.offset})`);
    seen.add(index);
    if (rec.key !== want.key) note(`record ${index}: key ${rec.key} != ${want.key}`);
    if (rec.value !== want.value) note(`record ${index}: value ${rec.value} != ${want.value}`);
    if (JSON.stringify(sortedHeaders(rec.headers)) !== JSON.stringify(sortedHeaders(want.headers))) {
      note(`record ${index}: headers ${JSON.stringify(rec.headers)} != ${JSON.stringify(want.headers)}`);
    }
    const keyPartition = partitionOfKey.get(want.key);
    if (keyPartition === undefined) partitionOfKey.set(want.key, rec.partition);
    else if (keyPartition !== rec.partition) note(`key ${want.key} found in partitions ${keyPartition} and ${rec.partition}`);

    const offset = BigInt(rec.offset);
    const last = lastInPartition.get(rec.partition);
    if (last !== undefined) {
      if (offset <= last.offset) note(`partition ${rec.partition}: offset ${offset} after ${last.offset}`);
      if (index <= last.index) note(`partition ${rec.partition}: record ${index} after record ${last.index}`);
    }
    lastInPartition.set(rec.partition, { offset, index });
    byPartition.set(rec.partition, (byPartition.get(rec.partition) ?? 0) + 1);
  }
  if (seen.size !== expected.length) note(`${expected.length - seen.size} produced records never consumed`);
  if (problems.length > 0) throw new Error(`consumed records do not match:\n  ${problems.join('\n  ')}`);
  return { partitionsSeen: byPartition.size, byPartition };
}

function sortedHeaders(headers: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Resolves once `done()` holds, polling; rejects with `describe()` after the deadline. */
export async function waitUntil(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function bufferToString(b: Buffer | string | null | undefined): string | null {
  if (b === null || b === undefined) return null;
  return typeof b === 'string' ? b : b.toString('utf8');
}

/** A KafkaJS-style message (kafkajs and confluent's KafkaJS API) as the scenario records it. */
export function consumedMessage(
  partition: number,
  message: { readonly offset: string; readonly key: Buffer | string | null | undefined; readonly value: Buffer | string | null | undefined },
  headers: Readonly<Record<string, string>>,
): ConsumedRecord {
  return { partition, offset: message.offset, key: bufferToString(message.key), value: bufferToString(message.value), headers };
}
