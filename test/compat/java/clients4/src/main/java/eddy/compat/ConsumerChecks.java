// The consumer's checks: a group under the classic protocol and under KIP-848's (`group.protocol=consumer`,
// served by ConsumerGroupHeartbeat), read_committed skipping aborted records, seek and position, pause and resume,
// a static member coming back to its assignment, and a second member joining under each protocol (cooperative-sticky
// under the classic one, the broker's assignor under KIP-848's) taking half the partitions from the first.
package eddy.compat;

import static eddy.compat.ClientChecks.expect;
import static eddy.compat.ClientChecks.expectEqual;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;

final class ConsumerChecks {
    private static final int GROUP_RECORDS = 300;
    private final ClientChecks c;
    private final String groupTopic;

    ConsumerChecks(ClientChecks checks) {
        this.c = checks;
        this.groupTopic = checks.name("group-input");
    }

    void register(Map<String, ClientChecks.Check> all) {
        all.put("consumer.classicGroup", () -> groupConsume("classic", GroupType.CLASSIC));
        all.put("consumer.groupProtocolConsumer", () -> groupConsume("consumer", GroupType.CONSUMER));
        all.put("consumer.readCommitted", this::readCommitted);
        all.put("consumer.seekPosition", this::seekPosition);
        all.put("consumer.pauseResume", this::pauseResume);
        all.put("consumer.staticMembership", this::staticMembership);
        all.put("consumer.cooperativeSticky", () -> twoConsumers("classic", "cooperative"));
        all.put("consumer.groupProtocolConsumerRebalance", () -> twoConsumers("consumer", "consumer-rebalance"));
    }

