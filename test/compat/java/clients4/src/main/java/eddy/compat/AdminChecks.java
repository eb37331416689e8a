// The Admin client's checks: topics with configs, the cluster, configs read and altered, offsets listed by every
// spec, records deleted, consumer groups managed, producers and transactions described. Topic descriptions go
// through DescribeTopicPartitions (API 75) on a 4.x client, paged here by a small partition limit.
package eddy.compat;

import static eddy.compat.ClientChecks.expect;
import static eddy.compat.ClientChecks.expectEqual;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

final class AdminChecks {
    private static final long T0 = 1_700_000_000_000L;
    private final ClientChecks c;
    private final String topic;
    private final String wideTopic;
    private final String offsetsTopic;

    AdminChecks(ClientChecks checks) {
        this.c = checks;
        this.topic = checks.name("admin");
        this.wideTopic = checks.name("admin-wide");
        this.offsetsTopic = checks.name("admin-offsets");
    }

    void register(Map<String, ClientChecks.Check> all) {
        all.put("admin.createTopics", this::createTopics);
        all.put("admin.describeCluster", this::describeCluster);
        all.put("admin.describeTopics", this::describeTopics);
        all.put("admin.describeConfigs", this::describeConfigs);
        all.put("admin.incrementalAlterConfigs", this::incrementalAlterConfigs);
        all.put("admin.listOffsets", this::listOffsets);
        all.put("admin.deleteRecords", this::deleteRecords);
        all.put("admin.describeProducers", this::describeProducers);
        all.put("admin.consumerGroups", this::consumerGroups);
        all.put("admin.transactions", this::transactions);
        all.put("admin.deleteTopics", this::deleteTopics);
    }

    private String createTopics() throws Exception {
        c.createTopic(topic, 3, Map.of("retention.ms", "3600000", "max.message.bytes", "2000000"));
        c.createTopic(wideTopic, 5, Map.of());
        try {
            c.createTopic(topic, 3, Map.of());
            throw new AssertionError("creating " + topic + " twice succeeded");
        } catch (ExecutionException e) {
            expect(e.getCause() instanceof TopicExistsException, "second create failed with " + e.getCause());
        }
        // Kafka's CreateTopics returns before every broker's metadata has the topic: listing may lag a moment.
        Set<String> listed = ClientChecks.eventually(() -> c.admin.listTopics().names().get(30, TimeUnit.SECONDS),
            names -> names.containsAll(List.of(topic, wideTopic)));
        expect(listed.containsAll(List.of(topic, wideTopic)), "listTopics " + listed);
        return "created " + topic + " (3 partitions, 2 configs) and " + wideTopic + "; a second create is TopicExistsException";
    }

    private String describeCluster() throws Exception {
        DescribeClusterResult cluster = c.admin.describeCluster();
        String clusterId = cluster.clusterId().get(30, TimeUnit.SECONDS);
        int nodes = cluster.nodes().get().size();
        int controller = cluster.controller().get().id();
        int node = cluster.nodes().get().iterator().next().id();
        expect(clusterId != null && !clusterId.isEmpty(), "cluster id " + clusterId);
        expectEqual(1, nodes, "node count");
        expectEqual(node, controller, "controller id");
        return "cluster " + clusterId + ", node " + node + " is the controller";
    }

    private String describeTopics() throws Exception {
        // A 2-partition page makes the 4.x client follow DescribeTopicPartitions' cursor through both topics.
        Map<String, TopicDescription> described = c.admin
            .describeTopics(List.of(topic, wideTopic), new DescribeTopicsOptions().partitionSizeLimitPerResponse(2))
            .allTopicNames().get(30, TimeUnit.SECONDS);
        expectEqual(3, described.get(topic).partitions().size(), topic + " partitions");
        expectEqual(5, described.get(wideTopic).partitions().size(), wideTopic + " partitions");
        for (TopicDescription d : described.values()) {
            expect(!d.topicId().equals(Uuid.ZERO_UUID), d.name() + " has no topic id");
            expect(!d.isInternal(), d.name() + " is internal");
            for (int i = 0; i < d.partitions().size(); i++) {
                expectEqual(i, d.partitions().get(i).partition(), d.name() + " partition order");
                expect(d.partitions().get(i).leader() != null, d.name() + "-" + i + " has no leader");
                expectEqual(1, d.partitions().get(i).isr().size(), d.name() + "-" + i + " ISR size");
            }
        }
        expectFailure(() -> c.admin.describeTopics(List.of(c.name("no-such-topic"))).allTopicNames().get(30, TimeUnit.SECONDS),
            UnknownTopicOrPartitionException.class, "describing a missing topic");
        return "3 + 5 partitions in pages of 2, leaders and topic ids set; a missing topic is UnknownTopicOrPartitionException";
    }

