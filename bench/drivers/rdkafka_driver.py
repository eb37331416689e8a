#!/usr/bin/python3
"""Bench load driver on librdkafka (python confluent-kafka from Debian's python3-confluent-kafka).

Runs as a long-lived child of the bench: one JSON job per stdin line, one JSON result per stdout line
({"ok": true, ...} or {"ok": false, "error": "..."}). Lines starting with "#" on stdout are progress
notes (e.g. "#ready" when a tailing consumer is in place). All load goes to the bootstrap given in the job.
"""
import json
import random
import sys
import threading
import time

from confluent_kafka import OFFSET_END, Consumer, Producer, TopicPartition, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

WORDS = (
    "order invoice customer payment shipped pending account region total amount status created updated "
    "warehouse item sku quantity price discount currency session device browser click view cart checkout "
    "user email address city country postal code phone level score event source target latency bytes"
).split()


def payload_pool(size, count, seed):
    """Distinct, word-based values: lz4 finds matches inside a value but not whole repeated values."""
    rng = random.Random(seed)
    pool = []
    for _ in range(count):
        parts = []
        length = 0
        while length < size:
            w = rng.choice(WORDS) + str(rng.randint(0, 9999))
            parts.append(w)
            length += len(w) + 1
        pool.append(" ".join(parts).encode()[:size].ljust(size, b"."))
    return pool


def quiet_logger_conf():
    # librdkafka logs go to stderr; the bench keeps stderr for diagnostics but avoids debug noise.
    return {"log_level": 3}


def producer_conf(job):
    conf = {
        "bootstrap.servers": job["bootstrap"],
        "acks": str(job.get("acks", 1)),
        "compression.type": job.get("compression", "none"),
        "linger.ms": job.get("lingerMs", 5),
        # Idempotence (a job's "idempotent": true) makes librdkafka fetch a producer id first, force acks=all
        # and keep at most 5 requests in flight per broker; off by default so the acks figures stay what they say.
        "enable.idempotence": bool(job.get("idempotent", False)),
        "queue.buffering.max.messages": 500000,
        "queue.buffering.max.kbytes": 512 * 1024,
        "batch.size": 1000000,
        "delivery.report.only.error": True,
    }
    conf.update(quiet_logger_conf())
    # Client settings a workload adds, e.g. security.protocol=SSL for the TLS section.
    conf.update(job.get("clientConfig", {}))
    return conf


class DeliveryErrors:
    def __init__(self):
        self.count = 0
        self.first = None

    def __call__(self, err, msg):
        if err is not None:
            self.count += 1
            if self.first is None:
                self.first = str(err)


def produce_records(producer, topic, partitions, pool, count, deadline):
    """Round-robin over partitions; returns how many records were handed to librdkafka before the deadline."""
    produce = producer.produce
    poll = producer.poll
    n_pool = len(pool)
    sent = 0
    while sent < count:
        if (sent & 4095) == 0 and time.perf_counter() > deadline:
            break
        try:
            produce(topic, pool[sent % n_pool], partition=sent % partitions)
            sent += 1
        except BufferError:
            poll(0.005)
    return sent


def job_produce(job):
    errors = DeliveryErrors()
    conf = producer_conf(job)
    conf["on_delivery"] = errors
    producer = Producer(conf)
    pool = payload_pool(job["size"], job.get("poolSize", 2048), job.get("seed", 1))
    # Warm the connection and metadata before timing.
    producer.list_topics(job["topic"], timeout=10)
    start = time.perf_counter()
    sent = produce_records(producer, job["topic"], job["partitions"], pool, job["count"], start + job["maxSeconds"])
    remaining = producer.flush(60)
    elapsed = time.perf_counter() - start
    if remaining:
        raise RuntimeError("%d records still undelivered after flush" % remaining)
    if errors.count:
        raise RuntimeError("%d delivery errors, first: %s" % (errors.count, errors.first))
    return {"records": sent, "bytes": sent * job["size"], "seconds": elapsed}


def consumer_conf(job):
    conf = {
        "bootstrap.servers": job["bootstrap"],
        # librdkafka insists on a group id, but assign() without commits never joins the group.
        "group.id": "bench-assign-only",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "auto.offset.reset": "earliest",
        "fetch.wait.max.ms": job.get("fetchWaitMs", 100),
        "enable.partition.eof": False,
    }
    conf.update(quiet_logger_conf())
    return conf


