// Broker configs Kafka lets AlterConfigs change at run time that tune Kafka's own machinery: thread pools, the log
// cleaner's buffers and rate. Eddy runs on one event loop and its cleaner is sized by
// storage, so none of them changes what Eddy does; they are defined (with Kafka's types, defaults and validators) so
// that tools which set them, as `kafka-configs.sh --alter` scripts do, get Kafka's answers and see the values they set.
import { atLeast, booleanKey, doubleKey, intKey, longKey } from '../../storage';

const NO_EFFECT = 'Accepted for compatibility; no effect on Eddy.';

export const BrokerTuningKeys = {
  NUM_IO_THREADS: intKey('num.io.threads', 8, `Threads Kafka handles requests with. ${NO_EFFECT}`, 'dynamic', atLeast(1)),
  NUM_NETWORK_THREADS: intKey('num.network.threads', 3, `Threads Kafka reads and writes sockets with. ${NO_EFFECT}`, 'dynamic', atLeast(1)),
  NUM_REPLICA_FETCHERS: intKey('num.replica.fetchers', 1, `Fetcher threads per source broker. ${NO_EFFECT}`, 'dynamic', atLeast(1)),
  NUM_RECOVERY_THREADS_PER_DATA_DIR: intKey(
    'num.recovery.threads.per.data.dir',
    2,
    `Threads per data directory that recover logs at start-up. ${NO_EFFECT}`,
    'dynamic',
    atLeast(1),
  ),
  BACKGROUND_THREADS: intKey('background.threads', 10, `Threads for background tasks. ${NO_EFFECT}`, 'dynamic', atLeast(1)),
  LOG_CLEANER_THREADS: intKey('log.cleaner.threads', 1, `Threads that compact logs. ${NO_EFFECT}`, 'dynamic', atLeast(0)),
  LOG_CLEANER_DEDUPE_BUFFER_SIZE: longKey('log.cleaner.dedupe.buffer.size', 134217728, `Memory for the cleaner's key map. ${NO_EFFECT}`, 'dynamic'),
  LOG_CLEANER_IO_BUFFER_SIZE: intKey('log.cleaner.io.buffer.size', 524288, `Cleaner I/O buffer size. ${NO_EFFECT}`, 'dynamic', atLeast(0)),
  LOG_CLEANER_IO_BUFFER_LOAD_FACTOR: doubleKey('log.cleaner.io.buffer.load.factor', 0.9, `Load factor of the cleaner's key map. ${NO_EFFECT}`, 'dynamic'),
  LOG_CLEANER_IO_MAX_BYTES_PER_SECOND: doubleKey(
    'log.cleaner.io.max.bytes.per.second',
    '1.7976931348623157E308',
    `I/O rate the cleaner is throttled to. ${NO_EFFECT}`,
    'dynamic',
  ),
  TRANSACTION_PARTITION_VERIFICATION_ENABLE: booleanKey(
    'transaction.partition.verification.enable',
    true,
    'Whether transactional produce requests are checked against the partitions their transaction added.',
    'dynamic',
  ),
} as const;
