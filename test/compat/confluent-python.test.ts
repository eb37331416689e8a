// confluent-kafka for Python (Debian's python3-confluent-kafka 1.7 on librdkafka 2.0.2): AdminClient, Producer with
// delivery reports (every codec, idempotence) and Consumer with synchronous commits, via python/confluent_kafka_client.py.
import { describeScriptClient } from './support/script-client';
import { pythonCommand, pythonProblems } from './support/python-clients';

jest.setTimeout(180000);

describeScriptClient({
  title: 'confluent-kafka (Python)',
  command: pythonCommand('confluent_kafka_client.py'),
  problems: pythonProblems({ confluent_kafka: 'python3-confluent-kafka' }),
  clientTag: 'confluent-python',
  codecs: ['gzip', 'snappy', 'lz4', 'zstd'],
  idempotentArgs: ['none', 'true'],
});
