// `eddy produce <topic>`: every stdin line becomes a record (key<separator>value with --key-separator, headers
// from --header), sent in batches by the client's TopicProducer. Keyed records go where Kafka's clients would put
// them (murmur2); records without a key fill one partition's batch, then the next, as Kafka's sticky partitioner does.
// Retriable failures are retried (see TopicProducer); --idempotent makes those retries write each batch once.
import * as readline from 'readline';
import { Compression } from '../../codecs/records/batch-header';
import { codecUnavailableReason, COMPRESSION_NAMES } from '../../codecs/records/compression';
import type { RecordHeader, RecordInput } from '../../codecs/records/record-batch';
import { partitionForKey } from '../client/partitioner';
import { TopicProducer, type ProducerOptions } from '../client/producer';
import { partitionOf, topicLayout } from '../client/topics';
import type { ToolArgs } from './args';
import { withClient } from './connect';
import { startProgress, toJson, UsageError, writeOut } from './tool-io';

export function parseAcks(text: string): -1 | 0 | 1 {
  if (text === 'all' || text === '-1') return -1;
  if (text === '1') return 1;
  if (text === '0') return 0;
  throw new UsageError(`--acks must be all, -1, 1 or 0, got "${text}"`);
}

export function parseCompression(text: string): Compression {
  const found = Object.entries(COMPRESSION_NAMES).find(([, name]) => name === text);
  if (found === undefined) throw new UsageError(`--compression must be one of ${Object.values(COMPRESSION_NAMES).join(', ')}, got "${text}"`);
  const codec = Number(found[0]) as Compression;
  const unavailable = codecUnavailableReason(codec);
  if (unavailable !== null) throw new UsageError(`--compression ${text}: ${unavailable}`);
  return codec;
}

/** A line as a record: the key before the first separator when one is given (no separator: no key). */
export function lineToRecord(line: string, keySeparator: string | undefined, headers: readonly RecordHeader[], timestamp: bigint): RecordInput {
  if (keySeparator !== undefined && keySeparator !== '') {
    const at = line.indexOf(keySeparator);
    if (at >= 0) {
      return { key: Buffer.from(line.slice(0, at)), value: Buffer.from(line.slice(at + keySeparator.length)), headers: [...headers], timestamp };
    }
  }
  return { key: null, value: Buffer.from(line), headers: [...headers], timestamp };
}

function producerOptions(args: ToolArgs): ProducerOptions {
  const acks = parseAcks(args.string('acks') ?? 'all');
  const idempotent = args.flag('idempotent');
  if (idempotent && acks !== -1) throw new UsageError('--idempotent needs --acks all, as Kafka requires for idempotence');
  return {
    acks,
    idempotent,
    compression: parseCompression(args.string('compression') ?? 'none'),
    batchBytes: args.integer('batch-size', 1) ?? 524288,
    timeoutMs: args.integer('timeout', 1) ?? 10000,
  };
}

export async function produce(args: ToolArgs, input: NodeJS.ReadableStream = process.stdin): Promise<void> {
  const topic = args.requiredString('topic');
  const options = producerOptions(args);
  const headers = args.pairs('header').map(([key, value]) => ({ key, value: Buffer.from(value) }));
  const keySeparator = args.string('key-separator');
  const fixedPartition = args.integer('partition', 0);
  await withClient(args, async (client) => {
    const layout = await topicLayout(client, topic);
    if (fixedPartition !== undefined) partitionOf(layout, fixedPartition);
    const producer = new TopicProducer(client, layout, options);
    await producer.init();
    const progress = startProgress(`produce ${topic}`, null, args.flag('progress'));
    const started = process.hrtime.bigint();
    const partitions = layout.partitions.length;
    let sticky = Math.floor(Math.random() * partitions);
    let stickyBatches = producer.batches;
    let count = 0;
    for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
      const record = lineToRecord(line, keySeparator, headers, BigInt(Date.now()));
      if (producer.batches !== stickyBatches) {
        stickyBatches = producer.batches;
        sticky = (sticky + 1) % partitions;
      }
      const partition = fixedPartition ?? (record.key ? partitionForKey(record.key, partitions) : sticky);
      await producer.add(partition, record);
      count++;
      progress.add(1);
    }
    await producer.flush();
    progress.done();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perPartition = [...producer.summaries.values()].sort((a, b) => a.partition - b.partition);
    if (args.json) {
      await writeOut(toJson({ topic, records: count, batches: producer.batches, seconds: Number(seconds.toFixed(3)), partitions: perPartition }) + '\n');
    } else if (process.stderr.isTTY) {
      process.stderr.write(`Produced ${count} records to ${topic} in ${seconds.toFixed(2)} s.\n`);
    }
  });
}
