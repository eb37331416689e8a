// The topic configs the coordinators' internal topics are created with, derived from broker keys as Kafka derives
// them: both compacted, each with its own segment size; __transaction_state also pins compression off, its
// min.insync.replicas and no unclean leader election. Kafka writes exactly these overrides into the topics.
import { TopicConfigKeys as Topic } from '../../storage';
import { BrokerConfig, BrokerConfigKeys as Broker } from './broker-config';

type TopicOverrides = Readonly<Record<string, string>>;

function compactedTopic(segmentBytes: number, compressionType: string): Record<string, string> {
  return {
    [Topic.CLEANUP_POLICY.name]: 'compact',
    [Topic.SEGMENT_BYTES.name]: String(segmentBytes),
    [Topic.COMPRESSION_TYPE.name]: compressionType,
  };
}

/** __consumer_offsets: the coordinator compresses its own records (offsets.topic.compression.codec), so the topic keeps what it gets. */
export function offsetsTopicConfigs(config: BrokerConfig): TopicOverrides {
  return compactedTopic(config.get(Broker.OFFSETS_TOPIC_SEGMENT_BYTES), 'producer');
}

export function transactionStateTopicConfigs(config: BrokerConfig): TopicOverrides {
  return {
    ...compactedTopic(config.get(Broker.TRANSACTION_STATE_LOG_SEGMENT_BYTES), 'uncompressed'),
    [Topic.MIN_INSYNC_REPLICAS.name]: String(config.get(Broker.TRANSACTION_STATE_LOG_MIN_ISR)),
    [Topic.UNCLEAN_LEADER_ELECTION_ENABLE.name]: 'false',
  };
}

/** With every broker key at its default: what the coordinators use when built without a broker config (tests). */
const DEFAULTS = new BrokerConfig();
export const DEFAULT_OFFSETS_TOPIC_CONFIGS: TopicOverrides = offsetsTopicConfigs(DEFAULTS);
export const DEFAULT_TRANSACTION_STATE_TOPIC_CONFIGS: TopicOverrides = transactionStateTopicConfigs(DEFAULTS);
