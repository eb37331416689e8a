"""SASL logins of the Python clients, driven by test/compat/security-clients.test.ts.

Usage: sasl_clients.py <confluent|kafka-python> <bootstrap> <protocol> <mechanism> <user> <password> <ca file> <topic>
Produces 10 records to <topic> and reads them back from the beginning; prints one JSON document:
{"produced": n, "consumed": [values...]} or {"error": "<what failed>"}.
"""
import json
import sys
import time


def confluent_roundtrip(bootstrap, protocol, mechanism, user, password, ca, topic):
    from confluent_kafka import Consumer, Producer

    common = {
        "bootstrap.servers": bootstrap,
        "security.protocol": protocol,
        "sasl.mechanisms": mechanism,
        "sasl.username": user,
        "sasl.password": password,
        "ssl.ca.location": ca,
    }
    errors = []
    producer = Producer(dict(common, **{"error_cb": lambda e: errors.append(str(e)), "message.timeout.ms": 8000}))
    for i in range(10):
        producer.produce(topic, key=f"k{i}", value=f"v{i}")
    left = producer.flush(20)
    if left or errors:
        return {"error": f"{left} undelivered; {errors[:1]}"}
    consumer = Consumer(dict(common, **{"group.id": f"{topic}-group", "auto.offset.reset": "earliest"}))
    consumer.subscribe([topic])
    values = []
    deadline = time.time() + 30
    while len(values) < 10 and time.time() < deadline:
        msg = consumer.poll(1.0)
        if msg is not None and msg.error() is None:
            values.append(msg.value().decode())
    consumer.close()
    return {"produced": 10, "consumed": sorted(values)}


def kafka_python_roundtrip(bootstrap, protocol, mechanism, user, password, ca, topic):
    from kafka import KafkaConsumer, KafkaProducer

    common = {
        "bootstrap_servers": bootstrap,
        "security_protocol": protocol,
        "sasl_mechanism": mechanism,
        "sasl_plain_username": user,
        "sasl_plain_password": password,
    }
    if protocol.endswith("SSL"):
        common["ssl_cafile"] = ca
        common["ssl_check_hostname"] = True
    producer = KafkaProducer(**common)
    for i in range(10):
        producer.send(topic, key=f"k{i}".encode(), value=f"v{i}".encode())
    producer.flush(20)
    producer.close()
    consumer = KafkaConsumer(topic, group_id=f"{topic}-group", auto_offset_reset="earliest", consumer_timeout_ms=10000, **common)
    values = sorted(m.value.decode() for m in consumer)
    consumer.close()
    return {"produced": 10, "consumed": values}


def main():
    client, *args = sys.argv[1:]
    run = confluent_roundtrip if client == "confluent" else kafka_python_roundtrip
    try:
        result = run(*args)
    except Exception as err:  # the test reports what the client said
        result = {"error": f"{type(err).__name__}: {err}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
