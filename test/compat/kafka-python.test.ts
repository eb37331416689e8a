// kafka-python 2.0.2 (Debian's python3-kafka): it negotiates older API versions than the Java client (Produce v7,
// Fetch v4, ListOffsets v1, Metadata v1, OffsetCommit v2, JoinGroup v2, ...), so this suite exercises the broker's
// legacy version ranges. Its compression codecs need python3-snappy, python3-lz4 and python3-zstandard.
// kafka-python has no idempotent producer.
import { describeScriptClient } from './support/script-client';
import { pythonCommand, pythonProblems } from './support/python-clients';

jest.setTimeout(180000);

describeScriptClient({
  title: 'kafka-python',
  command: pythonCommand('kafka_python_client.py'),
  problems: pythonProblems({
    kafka: 'python3-kafka',
    snappy: 'python3-snappy',
    lz4: 'python3-lz4',
    zstandard: 'python3-zstandard',
  }),
  clientTag: 'kafka-python',
  codecs: ['gzip', 'snappy', 'lz4', 'zstd'],
  idempotentArgs: null,
  checkAdmin: (report) => {
    // kafka-python guesses the broker's release from which APIs ApiVersions lists and picks request versions from
    // that guess; it has no guess above 2.5, and says 2.4 for Eddy because Eddy has no ACL APIs (DescribeAcls v2 is
    // its 2.5 marker). Either way it stays on its legacy versions.
    expect([
      [2, 4, 0],
      [2, 5, 0],
    ]).toContainEqual(report.apiVersion);
  },
});
