// The Java client's checks against Eddy (issue 17), all in one JVM so a client version costs one JVM start: each
// check runs in turn and prints one JSON line {"check","ok","ms","detail"|"error"} that the jest suite asserts by
// name. A check failing does not stop the others; the exit code is 0 once every check has reported.
package eddy.compat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class ClientChecks {
    /** A check's body: returns a short detail for the report, throws when the client saw something wrong. */
    interface Check {
        String run() throws Exception;
    }

    final String bootstrap;
    /** Prefixes every topic, group and transactional id, so two client versions can share one broker. */
    final String prefix;
    final Admin admin;

    private ClientChecks(String bootstrap, String prefix) {
        this.bootstrap = bootstrap;
        this.prefix = prefix;
        this.admin = Admin.create(adminProps());
    }

    public static void main(String[] args) throws Exception {
        // Before any logger exists: the client's own warnings are the useful part of a failing run's stderr.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        ClientChecks checks = new ClientChecks(args[0], args[1]);
        Map<String, Check> all = new LinkedHashMap<>();
        new AdminChecks(checks).register(all);
        new ProducerChecks(checks).register(all);
        new ConsumerChecks(checks).register(all);
        new GroupChecks(checks).register(all);
        String only = args.length > 2 ? args[2] : "";
        for (Map.Entry<String, Check> entry : all.entrySet()) {
            if (only.isEmpty() || entry.getKey().startsWith(only)) report(entry.getKey(), entry.getValue());
        }
        checks.admin.close();
        System.out.flush();
        // Client threads (telemetry, coordinators of closed clients) must not hold the JVM open.
        System.exit(0);
    }

    private static void report(String name, Check check) {
        long start = System.nanoTime();
        String line;
        try {
            String detail = check.run();
            line = "{\"check\":" + json(name) + ",\"ok\":true,\"ms\":" + elapsedMs(start) + ",\"detail\":" + json(detail) + "}";
        } catch (Throwable failure) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            System.err.println("check " + name + " failed: " + trace);
            line = "{\"check\":" + json(name) + ",\"ok\":false,\"ms\":" + elapsedMs(start) + ",\"error\":" + json(describe(failure)) + "}";
        }
        System.out.println(line);
        System.out.flush();
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** The failure and its causes on one line: an ExecutionException alone says nothing. */
    private static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (out.length() > 0) out.append(" <- ");
            out.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return out.toString();
    }

    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : String.valueOf(text).toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }

    /** Fails the check with a message naming what differed. */
    static void expect(boolean condition, String what) {
        if (!condition) throw new AssertionError(what);
    }

    static void expectEqual(Object expected, Object actual, String what) {
        if (!expected.equals(actual)) throw new AssertionError(what + ": expected " + expected + ", got " + actual);
    }

    void createTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        // As a careful client does on Kafka, where brokers learn of a new topic a moment after the controller.
        int led = eventually(() -> leaders(topic), n -> n == partitions);
        expect(led == partitions, topic + " has " + led + " of " + partitions + " partitions led 10 s after its creation");
    }

    private int leaders(String topic) throws InterruptedException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            return (int) d.partitions().stream().filter(p -> p.leader() != null).count();
        } catch (ExecutionException | TimeoutException notYet) {
            return 0;
        }
    }

    /** Sends `count` records key-i/value-i (to `partition` when not null) and waits for every acknowledgement. */
    void produce(Producer<String, String> producer, String topic, Integer partition, int count) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) sent.add(producer.send(new ProducerRecord<>(topic, partition, "key-" + i, "value-" + i)));
        for (Future<RecordMetadata> f : sent) f.get(30, TimeUnit.SECONDS);
    }

    /** Polls until `count` records arrived or the deadline passes; returns what arrived. */
    static List<ConsumerRecord<String, String>> pollCount(Consumer<String, String> consumer, int count, long timeoutMs) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (out.size() < count && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) out.add(r);
        }
        return out;
    }

    interface Read<T> {
        T get() throws Exception;
    }

    /**
     * Reads until `done` holds, for 10 s at most, and returns the last reading. Kafka applies some changes after
     * answering (a config altered, a topic created, transaction markers written); a check waits for them as a
     * client would, so it holds against Kafka and Eddy alike.
     */
    static <T> T eventually(Read<T> read, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        T value = read.get();
        while (!done.test(value) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            value = read.get();
        }
        return value;
    }

    String name(String suffix) {
        return prefix + "-" + suffix;
    }

    Properties adminProps() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return p;
    }

    Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    Properties consumerProps(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (group != null) p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        return p;
    }
}
