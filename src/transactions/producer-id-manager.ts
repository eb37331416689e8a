// Hands out producer ids, unique across restarts. Like Kafka's controller, ids are reserved in blocks: the end of
// the current block is persisted (atomically, fsynced) before any id of it is given out, so after a crash the
// next start continues past every id that may have been used, at the cost of skipping the rest of a block.
import * as fs from 'fs';
import * as path from 'path';
import { isNotFound, writeFileAtomic } from '../../storage/atomic-file';
import type { Logger } from '../logger';

export const PRODUCER_ID_BLOCK_FILE = 'producer-id-block';
/** Kafka's block size (ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE). */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;

export class ProducerIdManager {
  private next: bigint;
  private blockEnd: bigint;
  private reserving: Promise<void> | null = null;

  private constructor(
    private readonly file: string,
    reservedUpTo: bigint,
    private readonly logger: Logger,
  ) {
    this.next = reservedUpTo;
    this.blockEnd = reservedUpTo;
  }

  static async open(dataDir: string, logger: Logger): Promise<ProducerIdManager> {
    const file = path.join(dataDir, PRODUCER_ID_BLOCK_FILE);
    return new ProducerIdManager(file, readReservedUpTo(file), logger);
  }

  /** A producer id never handed out before by this data directory. */
  async nextId(): Promise<bigint> {
    while (this.next >= this.blockEnd) {
      if (this.reserving === null) this.reserving = this.reserveBlock().finally(() => (this.reserving = null));
      await this.reserving;
    }
    return this.next++;
  }

  private async reserveBlock(): Promise<void> {
    const start = this.blockEnd;
    const end = start + PRODUCER_ID_BLOCK_SIZE;
    await writeFileAtomic(this.file, `nextBlockStart=${end}\n`);
    this.next = start;
    this.blockEnd = end;
    this.logger.debug({ start: start.toString(), end: end.toString() }, 'reserved a producer id block');
  }
}

/** Read synchronously: it runs once, while the broker starts, and a thread-pool round trip costs more than the read. */
function readReservedUpTo(file: string): bigint {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return 0n;
    throw err;
  }
  const match = /^nextBlockStart=(\d+)\s*$/.exec(text);
  if (match === null) throw new Error(`Malformed producer id block file ${file}`);
  return BigInt(match[1]);
}
