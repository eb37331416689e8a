/*
 * Bench reference: librdkafka's in-memory mock cluster with one broker on 127.0.0.1, driven over stdin so the
 * bench can create topics with exact partition counts (the mock has no CreateTopics handler of its own).
 *
 *   stdout, first line: the bootstrap address
 *   stdin:  "create <topic> <partitions>\n"  ->  stdout "ok\n" or "error <code>\n"
 *   EOF on stdin or SIGTERM/SIGINT stops it.
 *
 * Built at bench time into the gitignored bench/.build directory (needs librdkafka-dev).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static void on_signal(int sig) { (void)sig; _exit(0); }

int main(void) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* The handle only hosts the mock cluster's thread; it never produces. */
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", errstr); return 1; }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, 1);
    if (!mc) { fprintf(stderr, "rd_kafka_mock_cluster_new failed\n"); return 1; }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
    fflush(stdout);

    char line[1024];
    while (fgets(line, sizeof(line), stdin)) {
        char topic[512];
        int partitions = 0;
        if (sscanf(line, "create %511s %d", topic, &partitions) == 2 && partitions > 0) {
            rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, topic, partitions, 1);
            if (err) printf("error %d\n", (int)err);
            else printf("ok\n");
        } else {
            printf("error bad-command\n");
        }
        fflush(stdout);
    }
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return 0;
}
