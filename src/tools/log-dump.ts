// `eddy log dump <dir or file>...`: what Kafka's kafka-dump-log.sh prints (with --print-data-log, each record
// too), one file at a time, in its "key: value" layout so the two can be read side by side; --json gives the
// same facts as one document for scripts.
import type { ToolArgs } from './args';
import { dumpFile, filesToDump, type DumpedBatch, type DumpedFile, type DumpedRecord } from './log-files';
import { toJson, writeOut } from './tool-io';

function recordLine(r: DumpedRecord, timestampType: string): string {
  const head = `| offset: ${r.offset} ${timestampType}: ${r.timestamp} keySize: ${r.keySize} valueSize: ${r.valueSize} sequence: ${r.sequence} headerKeys: [${r.headers.map((h) => h.key).join(',')}]`;
  if (r.marker !== undefined) return `${head} endTxnMarker: ${r.marker.type} coordinatorEpoch: ${r.marker.coordinatorEpoch}\n`;
  return `${head}${r.key === null ? '' : ` key: ${r.key}`} payload: ${r.value ?? 'null'}\n`;
}

function batchText(b: DumpedBatch): string {
  const line =
    `baseOffset: ${b.baseOffset} lastOffset: ${b.lastOffset} count: ${b.count} baseSequence: ${b.baseSequence} lastSequence: ${b.lastSequence} ` +
    `producerId: ${b.producerId} producerEpoch: ${b.producerEpoch} partitionLeaderEpoch: ${b.partitionLeaderEpoch} ` +
    `isTransactional: ${b.isTransactional} isControl: ${b.isControl} position: ${b.position} ${b.timestampType}: ${b.maxTimestamp} ` +
    `size: ${b.size} magic: ${b.magic} compresscodec: ${b.compression} crc: ${b.crc} isvalid: ${b.isValid}\n`;
  return line + (b.records ?? []).map((r) => recordLine(r, b.timestampType)).join('');
}

export function fileText(dumped: DumpedFile): string {
  const head = `Dumping ${dumped.file}\n`;
  switch (dumped.kind) {
    case 'log': {
      const tail =
        (dumped.error === null ? '' : `Stopped: ${dumped.error}\n`) +
        (dumped.invalidBytes > 0 ? `Found ${dumped.invalidBytes} invalid bytes at the end of ${dumped.file}\n` : '');
      return head + dumped.batches.map(batchText).join('') + tail;
    }
    case 'index':
      return head + dumped.entries.map((e) => `offset: ${e.offset} position: ${e.position}\n`).join('');
    case 'timeindex':
      return head + dumped.entries.map((e) => `timestamp: ${e.timestamp} offset: ${e.offset}\n`).join('');
    case 'txnindex':
      return (
        head +
        dumped.entries
          .map(
            (e) => `version: 0 producerId: ${e.producerId} firstOffset: ${e.firstOffset} lastOffset: ${e.lastOffset} lastStableOffset: ${e.lastStableOffset}\n`,
          )
          .join('')
      );
    case 'snapshot':
      return (
        head +
        dumped.producers
          .map(
            (p) =>
              `producerId: ${p.producerId} producerEpoch: ${p.producerEpoch} coordinatorEpoch: ${p.coordinatorEpoch} ` +
              `currentTxnFirstOffset: ${p.currentTxnFirstOffset ?? 'None'} lastTimestamp: ${p.lastTimestamp} firstSequence: ${p.firstSequence} ` +
              `lastSequence: ${p.lastSequence} lastOffset: ${p.lastOffset} offsetDelta: ${p.offsetDelta}\n`,
          )
          .join('')
      );
  }
}

export async function logDump(args: ToolArgs): Promise<void> {
  const files = args.strings('paths').flatMap(filesToDump);
  const withRecords = args.flag('print-data-log');
  if (args.json) {
    await writeOut(toJson(files.map((file) => dumpFile(file, withRecords))) + '\n');
    return;
  }
  for (const file of files) await writeOut(fileText(dumpFile(file, withRecords)));
}