    private Properties groupProps(String group, String protocol) {
        Properties props = c.consumerProps(group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        if (protocol.equals("classic")) props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        return props;
    }

    private void ensureGroupTopic() throws Exception {
        if (c.admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(groupTopic)) return;
        c.createTopic(groupTopic, 4, Map.of());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c.producerProps())) {
            c.produce(producer, groupTopic, null, GROUP_RECORDS);
        }
    }

    private String groupConsume(String protocol, GroupType expectedType) throws Exception {
        ensureGroupTopic();
        String group = c.name("group-" + protocol);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(groupProps(group, protocol))) {
            consumer.subscribe(List.of(groupTopic));
            List<ConsumerRecord<String, String>> read = ClientChecks.pollCount(consumer, GROUP_RECORDS, 30_000);
            expectEqual(GROUP_RECORDS, read.size(), "records read");
            expectEqual(4, consumer.assignment().size(), "partitions assigned");
            consumer.commitSync();
            long committed = 0;
            for (OffsetAndMetadata o : consumer.committed(consumer.assignment()).values()) committed += o.offset();
            expectEqual((long) GROUP_RECORDS, committed, "sum of committed offsets");
            ConsumerGroupDescription d = c.admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            expectEqual(expectedType, d.type(), "group type");
            expectEqual(1, d.members().size(), "members");
        }
        return GROUP_RECORDS + " records over 4 partitions, offsets committed, described as a " + expectedType + " group";
    }

    private String readCommitted() throws Exception {
        String topic = ProducerChecks.transactionsTopic(c);
        ProducerChecks reader = new ProducerChecks(c);
        int committed = 2 * ProducerChecks.TXN_RECORDS_PER_BATCH;
        List<ConsumerRecord<String, String>> seen = reader.readAll(topic, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        expectEqual(committed, seen.size(), "records read_committed sees");
        for (ConsumerRecord<String, String> r : seen) expectEqual("commit", r.key(), "key of a read_committed record at " + r.offset());
        int all = 3 * ProducerChecks.TXN_RECORDS_PER_BATCH;
        List<ConsumerRecord<String, String>> raw = reader.readAll(topic, Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));
        expectEqual(all, raw.size(), "records read_uncommitted sees");
        return committed + " committed records seen, the " + ProducerChecks.TXN_RECORDS_PER_BATCH + " aborted ones only by read_uncommitted";
    }

    private String seekPosition() throws Exception {
        ensureGroupTopic();
        TopicPartition tp = new TopicPartition(groupTopic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c.consumerProps(null))) {
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            long end = consumer.position(tp);
            expect(end > 3, "partition 0 holds " + end + " records");
            consumer.seek(tp, 3);
            expectEqual(3L, consumer.position(tp), "position after seek");
            List<ConsumerRecord<String, String>> read = ClientChecks.pollCount(consumer, 1, 10_000);
            expectEqual(3L, read.get(0).offset(), "first offset after seek");
            expectEqual((long) read.size() + 3, consumer.position(tp), "position after poll");
            consumer.seekToBeginning(List.of(tp));
            expectEqual(0L, consumer.position(tp), "position after seekToBeginning");
            return "end " + end + ", seek 3 then poll from 3, seekToBeginning 0";
        }
    }

    private String pauseResume() throws Exception {
        ensureGroupTopic();
        TopicPartition p0 = new TopicPartition(groupTopic, 0);
        TopicPartition p1 = new TopicPartition(groupTopic, 1);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c.consumerProps(null))) {
            consumer.assign(List.of(p0, p1));
            consumer.seekToEnd(List.of(p0, p1));
            long p1Records = consumer.position(p1);
            consumer.seekToBeginning(List.of(p0, p1));
            consumer.pause(List.of(p0));
            expectEqual(Set.of(p0), consumer.paused(), "paused partitions");
            List<ConsumerRecord<String, String>> whilePaused = ClientChecks.pollCount(consumer, (int) p1Records, 10_000);
            for (ConsumerRecord<String, String> r : whilePaused) expectEqual(1, r.partition(), "partition of a record while 0 is paused");
            expectEqual(0L, consumer.position(p0), "paused partition's position");
            consumer.resume(List.of(p0));
            List<ConsumerRecord<String, String>> afterResume = ClientChecks.pollCount(consumer, 1, 10_000);
            expect(!afterResume.isEmpty() && afterResume.get(0).partition() == 0, "nothing from partition 0 after resume");
            return whilePaused.size() + " records from partition 1 only while 0 was paused, then partition 0";
        }
    }

    /** A static member closes without leaving; its successor with the same instance id gets the assignment back. */
    private String staticMembership() throws Exception {
        ensureGroupTopic();
        String group = c.name("static");
        Properties props = groupProps(group, "classic");
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1");
        Set<TopicPartition> first;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(groupTopic));
            first = awaitAssignment(consumer, 4);
        }
        ConsumerGroupDescription left = c.admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        expectEqual(1, left.members().size(), "members after the static member closed");
        expectEqual("instance-1", left.members().iterator().next().groupInstanceId().orElse(""), "instance id of the kept member");
        long start = System.currentTimeMillis();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(groupTopic));
            expectEqual(first, awaitAssignment(consumer, 4), "assignment of the returning instance");
        }
        long rejoinMs = System.currentTimeMillis() - start;
        expect(rejoinMs < 15_000, "the returning instance waited " + rejoinMs + " ms");
        return "member kept after close, instance-1 back on its 4 partitions in " + rejoinMs + " ms";
    }

    private static Set<TopicPartition> awaitAssignment(KafkaConsumer<String, String> consumer, int size) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (consumer.assignment().size() != size) {
            expect(System.currentTimeMillis() < deadline, "assignment " + consumer.assignment() + " after 30 s");
            consumer.poll(Duration.ofMillis(100));
        }
        return new HashSet<>(consumer.assignment());
    }

    /** Records what a consumer was asked to give up, to tell a cooperative rebalance from an eager one. */
    private static final class RevokeLog implements ConsumerRebalanceListener {
        final List<TopicPartition> revoked = new ArrayList<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
    }

    /**
     * A second consumer joins a group whose one member owns the 4 partitions: the first gives up 2 and keeps the
     * rest (cooperative-sticky under the classic protocol; the broker's own assignor under KIP-848's).
     */
    private String twoConsumers(String protocol, String groupSuffix) throws Exception {
        ensureGroupTopic();
        String group = c.name(groupSuffix);
        Properties props = groupProps(group, protocol);
        if (protocol.equals("classic")) props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        RevokeLog firstLog = new RevokeLog();
        try (KafkaConsumer<String, String> first = new KafkaConsumer<>(props);
             KafkaConsumer<String, String> second = new KafkaConsumer<>(props)) {
            first.subscribe(List.of(groupTopic), firstLog);
            awaitAssignment(first, 4);
            second.subscribe(List.of(groupTopic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (first.assignment().size() != 2 || second.assignment().size() != 2) {
                expect(System.currentTimeMillis() < deadline, "assignments " + first.assignment() + " / " + second.assignment() + " after 30 s");
                first.poll(Duration.ofMillis(50));
                second.poll(Duration.ofMillis(50));
            }
            Set<TopicPartition> union = new HashSet<>(first.assignment());
            union.addAll(second.assignment());
            expectEqual(4, union.size(), "partitions covered by the two consumers");
            expectEqual(2, firstLog.revoked.size(), "partitions the first consumer gave up");
            expect(second.assignment().containsAll(firstLog.revoked), "revoked " + firstLog.revoked + " went elsewhere than " + second.assignment());
            return "first kept " + first.assignment() + ", gave up only " + firstLog.revoked;
        }
    }
}
