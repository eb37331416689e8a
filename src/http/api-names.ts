// Kafka's names of the APIs Eddy serves, by API key, for the `request` label of /metrics (as Kafka's RequestMetrics
// name them). A table rather than the codecs' registry: that registry loads every message codec, and most of the
// broker's handlers are loaded only on their first request. test/unit/http/api-names.test.ts keeps it in step with
// the dispatch table and the codecs' names.
export const API_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'Produce'],
  [1, 'Fetch'],
  [2, 'ListOffsets'],
  [3, 'Metadata'],
  [8, 'OffsetCommit'],
  [9, 'OffsetFetch'],
  [10, 'FindCoordinator'],
  [11, 'JoinGroup'],
  [12, 'Heartbeat'],
  [13, 'LeaveGroup'],
  [14, 'SyncGroup'],
  [15, 'DescribeGroups'],
  [16, 'ListGroups'],
  [17, 'SaslHandshake'],
  [18, 'ApiVersions'],
  [19, 'CreateTopics'],
  [20, 'DeleteTopics'],
  [21, 'DeleteRecords'],
  [22, 'InitProducerId'],
  [23, 'OffsetForLeaderEpoch'],
  [24, 'AddPartitionsToTxn'],
  [25, 'AddOffsetsToTxn'],
  [26, 'EndTxn'],
  [28, 'TxnOffsetCommit'],
  [29, 'DescribeAcls'],
  [30, 'CreateAcls'],
  [31, 'DeleteAcls'],
  [32, 'DescribeConfigs'],
  [33, 'AlterConfigs'],
  [35, 'DescribeLogDirs'],
  [36, 'SaslAuthenticate'],
  [37, 'CreatePartitions'],
  [42, 'DeleteGroups'],
  [44, 'IncrementalAlterConfigs'],
  [47, 'OffsetDelete'],
  [50, 'DescribeUserScramCredentials'],
  [51, 'AlterUserScramCredentials'],
  [60, 'DescribeCluster'],
  [61, 'DescribeProducers'],
  [65, 'DescribeTransactions'],
  [66, 'ListTransactions'],
  [68, 'ConsumerGroupHeartbeat'],
  [69, 'ConsumerGroupDescribe'],
  [75, 'DescribeTopicPartitions'],
]);

/** The API's name, or `api_<key>` for one missing from the table. */
export function apiName(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `api_${apiKey}`;
}
