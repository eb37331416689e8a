// Kafka Streams against Eddy (issue 17). One application exercises what Streams asks of a broker: a groupBy that
// goes through a repartition topic, two state stores with their changelog topics (one key-value, one windowed),
// exactly_once_v2 transactions spanning input offsets, changelogs and outputs, and the DeleteRecords purges of the
// repartition topic. Caching is off, so every input record yields exactly one update on each output topic: the
// test can then prove there is no duplicate and no loss across a stop and restart of this JVM.
package eddy.compat.streams;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;

public final class UserActivityApp {
  public static final String INPUT = "streams-activity";
  public static final String COUNTS = "streams-user-counts";
  public static final String WINDOW_COUNTS = "streams-user-window-counts";
  static final Duration WINDOW = Duration.ofSeconds(10);
  static final Duration GRACE = Duration.ofHours(1);

  private UserActivityApp() {}

  /** Input: key = event id, value = user name. Outputs are keyed by user (or user@windowStart), valued by count. */
  static StreamsBuilder topology() {
    StreamsBuilder builder = new StreamsBuilder();
    KGroupedStream<String, String> byUser =
        builder.<String, String>stream(INPUT).groupBy((eventId, user) -> user, Grouped.as("by-user"));
    byUser
        .count(Materialized.as("user-counts"))
        .toStream()
        .mapValues(String::valueOf)
        .to(COUNTS, Produced.with(Serdes.String(), Serdes.String()));
    byUser
        .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, GRACE))
        .count(Materialized.as("user-window-counts"))
        .toStream()
        .map((window, count) -> KeyValue.pair(window.key() + "@" + window.window().start(), String.valueOf(count)))
        .to(WINDOW_COUNTS, Produced.with(Serdes.String(), Serdes.String()));
    return builder;
  }

  static Properties config(String bootstrap, String applicationId, String stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    // A restarted member rejoins at once instead of waiting out the previous member's session.
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // Purge the repartition topic (DeleteRecords) within the test's run rather than every 30 s.
    props.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, 1000);
    return props;
  }

  /** Arguments: bootstrap servers, application id, state directory. Runs until SIGTERM, then closes cleanly. */
  public static void main(String[] args) throws InterruptedException {
    KafkaStreams streams = new KafkaStreams(topology().build(), config(args[0], args[1], args[2]));
    CountDownLatch closed = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          System.out.println("STATE " + now);
          if (now == KafkaStreams.State.ERROR) closed.countDown();
        });
    streams.setUncaughtExceptionHandler(
        error -> {
          System.out.println("FAILED " + error);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
              .SHUTDOWN_CLIENT;
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close(Duration.ofSeconds(20));
                  System.out.println("CLOSED");
                  closed.countDown();
                }));
    streams.start();
    closed.await();
    streams.close(Duration.ofSeconds(20));
    System.exit(streams.state() == KafkaStreams.State.ERROR ? 1 : 0);
  }
}