def consume_count(consumer, expected, deadline, idle_seconds=None):
    """Consumes until `expected` records arrived, the deadline passed, or (with idle_seconds) nothing more came
    for that long after the first record; returns (count, bytes, first, last)."""
    got = 0
    nbytes = 0
    first = None
    last = None
    while got < expected and time.perf_counter() < deadline:
        # consume() waits until it has num_messages or the timeout passes: never ask for more than remain.
        msgs = consumer.consume(num_messages=min(10000, expected - got), timeout=0.2)
        now = time.perf_counter()
        if not msgs:
            if idle_seconds is not None and last is not None and now - last > idle_seconds:
                break
            continue
        if first is None:
            first = now
        for m in msgs:
            if m.error() is not None:
                raise KafkaException(m.error())
            v = m.value()
            if v is not None:
                nbytes += len(v)
        got += len(msgs)
        last = now
    return got, nbytes, first, last


def job_consume(job):
    """Reads the topic from its log start; the mock cluster keeps only the newest few MB of each partition,
    so what is read is what the server still has (reported as "available")."""
    consumer = Consumer(consumer_conf(job))
    try:
        topic = job["topic"]
        consumer.list_topics(topic, timeout=10)
        starts = []
        available = 0
        for p in range(job["partitions"]):
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            starts.append(low)
            available += high - low
        expected = min(job["expected"], available)
        start = time.perf_counter()
        consumer.assign([TopicPartition(topic, p, starts[p]) for p in range(job["partitions"])])
        got, nbytes, _, last = consume_count(consumer, expected, start + job["maxSeconds"])
        end = last if last is not None else time.perf_counter()
        return {"records": got, "bytes": nbytes, "seconds": end - start, "available": available,
                "complete": got >= expected}
    finally:
        consumer.close()


def job_tail(job):
    """A consumer in place at the end of an empty topic; the bench then starts a producer elsewhere."""
    consumer = Consumer(consumer_conf(job))
    try:
        consumer.list_topics(job["topic"], timeout=10)
        consumer.assign([TopicPartition(job["topic"], p, 0) for p in range(job["partitions"])])
        # One empty poll round so fetch sessions are open before the producer starts.
        consumer.consume(num_messages=1, timeout=0.3)
        print("#ready", flush=True)
        got, nbytes, first, last = consume_count(consumer, job["expected"], time.perf_counter() + job["maxSeconds"],
                                                 idle_seconds=job.get("idleSeconds", 3))
        seconds = (last - first) if (first is not None and last is not None and last > first) else 0.0
        return {"records": got, "bytes": nbytes, "seconds": seconds, "complete": got >= job["expected"]}
    finally:
        consumer.close()


def job_latency(job):
    """Produce at a fixed rate and consume in the same process; latency = receive - send, same clock."""
    rate = job["rate"]
    seconds = job["seconds"]
    warmup = job.get("warmupSeconds", 1.0)
    size = max(job.get("size", 100), 16)
    topic = job["topic"]
    pconf = producer_conf({**job, "lingerMs": 0})
    producer = Producer(pconf)
    consumer = Consumer(consumer_conf({**job, "fetchWaitMs": job.get("fetchWaitMs", 500)}))
    consumer.list_topics(topic, timeout=10)
    producer.list_topics(topic, timeout=10)
    consumer.assign([TopicPartition(topic, 0, 0)])
    consumer.consume(num_messages=1, timeout=0.3)
    total = int(rate * (seconds + warmup))
    samples = []
    stop = threading.Event()
    pad = b"x" * (size - 16)

    def consume_loop():
        seen = 0
        while seen < total and not stop.is_set():
            # poll() hands over each record as soon as it is there (consume() would wait to fill a batch).
            m = consumer.poll(0.1)
            if m is None or m.error() is not None:
                continue
            now = time.perf_counter_ns()
            sent_ns = int(m.value()[:16])
            samples.append((sent_ns, now - sent_ns))
            seen += 1

    t = threading.Thread(target=consume_loop)
    t.start()
    tick = 0.001
    per_tick = rate * tick
    start = time.perf_counter()
    sent = 0
    owed = 0.0
    next_tick = start
    while sent < total:
        next_tick += tick
        owed += per_tick
        while owed >= 1.0 and sent < total:
            producer.produce(topic, b"%016d" % time.perf_counter_ns() + pad, partition=0)
            owed -= 1.0
            sent += 1
        producer.poll(0)
        delay = next_tick - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    producer.flush(30)
    t.join(timeout=30)
    stop.set()
    t.join()
    consumer.close()
    actual_rate = sent / (time.perf_counter() - start)
    warm_ns = int((start + warmup) * 1e9)
    lat = sorted(l for (s, l) in samples if s >= warm_ns)
    if not lat:
        raise RuntimeError("no latency samples")

    def pct(p):
        return lat[min(len(lat) - 1, int(p * len(lat)))] / 1e6

    return {"samples": len(lat), "received": len(samples), "sent": sent, "rate": actual_rate,
            "p50": pct(0.50), "p99": pct(0.99), "p999": pct(0.999), "max": lat[-1] / 1e6}