    private Config topicConfig() throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return c.admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
    }

    private String describeConfigs() throws Exception {
        Config config = topicConfig();
        expectEqual("3600000", config.get("retention.ms").value(), "retention.ms");
        expectEqual(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("retention.ms").source(), "retention.ms source");
        expectEqual("2000000", config.get("max.message.bytes").value(), "max.message.bytes");
        expectEqual("delete", config.get("cleanup.policy").value(), "cleanup.policy");
        String node = String.valueOf(c.admin.describeCluster().nodes().get().iterator().next().id());
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node);
        Config brokerConfig = c.admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
        expect(brokerConfig.get("num.partitions") != null, "broker config lacks num.partitions");
        return "topic: " + config.entries().size() + " entries, broker " + node + ": " + brokerConfig.entries().size() + " entries";
    }

    private String incrementalAlterConfigs() throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Collection<AlterConfigOp> ops = List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE),
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND));
        c.admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
        Config config = ClientChecks.eventually(this::topicConfig, cfg -> cfg.get("retention.ms").value().equals("7200000"));
        expectEqual("7200000", config.get("retention.ms").value(), "retention.ms after SET");
        expectEqual(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("max.message.bytes").source(), "max.message.bytes source after DELETE");
        expectEqual("delete,compact", config.get("cleanup.policy").value(), "cleanup.policy after APPEND");
        return "SET, DELETE and APPEND applied";
    }

    private String listOffsets() throws Exception {
        c.createTopic(offsetsTopic, 1, Map.of());
        // Timestamps rise by a second except at offset 3, which carries the largest one.
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c.producerProps())) {
            for (int i = 0; i < 5; i++) {
                long ts = i == 3 ? T0 + 10_000 : T0 + i * 1000L;
                producer.send(new ProducerRecord<>(offsetsTopic, 0, ts, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        TopicPartition tp = new TopicPartition(offsetsTopic, 0);
        expectEqual(0L, offset(tp, OffsetSpec.earliest()).offset(), "earliest");
        expectEqual(5L, offset(tp, OffsetSpec.latest()).offset(), "latest");
        expectEqual(2L, offset(tp, OffsetSpec.forTimestamp(T0 + 1500)).offset(), "forTimestamp(T0+1.5s)");
        ListOffsetsResultInfo max = offset(tp, OffsetSpec.maxTimestamp());
        expectEqual(3L, max.offset(), "maxTimestamp offset");
        expectEqual(T0 + 10_000, max.timestamp(), "maxTimestamp timestamp");
        return "earliest 0, latest 5, forTimestamp 2, maxTimestamp 3";
    }

    private ListOffsetsResultInfo offset(TopicPartition tp, OffsetSpec spec) throws Exception {
        return c.admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get(30, TimeUnit.SECONDS);
    }

    private String deleteRecords() throws Exception {
        TopicPartition tp = new TopicPartition(offsetsTopic, 0);
        long low = c.admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2))).lowWatermarks().get(tp)
            .get(30, TimeUnit.SECONDS).lowWatermark();
        expectEqual(2L, low, "low watermark");
        expectEqual(2L, offset(tp, OffsetSpec.earliest()).offset(), "earliest after deleteRecords");
        try {
            c.admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).all().get(30, TimeUnit.SECONDS);
            throw new AssertionError("deleting records beyond the high watermark succeeded");
        } catch (ExecutionException e) {
            expect(e.getCause() instanceof OffsetOutOfRangeException, "deleting beyond the high watermark failed with " + e.getCause());
        }
        return "low watermark 2; beyond the high watermark is OffsetOutOfRangeException";
    }

    private String describeProducers() throws Exception {
        TopicPartition tp = new TopicPartition(offsetsTopic, 0);
        List<ProducerState> active = c.admin.describeProducers(List.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS).activeProducers();
        expect(!active.isEmpty(), "no active producer on " + tp);
        ProducerState state = active.get(0);
        expect(state.producerId() >= 0, "producer id " + state.producerId());
        expectEqual(4, state.lastSequence(), "last sequence of the idempotent producer");
        return active.size() + " producer(s), id " + state.producerId() + " epoch " + state.producerEpoch();
    }

    private String consumerGroups() throws Exception {
        String group = c.name("admin-group");
        TopicPartition tp = new TopicPartition(offsetsTopic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c.consumerProps(group))) {
            consumer.subscribe(List.of(offsetsTopic));
            expectEqual(3, ClientChecks.pollCount(consumer, 3, 30_000).size(), "records consumed");
            consumer.commitSync();
            Set<String> listed = c.admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                .map(g -> g.groupId()).collect(Collectors.toSet());
            expect(listed.contains(group), "listConsumerGroups " + listed);
            ConsumerGroupDescription d = c.admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            expectEqual(1, d.members().size(), "members while consuming");
            expectEqual(Set.of(tp), d.members().iterator().next().assignment().topicPartitions(), "member assignment");
            expectFailure(() -> c.admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS), GroupNotEmptyException.class,
                "deleting a group with a member");
            expectFailure(() -> c.admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(1))).all().get(30, TimeUnit.SECONDS),
                UnknownMemberIdException.class, "altering the offsets of a group with a member");
        }
        Map<TopicPartition, OffsetAndMetadata> committed = c.admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
        expectEqual(5L, committed.get(tp).offset(), "committed offset");
        c.admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(3, "moved"))).all().get(30, TimeUnit.SECONDS);
        OffsetAndMetadata moved = c.admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(tp);
        expectEqual(3L, moved.offset(), "offset after alterConsumerGroupOffsets");
        expectEqual("moved", moved.metadata(), "metadata after alterConsumerGroupOffsets");
        c.admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        Set<String> after = c.admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
            .map(g -> g.groupId()).collect(Collectors.toSet());
        expect(!after.contains(group), "group still listed after deleteConsumerGroups");
        return "listed, described, refused to delete or alter while active, offsets listed and altered to 3, deleted";
    }

    interface Call {
        void run() throws Exception;
    }

    /** Runs an admin call that must fail with `expected` as the cause of its ExecutionException. */
    static void expectFailure(Call call, Class<? extends Throwable> expected, String what) throws Exception {
        try {
            call.run();
        } catch (ExecutionException e) {
            expect(expected.isInstance(e.getCause()), what + " failed with " + e.getCause() + ", not " + expected.getSimpleName());
            return;
        }
        throw new AssertionError(what + " succeeded");
    }

    private String transactions() throws Exception {
        String txnId = c.name("admin-txn");
        var props = c.producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, "k", "v")).get(30, TimeUnit.SECONDS);
            producer.commitTransaction();
        }
        Map<String, String> listed = new HashMap<>();
        for (TransactionListing l : c.admin.listTransactions().all().get(30, TimeUnit.SECONDS)) listed.put(l.transactionalId(), l.state().toString());
        expect(listed.containsKey(txnId), "listTransactions " + listed);
        // Kafka answers EndTxn once PrepareCommit is logged and writes the markers after: wait for the outcome.
        TransactionDescription d = ClientChecks.eventually(
            () -> c.admin.describeTransactions(List.of(txnId)).description(txnId).get(30, TimeUnit.SECONDS),
            desc -> desc.state().toString().equals("CompleteCommit"));
        expectEqual("CompleteCommit", d.state().toString(), "described state");
        expect(d.producerId() >= 0, "producer id " + d.producerId());
        return "listed as " + listed.get(txnId) + ", described as " + d.state() + " (producer " + d.producerId() + ")";
    }

    private String deleteTopics() throws Exception {
        c.admin.deleteTopics(List.of(wideTopic)).all().get(30, TimeUnit.SECONDS);
        Set<String> listed = ClientChecks.eventually(() -> c.admin.listTopics().names().get(30, TimeUnit.SECONDS), names -> !names.contains(wideTopic));
        expect(!listed.contains(wideTopic), wideTopic + " still listed 10 s after deleteTopics");
        return "deleted " + wideTopic;
    }
}
