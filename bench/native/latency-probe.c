/*
 * Bench latency probe in C on librdkafka: one producer (linger.ms=0, acks=all) and one assign()-ed consumer in the
 * same process, so send and receive times come from one monotonic clock. The python driver measures the same
 * thing, but its interpreter (GIL, a poll loop in Python) adds milliseconds of its own to the tail; this probe
 * leaves librdkafka and the server.
 *
 *   latency-probe <bootstrap> <topic> <rate/s> <seconds> <warmup seconds> <value bytes> <fetch.wait.max.ms>
 *   stdout: one JSON line {"samples":..,"rate":..,"p50":..,"p99":..,"p999":..,"max":..} (ms)
 *
 * Built at bench time into the gitignored bench/.build directory (needs librdkafka-dev).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <librdkafka/rdkafka.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "config %s=%s: %s\n", key, value, errstr);
        exit(2);
    }
}

struct consumer_state {
    rd_kafka_t *rk;
    uint64_t *latencies; /* receive - send, for records sent after the warm-up */
    size_t capacity;
    size_t count;
    size_t received;
    size_t expected;
    uint64_t warm_from_ns;
    volatile int stop;
};

static void *consume_loop(void *arg) {
    struct consumer_state *st = arg;
    while (!st->stop && st->received < st->expected) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(st->rk, 100);
        if (m == NULL) continue;
        uint64_t now = now_ns();
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->len >= sizeof(uint64_t)) {
            uint64_t sent;
            memcpy(&sent, m->payload, sizeof(sent));
            st->received++;
            if (sent >= st->warm_from_ns && st->count < st->capacity) st->latencies[st->count++] = now - sent;
        }
        rd_kafka_message_destroy(m);
    }
    return NULL;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_ms(const uint64_t *sorted, size_t n, double p) {
    size_t i = (size_t)(p * (double)n);
    if (i >= n) i = n - 1;
    return (double)sorted[i] / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: %s bootstrap topic rate seconds warmup bytes fetch-wait-ms\n", argv[0]);
        return 2;
    }
    const char *bootstrap = argv[1], *topic = argv[2];
    double rate = atof(argv[3]), seconds = atof(argv[4]), warmup = atof(argv[5]);
    size_t size = (size_t)atoi(argv[6]);
    if (size < sizeof(uint64_t)) size = sizeof(uint64_t);
    char errstr[512];

    rd_kafka_conf_t *pconf = rd_kafka_conf_new();
    set(pconf, "bootstrap.servers", bootstrap);
    set(pconf, "linger.ms", "0");
    set(pconf, "acks", "all");
    set(pconf, "enable.idempotence", "false");
    set(pconf, "log_level", "3");
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, errstr, sizeof(errstr));
    if (!producer) { fprintf(stderr, "producer: %s\n", errstr); return 1; }

    rd_kafka_conf_t *cconf = rd_kafka_conf_new();
    set(cconf, "bootstrap.servers", bootstrap);
    /* librdkafka wants a group id, but assign() without commits never joins the group. */
    set(cconf, "group.id", "bench-latency-probe");
    set(cconf, "enable.auto.commit", "false");
    set(cconf, "enable.partition.eof", "false");
    set(cconf, "fetch.wait.max.ms", argv[7]);
    set(cconf, "log_level", "3");
    rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cconf, errstr, sizeof(errstr));
    if (!consumer) { fprintf(stderr, "consumer: %s\n", errstr); return 1; }
    rd_kafka_poll_set_consumer(consumer);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(parts, topic, 0)->offset = 0;
    rd_kafka_assign(consumer, parts);
    rd_kafka_topic_partition_list_destroy(parts);

    /* Metadata and connections in place before the clock starts, as the python driver does. */
    const struct rd_kafka_metadata *md;
    rd_kafka_metadata(producer, 1, NULL, &md, 10000);
    rd_kafka_metadata_destroy(md);
    rd_kafka_message_t *first = rd_kafka_consumer_poll(consumer, 300);
    if (first) rd_kafka_message_destroy(first);

    size_t total = (size_t)(rate * (seconds + warmup));
    struct consumer_state st = { .rk = consumer, .capacity = total, .expected = total };
    st.latencies = calloc(total ? total : 1, sizeof(uint64_t));
    pthread_t thread;
    uint64_t start = now_ns();
    st.warm_from_ns = start + (uint64_t)(warmup * 1e9);
    pthread_create(&thread, NULL, consume_loop, &st);

    char *value = calloc(1, size);
    const uint64_t tick_ns = 1000000;
    double per_tick = rate / 1000.0, owed = 0;
    uint64_t next_tick = start;
    size_t sent = 0;
    while (sent < total) {
        next_tick += tick_ns;
        owed += per_tick;
        while (owed >= 1.0 && sent < total) {
            uint64_t t = now_ns();
            memcpy(value, &t, sizeof(t));
            rd_kafka_resp_err_t err = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0),
                                                        RD_KAFKA_V_VALUE(value, size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                        RD_KAFKA_V_END);
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) { rd_kafka_poll(producer, 1); continue; }
            owed -= 1.0;
            sent++;
        }
        rd_kafka_poll(producer, 0);
        uint64_t now = now_ns();
        if (next_tick > now) {
            struct timespec ts = { .tv_sec = (time_t)((next_tick - now) / 1000000000ull), .tv_nsec = (long)((next_tick - now) % 1000000000ull) };
            nanosleep(&ts, NULL);
        }
    }
    double elapsed = (double)(now_ns() - start) / 1e9;
    rd_kafka_flush(producer, 30000);
    uint64_t deadline = now_ns() + 30000000000ull;
    while (st.received < total && now_ns() < deadline) {
        struct timespec ts = { 0, 10000000 };
        nanosleep(&ts, NULL);
    }
    st.stop = 1;
    pthread_join(thread, NULL);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    rd_kafka_destroy(producer);

    if (st.count == 0) { fprintf(stderr, "no latency samples\n"); return 1; }
    qsort(st.latencies, st.count, sizeof(uint64_t), compare_u64);
    printf("{\"samples\":%zu,\"received\":%zu,\"sent\":%zu,\"rate\":%.1f,\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f}\n",
           st.count, st.received, sent, (double)sent / elapsed, pct_ms(st.latencies, st.count, 0.50),
           pct_ms(st.latencies, st.count, 0.99), pct_ms(st.latencies, st.count, 0.999), pct_ms(st.latencies, st.count, 1.0));
    free(value);
    free(st.latencies);
    return 0;
}