def job_create(job):
    admin = AdminClient({"bootstrap.servers": job["bootstrap"], **quiet_logger_conf()})
    start = time.perf_counter()
    futures = admin.create_topics([NewTopic(job["topic"], job["partitions"], 1)], operation_timeout=120,
                                  request_timeout=120)
    for f in futures.values():
        f.result(timeout=180)
    if job.get("waitForLeaders"):
        wait_for_leaders(admin, job["bootstrap"], job["topic"], job["partitions"], start + READY_SECONDS)
    return {"seconds": time.perf_counter() - start}


# Kafka creates a partition's log files after answering CreateTopics: 10,000 of them take minutes on a loaded machine.
READY_SECONDS = 600


def wait_for_leaders(admin, bootstrap, topic, partitions, deadline):
    """Apache Kafka answers CreateTopics once its controller has committed the topic; its metadata names the
    leaders at once, but the broker creates each partition's log a moment later and refuses requests for it until
    then. Waiting until ListOffsets succeeds for every partition keeps that moment out of the timed work."""
    while True:
        md = admin.list_topics(topic, timeout=30).topics.get(topic)
        if md is not None and md.error is None and len(md.partitions) == partitions and \
                all(p.leader >= 0 and p.error is None for p in md.partitions.values()):
            break
        if time.perf_counter() > deadline:
            raise RuntimeError("partitions of %s still without a leader" % topic)
        time.sleep(0.02)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-readiness",
                         **quiet_logger_conf()})
    try:
        latest = [TopicPartition(topic, p, OFFSET_END) for p in range(partitions)]
        while True:
            try:
                answers = consumer.offsets_for_times(latest, timeout=30)
                if all(tp.error is None and tp.offset >= 0 for tp in answers):
                    return
            except KafkaException:
                pass
            if time.perf_counter() > deadline:
                raise RuntimeError("partitions of %s still not served" % topic)
            time.sleep(0.02)
    finally:
        consumer.close()


def job_leaders(job):
    admin = AdminClient({"bootstrap.servers": job["bootstrap"], **quiet_logger_conf()})
    start = time.perf_counter()
    wait_for_leaders(admin, job["bootstrap"], job["topic"], job["partitions"], start + READY_SECONDS)
    return {"seconds": time.perf_counter() - start}


def job_scale(job):
    """Metadata for one many-partition topic, then one record to every partition (all acked)."""
    topic = job["topic"]
    partitions = job["partitions"]
    producer = Producer(producer_conf(job))
    start = time.perf_counter()
    md = producer.list_topics(topic, timeout=60)
    metadata_s = time.perf_counter() - start
    seen = len(md.topics[topic].partitions) if topic in md.topics else 0
    errors = DeliveryErrors()
    producer2 = Producer({**producer_conf(job), "on_delivery": errors})
    producer2.list_topics(topic, timeout=60)
    start = time.perf_counter()
    for p in range(partitions):
        while True:
            try:
                producer2.produce(topic, b"v" * 100, partition=p)
                break
            except BufferError:
                producer2.poll(0.01)
    left = producer2.flush(120)
    produce_s = time.perf_counter() - start
    if left or errors.count:
        raise RuntimeError("scale produce: %d undelivered, %d errors (%s)" % (left, errors.count, errors.first))
    return {"metadataSeconds": metadata_s, "produceSeconds": produce_s, "partitionsSeen": seen}


JOBS = {
    "produce": job_produce,
    "consume": job_consume,
    "tail": job_tail,
    "latency": job_latency,
    "create": job_create,
    "leaders": job_leaders,
    "scale": job_scale,
}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            job = json.loads(line)
            result = JOBS[job["kind"]](job)
            out = {"ok": True, **result}
        except Exception as e:  # report and keep serving; the bench decides what a failure means
            out = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
