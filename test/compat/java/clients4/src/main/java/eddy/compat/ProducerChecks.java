// The producer's checks: the defaults (idempotent, acks=all) delivering exactly once, every compression codec
// read back intact, headers, transactions committed and aborted (read back by ConsumerChecks.readCommitted), the
// transaction protocol the client picks from the broker's transaction.version (2 for 4.x: an epoch bump at every
// commit or abort), and client telemetry (KIP-714) behaving as against Kafka without a metrics plugin.
package eddy.compat;

import static eddy.compat.ClientChecks.expect;
import static eddy.compat.ClientChecks.expectEqual;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

final class ProducerChecks {
    static final int TXN_RECORDS_PER_BATCH = 5;
    private final ClientChecks c;

    ProducerChecks(ClientChecks checks) {
        this.c = checks;
    }

    void register(Map<String, ClientChecks.Check> all) {
        all.put("producer.idempotentByDefault", this::idempotentByDefault);
        for (String codec : List.of("gzip", "snappy", "lz4", "zstd")) all.put("producer.compression." + codec, () -> compression(codec));
        all.put("producer.headers", this::headers);
        all.put("producer.transactions", this::transactions);
        all.put("producer.transactionsFenced", this::transactionsFenced);
        all.put("producer.transactionsProtocol", this::transactionsProtocol);
        all.put("producer.telemetry", this::telemetry);
    }

    static String transactionsTopic(ClientChecks c) {
        return c.name("txn");
    }

