// The Java client over SASL_SSL (issue 18): an admin logged in with SCRAM-SHA-256 creates a SCRAM-SHA-512 user with
// Admin.alterUserScramCredentials and reads it back with describeUserScramCredentials; that user then produces and
// consumes through a group; a wrong password fails with the client's SaslAuthenticationException. Prints one JSON
// line per check, as ClientChecks does. Arguments: bootstrap, CA certificate (PEM), admin user, admin password, prefix.
package eddy.compat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class SecurityChecks {
    private final String bootstrap;
    private final String caFile;
    private final String prefix;

    private SecurityChecks(String bootstrap, String caFile, String prefix) {
        this.bootstrap = bootstrap;
        this.caFile = caFile;
        this.prefix = prefix;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        SecurityChecks checks = new SecurityChecks(args[0], args[1], args[4]);
        String user = checks.prefix + "-java-user";
        report("security.alterUserScramCredentials", () -> checks.createUser(args[2], args[3], user));
        report("security.scramProduceConsume", () -> checks.produceConsume(user));
        report("security.wrongPassword", () -> checks.wrongPassword(user));
        System.out.flush();
        System.exit(0);
    }

    private static void report(String name, ClientChecks.Check check) {
        long start = System.nanoTime();
        String line;
        try {
            String detail = check.run();
            line = "{\"check\":" + ClientChecks.json(name) + ",\"ok\":true,\"detail\":" + ClientChecks.json(detail) + "}";
        } catch (Throwable failure) {
            failure.printStackTrace();
            StringBuilder why = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) why.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" <- ");
            line = "{\"check\":" + ClientChecks.json(name) + ",\"ok\":false,\"error\":" + ClientChecks.json(why.toString()) + "}";
        }
        System.out.println(line);
        System.out.flush();
    }

    private Properties secured(String mechanism, String user, String password) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caFile);
        p.put(SaslConfigs.SASL_MECHANISM, mechanism);
        p.put(SaslConfigs.SASL_JAAS_CONFIG,
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";");
        return p;
    }

    private String createUser(String adminUser, String adminPassword, String user) throws Exception {
        try (Admin admin = Admin.create(secured("SCRAM-SHA-256", adminUser, adminPassword))) {
            ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192);
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user, info, "java-secret"))).all().get(30, TimeUnit.SECONDS);
            Map<String, UserScramCredentialsDescription> described = admin.describeUserScramCredentials(List.of(user)).all().get(30, TimeUnit.SECONDS);
            List<ScramCredentialInfo> infos = described.get(user).credentialInfos();
            ClientChecks.expectEqual(1, infos.size(), "credentials of " + user);
            ClientChecks.expectEqual(ScramMechanism.SCRAM_SHA_512, infos.get(0).mechanism(), "mechanism");
            ClientChecks.expectEqual(8192, infos.get(0).iterations(), "iterations");
            admin.createTopics(List.of(new NewTopic(prefix + "-secured", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            return user + " " + infos.get(0).mechanism() + " " + infos.get(0).iterations();
        }
    }

    private String produceConsume(String user) throws Exception {
        String topic = prefix + "-secured";
        Properties pp = secured("SCRAM-SHA-512", user, "java-secret");
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
            for (int i = 0; i < 10; i++) producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
        }
        Properties cp = secured("SCRAM-SHA-512", user, "java-secret");
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "-secured-group");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < 10 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) values.add(r.value());
            }
        }
        ClientChecks.expectEqual(10, values.size(), "records consumed");
        return values.size() + " records";
    }

    private String wrongPassword(String user) throws Exception {
        Properties p = secured("SCRAM-SHA-512", user, "not-the-password");
        try (Admin admin = Admin.create(p)) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS);
            throw new AssertionError("listTopics succeeded with a wrong password");
        } catch (ExecutionException e) {
            ClientChecks.expect(e.getCause() instanceof SaslAuthenticationException, "expected SaslAuthenticationException, got " + e.getCause());
            return e.getCause().getMessage();
        }
    }
}
