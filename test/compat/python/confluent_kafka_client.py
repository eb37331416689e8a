"""confluent-kafka (Python, librdkafka) driven by test/compat/confluent-python.test.ts.

Subcommands print one JSON document on stdout; records to produce arrive on stdin as JSON lines
({"key", "value", "headers"}), so the jest suite owns the test data and checks every result.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def admin(bootstrap, topic, partitions):
    client = AdminClient({"bootstrap.servers": bootstrap})
    futures = client.create_topics([NewTopic(topic, num_partitions=int(partitions), replication_factor=1)])
    futures[topic].result(timeout=30)
    duplicate_error = None
    try:
        client.create_topics([NewTopic(topic, num_partitions=int(partitions), replication_factor=1)])[topic].result(timeout=30)
    except KafkaException as err:
        duplicate_error = err.args[0].name()
    meta = client.list_topics(timeout=30)
    return {
        "brokers": [{"id": b.id, "host": b.host, "port": b.port} for b in meta.brokers.values()],
        "partitions": sorted(meta.topics[topic].partitions.keys()),
        "duplicateError": duplicate_error,
    }


def produce(bootstrap, topic, compression="none", idempotent="false"):
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "compression.type": compression,
        "enable.idempotence": idempotent == "true",
        "linger.ms": 5,
    })
    report = {"delivered": 0, "errors": []}

    def on_delivery(err, msg):
        if err is not None:
            report["errors"].append(str(err))
        else:
            report["delivered"] += 1

    for line in sys.stdin:
        rec = json.loads(line)
        headers = [(k, v.encode()) for k, v in rec["headers"].items()]
        while True:
            try:
                producer.produce(topic, key=rec["key"], value=rec["value"], headers=headers, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    remaining = producer.flush(60)
    report["undelivered"] = remaining
    return report


def consume(bootstrap, topic, group, count):
    count = int(count)
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([topic])
    records = []
    errors = []
    deadline = time.time() + 60
    while len(records) < count and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            errors.append(str(msg.error()))
            continue
        records.append({
            "partition": msg.partition(),
            "offset": str(msg.offset()),
            "key": None if msg.key() is None else msg.key().decode(),
            "value": None if msg.value() is None else msg.value().decode(),
            "headers": {k: v.decode() for k, v in (msg.headers() or [])},
        })
    consumer.commit(asynchronous=False)
    assigned = consumer.assignment()
    committed = consumer.committed(assigned, timeout=30)
    consumer.close()
    return {
        "records": records,
        "errors": errors,
        "committed": {str(tp.partition): tp.offset for tp in committed},
    }


COMMANDS = {"admin": admin, "produce": produce, "consume": consume}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
