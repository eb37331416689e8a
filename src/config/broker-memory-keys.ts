// Budgets of the memory Eddy keeps on purpose: caches and pools that trade memory for fewer disk reads. Kafka has
// none of these (it leaves recent data to the operating system's page cache, outside its heap), so the names are
// Eddy's own, in Kafka's style. Each is read once at start; a cache never holds more than its budget, whatever the
// load, and a budget of 0 turns the cache off.
import { atLeast, longKey } from '../../storage';

const MIB = 1024 * 1024;

export const BrokerMemoryKeys = {
  LOG_TAIL_CACHE_MAX_BYTES: longKey(
    'log.tail.cache.max.bytes',
    64 * MIB,
    "Memory for the newest batches of all partitions together, from which consumers at a partition's end are served without a disk read; the partitions appended to least recently give theirs back first. A batch kept as a view of the request it came in counts that whole request buffer, once (Eddy only).",
    atLeast(0),
  ),
  LOG_TAIL_CACHE_PARTITION_MAX_BYTES: longKey(
    'log.tail.cache.partition.max.bytes',
    4 * MIB,
    "Memory for one partition's newest batches; a larger batch is read from disk (Eddy only).",
    atLeast(0),
  ),
  LOG_INDEX_CACHE_MAX_BYTES: longKey(
    'log.index.cache.max.bytes',
    64 * MIB,
    'Memory for the offset and time indexes of closed segments, loaded on first lookup and dropped least recently used first (Eddy only).',
    atLeast(0),
  ),
  LOG_READ_BUFFER_POOL_MAX_BYTES: longKey(
    'log.read.buffer.pool.max.bytes',
    32 * MIB,
    'Memory kept in idle buffers that fetches read from disk into, for reuse by the next fetches; more is allocated while needed and left to the garbage collector (Eddy only).',
    atLeast(0),
  ),
  SOCKET_REQUEST_BUFFER_POOL_MAX_BYTES: longKey(
    'socket.request.buffer.pool.max.bytes',
    8 * MIB,
    'Memory kept in idle buffers that large requests (16 KiB and more) are read into, for reuse by the next requests instead of new memory for each; more is allocated while needed and left to the garbage collector, and the idle buffers are given back when the broker goes quiet (Eddy only).',
    atLeast(0),
  ),
} as const;
