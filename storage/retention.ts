// Which segments a retention pass deletes. Pure: the partition log gathers the facts, this decides, with Kafka's
// three rules each deleting a prefix of the log (oldest segments first, stopping at the first keeper). The active
// segment may be chosen by retention.ms and retention.bytes (the log rolls it first), never by the log start
// offset, as in Kafka.

export interface RetentionVictim {
  baseOffset: bigint;
  /** Base offset of the following segment: everything in this one is below it. */
  nextBaseOffset: bigint;
  size: number;
  /** Largest timestamp in the segment (or its file's mtime when it has none). */
  largestTimestamp: bigint;
  reason: string;
  /** The active segment (last, non-empty); its `nextBaseOffset` is the log end offset. */
  active?: boolean;
}

export interface RetentionSettings {
  retentionMs: number;
  retentionBytes: number;
  cleanupPolicy: { delete: boolean };
}

/**
 * `closed` lists the segments oldest first, the active one last if it holds data; `totalSize` is the whole log's
 * size, active segment included, as retention.bytes counts it.
 */
export function selectSegmentsToDelete(
  closed: readonly RetentionVictim[],
  totalSize: number,
  settings: RetentionSettings,
  logStartOffset: bigint,
  nowMs: number,
): RetentionVictim[] {
  const victims: RetentionVictim[] = [];
  let i = 0;
  // Segments wholly below the log start offset (DeleteRecords, or an earlier pass) go regardless of policy.
  while (i < closed.length && closed[i].active !== true && closed[i].nextBaseOffset <= logStartOffset)
    victims.push({ ...closed[i++], reason: 'below log start offset' });
  if (!settings.cleanupPolicy.delete) return victims;
  if (settings.retentionMs >= 0) {
    const horizon = BigInt(nowMs) - BigInt(settings.retentionMs);
    while (i < closed.length && closed[i].largestTimestamp < horizon) {
      victims.push({ ...closed[i++], reason: `retention.ms ${settings.retentionMs} breached` });
    }
  }
  if (settings.retentionBytes >= 0) {
    let excess = totalSize - victims.reduce((n, v) => n + v.size, 0) - settings.retentionBytes;
    while (i < closed.length && excess - closed[i].size >= 0) {
      excess -= closed[i].size;
      victims.push({ ...closed[i++], reason: `retention.bytes ${settings.retentionBytes} breached` });
    }
  }
  return victims;
}
