// Bench load driver on Apache Kafka's Java producer (kafka-clients from the reference Kafka's install), run with
// Java's single-file source launcher (java -cp <kafka classpath> JavaProducer.java) as a long-lived child like the
// other drivers: one JSON job per stdin line, one JSON result per stdout line ({"ok": true, ...} or
// {"ok": false, "error": "..."}). Only produce jobs, flat objects of strings and numbers:
// {"kind": "produce", "bootstrap", "topic", "size", "count", "partitions", "acks", "maxSeconds", "tlsCaFile"?}
// (tlsCaFile: TLS to the bootstrap, trusting the certificate in that PEM file).
//
// The producer keeps Kafka's defaults (batch.size, linger.ms, buffer.memory) apart from what the job sets, as an
// application that only names its brokers would run it. "#ready" goes out once this file is compiled and running,
// so the bench can keep the compile out of other clients' timed runs.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class JavaProducer {
  private static final String[] WORDS =
      ("order invoice customer payment shipped pending account region total amount status created updated warehouse"
              + " item sku quantity price discount currency session device browser click view cart checkout user email"
              + " address city country postal code phone level score event source target latency bytes")
          .split(" ");

  /** Word-based, distinct values like the other drivers' (compressible inside a value, not across values). */
  private static byte[][] payloadPool(int size, int count) {
    Random random = new Random(1);
    byte[][] pool = new byte[count][];
    for (int i = 0; i < count; i++) {
      StringBuilder s = new StringBuilder();
      while (s.length() < size) s.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(10000)).append(' ');
      pool[i] = s.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    return pool;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
  }

  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(?:\"([^\"]*)\"|([-+0-9.eE]+))");

  /** The fields of a flat JSON object whose values are strings without escapes, or numbers. */
  private static Map<String, String> fields(String line) {
    Map<String, String> out = new HashMap<>();
    Matcher m = FIELD.matcher(line);
    while (m.find()) out.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
    return out;
  }

  public static void main(String[] args) throws Exception {
    System.out.println("#ready");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) continue;
      String out;
      try {
        out = produce(fields(line));
      } catch (Exception e) {
        out = "{\"ok\": false, \"error\": " + quote(e.getClass().getSimpleName() + ": " + e.getMessage()) + "}";
      }
      System.out.println(out);
      System.out.flush();
    }
  }

  private static String produce(Map<String, String> job) throws Exception {
    if (!"produce".equals(job.get("kind"))) throw new IllegalArgumentException("unknown job kind " + job.get("kind"));
    String bootstrap = job.get("bootstrap");
    String topic = job.get("topic");
    int size = Integer.parseInt(job.get("size"));
    long count = Long.parseLong(job.get("count"));
    int partitions = Integer.parseInt(job.get("partitions"));
    String acks = job.get("acks");
    double maxSeconds = Double.parseDouble(job.get("maxSeconds"));
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", acks);
    props.put("compression.type", "none");
    props.put("enable.idempotence", "false");
    props.put("key.serializer", ByteArraySerializer.class.getName());
    props.put("value.serializer", ByteArraySerializer.class.getName());
    if (job.containsKey("tlsCaFile")) {
      props.put("security.protocol", "SSL");
      props.put("ssl.truststore.type", "PEM");
      props.put("ssl.truststore.location", job.get("tlsCaFile"));
    }
    byte[][] pool = payloadPool(size, 2048);
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      // Warm the connection and metadata before timing.
      producer.partitionsFor(topic);
      long start = System.nanoTime();
      long deadline = start + (long) (maxSeconds * 1e9);
      long sent = 0;
      while (sent < count && ((sent & 4095) != 0 || System.nanoTime() < deadline)) {
        producer.send(
            new ProducerRecord<>(topic, (int) (sent % partitions), null, pool[(int) (sent % pool.length)]),
            (metadata, error) -> {
              if (error != null && failed.getAndIncrement() == 0) firstError.set(error.toString());
            });
        sent++;
      }
      producer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (failed.get() > 0) throw new IllegalStateException(failed.get() + " delivery errors, first: " + firstError.get());
      return String.format(
          java.util.Locale.ROOT,
          "{\"ok\": true, \"records\": %d, \"bytes\": %d, \"seconds\": %.6f}", sent, sent * size, seconds);
    }
  }
}
