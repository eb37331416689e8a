// Online migration of a live group between the classic and the consumer (KIP-848) protocols with the Java client,
// rolled one member at a time as an operator upgrading an application would: two classic consumers, then each
// restarted with group.protocol=consumer (the first one upgrades the group), then each restarted with the classic
// protocol again (the last consumer-protocol member leaving downgrades it). A producer writes throughout; every
// consumer commits what it polled before polling again, so only records polled and not yet committed when a
// consumer is restarted may be seen twice. Prints one JSON line per phase (with the group's type as the admin
// client describes it) and a summary; the test (group-protocol-migration.test.ts) judges them.
package eddy.compat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class GroupMigrationRun {
    private static final int PARTITIONS = 4;
    private static final long PHASE_TIMEOUT_MS = 60_000;

    private final String bootstrap;
    private final String topic;
    private final String group;
    /** Record key to how many times any consumer of the group polled it. */
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final AtomicInteger produced = new AtomicInteger();
    private final AtomicBoolean producing = new AtomicBoolean(true);

    private GroupMigrationRun(String bootstrap, String topic, String group) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.group = group;
    }

    /** A consumer of the group on its own thread: polls, counts what it polled, commits before the next poll. */
    private final class Member implements Runnable {
        final String name;
        final String protocol;
        final AtomicInteger polled = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread thread;
        volatile Throwable failure;

        Member(String name, String protocol) {
            this.name = name;
            this.protocol = protocol;
            this.thread = new Thread(this, name);
            thread.start();
        }

        @Override
        public void run() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
            p.put("group.protocol", protocol);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            if (protocol.equals("classic")) {
                p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
                p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
                consumer.subscribe(List.of(topic));
                while (running.get()) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, String> r : records) {
                        seen.merge(r.key(), 1, Integer::sum);
                        polled.incrementAndGet();
                    }
                    if (!records.isEmpty()) consumer.commitSync(Duration.ofSeconds(10));
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + PHASE_TIMEOUT_MS;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("timed out: " + what);
            Thread.sleep(100);
        }
    }

    /** The group's type as the admin client describes it (ConsumerGroupDescription.type(), 3.7+, by reflection). */
    private String groupType(Admin admin) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
        try {
            return String.valueOf(ConsumerGroupDescription.class.getMethod("type").invoke(d));
        } catch (NoSuchMethodException older) {
            return "unknown";
        }
    }

    /** Waits until the member has polled records of its own, then reports the phase. */
    private void phase(Admin admin, String name, Member joined) throws Exception {
        int before = joined.polled.get();
        await(name + ": " + joined.name + " polls records", () -> joined.polled.get() > before || joined.failure != null);
        if (joined.failure != null) throw new IllegalStateException(joined.name + " failed", joined.failure);
        // A classic rebalance may still be settling: the type is read once every member consumes again.
        System.out.println(String.format("{\"phase\":\"%s\",\"groupType\":\"%s\",\"produced\":%d,\"consumed\":%d}", name, groupType(admin), produced.get(), seen.size()));
    }

    /** Stops a member and starts its replacement with the given protocol, as a rolling restart does. */
    private Member restart(Admin admin, Member old, String name, String protocol, String phaseName) throws Exception {
        old.stop();
        Member replacement = new Member(name, protocol);
        phase(admin, phaseName, replacement);
        return replacement;
    }

    private void run() throws Exception {
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (Admin admin = Admin.create(adminProps); KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Thread writer = new Thread(() -> {
                while (producing.get()) {
                    int n = produced.get();
                    producer.send(new ProducerRecord<>(topic, "k-" + n, "v-" + n));
                    produced.incrementAndGet();
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                producer.flush();
            }, "writer");
            writer.start();

            Member a = new Member("classic-a", "classic");
            Member b = new Member("classic-b", "classic");
            phase(admin, "classic", b);
            a = restart(admin, a, "consumer-a", "consumer", "upgraded-a");
            b = restart(admin, b, "consumer-b", "consumer", "upgraded-b");
            a = restart(admin, a, "classic-a2", "classic", "downgrading-a");
            b = restart(admin, b, "classic-b2", "classic", "downgraded-b");
            Member a3 = a;
            Member b3 = b;

            producing.set(false);
            writer.join(30_000);
            await("every record polled", () -> seen.size() >= produced.get());
            a3.stop();
            b3.stop();
            long duplicated = seen.values().stream().filter(n -> n > 1).count();
            System.out.println(String.format("{\"summary\":true,\"produced\":%d,\"consumed\":%d,\"duplicated\":%d}", produced.get(), seen.size(), duplicated));
        }
    }

    public static void main(String[] args) throws Exception {
        try {
            new GroupMigrationRun(args[0], args[1], args[2]).run();
        } catch (Throwable t) {
            System.out.println("{\"error\":\"" + String.valueOf(t).replace("\\", "\\\\").replace("\"", "'") + "\"}");
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
