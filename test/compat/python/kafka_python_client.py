"""kafka-python 2.0.2 driven by test/compat/kafka-python.test.ts.

kafka-python speaks older protocol versions than the Java client (Produce v7, Fetch v4, Metadata v1, ...), so these
runs check the broker's legacy version ranges. Subcommands print one JSON document on stdout; records to produce
arrive on stdin as JSON lines ({"key", "value", "headers"}).
"""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError


def admin(bootstrap, topic, partitions):
    client = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="compat-kafka-python")
    client.create_topics([NewTopic(topic, num_partitions=int(partitions), replication_factor=1)])
    duplicate_error = None
    try:
        client.create_topics([NewTopic(topic, num_partitions=int(partitions), replication_factor=1)])
    except TopicAlreadyExistsError as err:
        duplicate_error = type(err).__name__
    described = client.describe_topics([topic])
    cluster = client.describe_cluster()
    version = client.config["api_version"]
    client.close()
    return {
        "apiVersion": list(version),
        "partitions": sorted(p["partition"] for p in described[0]["partitions"]),
        "brokers": [{"id": b["node_id"], "host": b["host"], "port": b["port"]} for b in cluster["brokers"]],
        "duplicateError": duplicate_error,
    }


def produce(bootstrap, topic, compression="none"):
    producer = KafkaProducer(
        bootstrap_servers=bootstrap,
        compression_type=None if compression == "none" else compression,
        linger_ms=5,
        acks="all",
    )
    futures = []
    for line in sys.stdin:
        rec = json.loads(line)
        headers = [(k, v.encode()) for k, v in rec["headers"].items()]
        futures.append(producer.send(topic, key=rec["key"].encode(), value=rec["value"].encode(), headers=headers))
    producer.flush(60)
    errors = []
    delivered = 0
    for f in futures:
        try:
            f.get(timeout=30)
            delivered += 1
        except Exception as err:  # noqa: BLE001 - every failure is reported back to the jest suite
            errors.append(repr(err))
    producer.close()
    return {"delivered": delivered, "errors": errors[:20]}


def consume(bootstrap, topic, group, count):
    count = int(count)
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    records = []
    deadline = time.time() + 60
    while len(records) < count and time.time() < deadline:
        for tp, msgs in consumer.poll(timeout_ms=500).items():
            for msg in msgs:
                records.append({
                    "partition": msg.partition,
                    "offset": str(msg.offset),
                    "key": None if msg.key is None else msg.key.decode(),
                    "value": None if msg.value is None else msg.value.decode(),
                    "headers": {k: v.decode() for k, v in (msg.headers or [])},
                })
    consumer.commit()
    committed = {str(tp.partition): consumer.committed(tp) for tp in consumer.assignment()}
    consumer.close()
    return {"records": records, "errors": [], "committed": committed}


COMMANDS = {"admin": admin, "produce": produce, "consume": consume}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