    private String idempotentByDefault() throws Exception {
        ProducerConfig defaults = new ProducerConfig(c.producerProps());
        expect(defaults.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), "enable.idempotence is not the default");
        expectEqual("-1", defaults.getString(ProducerConfig.ACKS_CONFIG), "default acks");
        String topic = c.name("idempotent");
        c.createTopic(topic, 3, Map.of());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c.producerProps())) {
            c.produce(producer, topic, null, 1000);
        }
        List<ConsumerRecord<String, String>> read = readAll(topic, Map.of());
        Set<String> values = new HashSet<>();
        for (ConsumerRecord<String, String> r : read) values.add(r.value());
        expectEqual(1000, read.size(), "records read");
        expectEqual(1000, values.size(), "distinct values");
        return "1000 records over 3 partitions with acks=all, none lost or repeated";
    }

    private String compression(String codec) throws Exception {
        String topic = c.name("codec-" + codec);
        c.createTopic(topic, 1, Map.of());
        Properties props = c.producerProps();
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "50");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            c.produce(producer, topic, 0, 500);
        }
        List<ConsumerRecord<String, String>> read = readAll(topic, Map.of());
        expectEqual(500, read.size(), "records read");
        for (int i = 0; i < read.size(); i++) {
            expectEqual((long) i, read.get(i).offset(), "offset");
            expectEqual("value-" + i, read.get(i).value(), "value at offset " + i);
        }
        return "500 " + codec + " records read back in order";
    }

    private String headers() throws Exception {
        String topic = c.name("headers");
        c.createTopic(topic, 1, Map.of());
        RecordHeaders sent = new RecordHeaders();
        sent.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
        sent.add("trace", "def".getBytes(StandardCharsets.UTF_8));
        sent.add("empty", new byte[0]);
        sent.add("null", null);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c.producerProps())) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "v", sent)).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, String>> read = readAll(topic, Map.of());
        expectEqual(1, read.size(), "records read");
        expectEqual(headerList(sent), headerList(read.get(0).headers()), "headers");
        return "4 headers (a repeated key, an empty and a null value) read back as sent";
    }

    private static List<String> headerList(Iterable<Header> headers) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) out.add(h.key() + "=" + (h.value() == null ? "<null>" : new String(h.value(), StandardCharsets.UTF_8)));
        return out;
    }

    /** Commits a batch, aborts a batch, then commits a batch together with a consumer group's offsets. */
    private String transactions() throws Exception {
        String topic = transactionsTopic(c);
        String group = c.name("txn-offsets");
        c.createTopic(topic, 1, Map.of());
        Properties props = c.producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, c.name("txn-producer"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c.consumerProps(group))) {
            producer.initTransactions();
            for (String outcome : List.of("commit", "abort", "commit")) {
                producer.beginTransaction();
                for (int i = 0; i < TXN_RECORDS_PER_BATCH; i++) producer.send(new ProducerRecord<>(topic, 0, outcome, outcome + "-" + i));
                if (outcome.equals("abort")) {
                    // Unflushed records would be dropped by the client itself: the broker must see them to abort them.
                    producer.flush();
                    producer.abortTransaction();
                    continue;
                }
                producer.sendOffsetsToTransaction(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(42)), consumer.groupMetadata());
                producer.commitTransaction();
            }
        }
        long committed = c.admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
            .get(new TopicPartition(topic, 0)).offset();
        expectEqual(42L, committed, "offset committed inside the transaction");
        return "committed, aborted and committed " + TXN_RECORDS_PER_BATCH + " records each; the group's offset came with the commit";
    }

    /** A second producer with the same transactional id fences the first, whose commit then fails. */
    private String transactionsFenced() throws Exception {
        String topic = c.name("txn-fenced");
        c.createTopic(topic, 1, Map.of());
        Properties props = c.producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, c.name("txn-fenced"));
        try (KafkaProducer<String, String> first = new KafkaProducer<>(props)) {
            first.initTransactions();
            first.beginTransaction();
            first.send(new ProducerRecord<>(topic, 0, "fenced", "first")).get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> second = new KafkaProducer<>(props)) {
                second.initTransactions();
                try {
                    first.commitTransaction();
                    throw new AssertionError("the fenced producer committed");
                } catch (ProducerFencedException e) {
                    // What Kafka answers: the coordinator bumped the epoch for the newcomer.
                }
                second.beginTransaction();
                second.send(new ProducerRecord<>(topic, 0, "fenced", "second")).get(30, TimeUnit.SECONDS);
                second.commitTransaction();
            }
        }
        List<String> visible = new ArrayList<>();
        for (ConsumerRecord<String, String> r : readAll(topic, Map.of("isolation.level", "read_committed"))) visible.add(r.value());
        expectEqual(List.of("second"), visible, "records read_committed sees");
        return "the first producer's commit failed with ProducerFencedException, its record aborted; the second committed";
    }

    /**
     * With transaction.version 2 finalized, a 4.x producer ends every transaction with EndTxn v5, which bumps the
     * epoch (DescribeTransactions and the partition's DescribeProducers show it), and adds partitions and offsets
     * through its writes instead of AddPartitionsToTxn/AddOffsetsToTxn. A 3.x producer keeps protocol 1: one epoch.
     */
    private String transactionsProtocol() throws Exception {
        String topic = c.name("txn-protocol");
        String group = c.name("txn-protocol-offsets");
        String transactionalId = c.name("txn-protocol");
        c.createTopic(topic, 2, Map.of());
        short finalized = c.admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS).finalizedFeatures()
            .get("transaction.version").maxVersionLevel();
        expectEqual((short) 2, finalized, "finalized transaction.version");
        boolean protocol2 = !clientVersion().startsWith("3.");
        Properties props = c.producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        List<Integer> epochs = new ArrayList<>();
        TopicPartition first = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c.consumerProps(group))) {
            producer.initTransactions();
            int round = 0;
            for (String outcome : List.of("commit", "abort", "commit")) {
                producer.beginTransaction();
                for (int p = 0; p < 2; p++) producer.send(new ProducerRecord<>(topic, p, outcome, outcome + "-" + round + "-" + p));
                producer.flush();
                epochs.add(transactionEpoch(transactionalId));
                if (outcome.equals("abort")) {
                    producer.abortTransaction();
                } else {
                    producer.sendOffsetsToTransaction(Map.of(first, new OffsetAndMetadata(10 + round)), consumer.groupMetadata());
                    producer.commitTransaction();
                }
                round++;
            }
        }
        int last = transactionEpoch(transactionalId);
        int start = epochs.get(0);
        List<Integer> expected = protocol2 ? List.of(start, start + 1, start + 2) : List.of(start, start, start);
        expectEqual(expected, epochs, "producer epoch during each transaction");
        expectEqual(protocol2 ? start + 3 : start, last, "producer epoch after the last commit");
        // The last marker carries the epoch the commit moved to: that is what the partition knows of the producer.
        int partitionEpoch = c.admin.describeProducers(List.of(first)).partitionResult(first).get(30, TimeUnit.SECONDS)
            .activeProducers().get(0).producerEpoch();
        expectEqual(last, partitionEpoch, "the partition's producer epoch (DescribeProducers)");
        List<String> visible = new ArrayList<>();
        for (ConsumerRecord<String, String> r : readAll(topic, Map.of("isolation.level", "read_committed"))) visible.add(r.value());
        visible.sort(null);
        expectEqual(List.of("commit-0-0", "commit-0-1", "commit-2-0", "commit-2-1"), visible, "records read_committed sees");
        long committed = c.admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(first).offset();
        expectEqual(12L, committed, "offset committed by the last transaction");
        return (protocol2 ? "transaction protocol 2" : "transaction protocol 1") + ": epochs " + epochs + " then " + last
            + "; read_committed saw the two committed transactions; offsets came with the commits";
    }

    /** kafka-clients' own version, from the properties file its jar carries (3.x and 4.x alike). */
    private static String clientVersion() throws Exception {
        Properties version = new Properties();
        try (var in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            expect(in != null, "kafka-clients has no kafka-version.properties");
            version.load(in);
        }
        return version.getProperty("version", "");
    }

    private int transactionEpoch(String transactionalId) throws Exception {
        return c.admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get(30, TimeUnit.SECONDS).producerEpoch();
    }

    private String telemetry() throws Exception {
        // Kafka without a client-metrics plugin leaves GetTelemetrySubscriptions out of ApiVersions, so the client
        // never subscribes and reports no instance id; it must keep working all the same.
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(c.producerProps())) {
            producer.send(new ProducerRecord<>(c.name("idempotent"), "k", "v")).get(30, TimeUnit.SECONDS);
            expect(producer.clientInstanceId(Duration.ofMillis(500)) == null, "a client instance id without telemetry support");
        }
        return "enable.metrics.push on, no subscription offered, producing unaffected";
    }

    /** Reads a topic from the start to its end offsets (the LSO under read_committed) with a groupless consumer. */
    List<ConsumerRecord<String, String>> readAll(String topic, Map<String, String> extra) {
        Properties props = c.consumerProps(null);
        props.putAll(extra);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                expect(System.currentTimeMillis() < deadline, "end offsets " + ends + " not reached in 30 s after " + out.size() + " records");
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) out.add(r);
            }
            return out;
        }
    }
}
