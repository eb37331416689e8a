// Public surface of the storage engine for the broker.
export { LogConfig, DEFAULT_LOG_CONFIG, logConfigFromProperties, validateTopicConfigs, isKnownTopicConfig, knownTopicConfigNames } from './log-config';
export { TopicConfigKeys, TOPIC_CONFIG_KEYS, topicConfigKey, CleanupPolicy, TimestampType } from './log-config';
export { ConfigKey, ConfigType, ConfigValidator, TopicSynonym, KeyBuilder, LONG_MAX_TEXT, atLeast, between, oneOf, keysByName, renamedKey } from './config-def';
export { booleanKey, stringKey, passwordKey, intKey, shortKey, longKey, doubleKey, listKey, convertedKey } from './config-def';
export { TopicMetadata } from './topic-catalog';
export { LogManager, LogManagerOptions } from './log-manager';
export { checkTopicName } from './topic-catalog';
export { PartitionLog, AppendOptions, AppendResult, ReadResult } from './partition-log';
export {
  StorageError,
  InvalidConfigError,
  TopicExistsError,
  UnknownTopicError,
  InvalidPartitionsError,
  InvalidTopicError,
  OffsetOutOfRangeError,
  CorruptRecordError,
  RecordBatchTooLargeError,
  LogClosedError,
  ProducerStateError,
  StorageWriteError,
} from './errors';
export { AppendOrigin, ProducerEntry, ProducerRejection } from './producer-state';
export { AbortedTxn } from './txn-index';
export { DataDirLockedError } from './dir-lock';
export { FileWriter } from './fd-pool';
export { CleaningStats } from './log-cleaner';
export { WriteFaults, WriteFaultCheck } from './write-faults';
