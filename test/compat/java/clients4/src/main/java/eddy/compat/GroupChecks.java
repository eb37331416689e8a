// KIP-848 group features a 4.x client relies on: a regular-expression subscription (SubscriptionPattern, resolved
// by the broker, which must take in a topic created after the consumer subscribed) and a static member's restart
// (close sends epoch -2; the member and its partitions wait for the same instance id). SubscriptionPattern is 4.0+:
// it is reached by reflection so the 3.x build compiles the same source, and that check reports itself skipped there.
package eddy.compat;

import static eddy.compat.ClientChecks.expect;
import static eddy.compat.ClientChecks.expectEqual;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

final class GroupChecks {
    private final ClientChecks c;

    GroupChecks(ClientChecks checks) {
        this.c = checks;
    }

    void register(Map<String, ClientChecks.Check> all) {
        all.put("group.regexSubscription", this::regexSubscription);
        all.put("group.staticMemberRestart", this::staticMemberRestart);
    }

    private Properties consumerProtocol(String group) {
        Properties props = c.consumerProps(group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        return props;
    }

    /** Subscribes with a SubscriptionPattern (kafka-clients 4.0+); false when this client has none. */
    private static boolean subscribePattern(KafkaConsumer<String, String> consumer, String regex) throws Exception {
        Class<?> patternClass;
        try {
            patternClass = Class.forName("org.apache.kafka.clients.consumer.SubscriptionPattern");
        } catch (ClassNotFoundException before40) {
            return false;
        }
        Object pattern = patternClass.getConstructor(String.class).newInstance(regex);
        KafkaConsumer.class.getMethod("subscribe", patternClass).invoke(consumer, pattern);
        return true;
    }

    private static Set<TopicPartition> pollUntil(KafkaConsumer<String, String> consumer, Predicate<Set<TopicPartition>> done, long timeoutMs, String what) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!done.test(consumer.assignment())) {
            expect(System.currentTimeMillis() < deadline, what + ": assignment " + consumer.assignment() + " after " + timeoutMs + " ms");
            consumer.poll(Duration.ofMillis(100));
        }
        return new HashSet<>(consumer.assignment());
    }

    private String regexSubscription() throws Exception {
        String first = c.name("regex-first");
        String later = c.name("regex-later");
        c.createTopic(first, 2, Map.of());
        c.createTopic(c.name("regexnot-matched"), 1, Map.of());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProtocol(c.name("regex-group")))) {
            if (!subscribePattern(consumer, c.name("regex-.*"))) return "skipped: SubscriptionPattern needs kafka-clients 4.0+";
            Set<TopicPartition> initial = pollUntil(consumer, a -> a.size() == 2, 30_000, "the pattern's first topic");
            for (TopicPartition tp : initial) expectEqual(first, tp.topic(), "topic assigned through the pattern");
            long created = System.currentTimeMillis();
            c.createTopic(later, 3, Map.of());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(c.producerProps())) {
                c.produce(producer, later, 0, 5);
            }
            // The broker re-resolves a group's patterns at most every 10 s, then the member's next heartbeats.
            pollUntil(consumer, a -> a.size() == 5, 45_000, "the topic created after subscribing");
            long joinedMs = System.currentTimeMillis() - created;
            List<ConsumerRecord<String, String>> read = ClientChecks.pollCount(consumer, 5, 15_000);
            long fromLater = read.stream().filter(r -> r.topic().equals(later)).count();
            expectEqual(5L, fromLater, "records read from the later topic");
            ConsumerGroupDescription d = c.admin.describeConsumerGroups(List.of(c.name("regex-group"))).all().get(30, TimeUnit.SECONDS).get(c.name("regex-group"));
            expectEqual(5, d.members().iterator().next().assignment().topicPartitions().size(), "partitions described for the member");
            return "2 partitions of " + first + ", then " + later + " joined the assignment " + joinedMs + " ms after its creation";
        }
    }

    /** A KIP-848 static member closes (epoch -2) and its successor with the same instance id gets its partitions back. */
    private String staticMemberRestart() throws Exception {
        String topic = c.name("static-848");
        c.createTopic(topic, 4, Map.of());
        String group = c.name("static-848-group");
        Properties props = consumerProtocol(group);
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-848");
        Set<TopicPartition> first;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            first = pollUntil(consumer, a -> a.size() == 4, 30_000, "the first instance");
        }
        ConsumerGroupDescription left = c.admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        expectEqual(1, left.members().size(), "members after the static member closed");
        MemberDescription kept = left.members().iterator().next();
        expectEqual("instance-848", kept.groupInstanceId().orElse(""), "instance id of the kept member");
        expectEqual(4, kept.assignment().topicPartitions().size(), "partitions the closed static member keeps");
        long start = System.currentTimeMillis();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            expectEqual(first, pollUntil(consumer, a -> a.size() == 4, 30_000, "the returning instance"), "assignment of the returning instance");
        }
        long rejoinMs = System.currentTimeMillis() - start;
        expect(rejoinMs < 15_000, "the returning instance waited " + rejoinMs + " ms");
        return "member and its 4 partitions kept after close, instance-848 back on them in " + rejoinMs + " ms";
    }
}
