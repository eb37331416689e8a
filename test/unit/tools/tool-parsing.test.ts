// The `eddy` tools' command line and the pure pieces of their output: which words run which command, --help for
// each command, the checks on offsets, times, acks and codecs, the record and table formats, and exit codes.
import * as fs from 'fs';
import * as path from 'path';
import { parseCommandLine } from '../../../src/cli-args';
import { BrokerUnreachableError, errorName, KafkaResponseError } from '../../../src/client/errors';
import { parseToolCommandLine } from '../../../src/tools/args';
import { formatRecord, parseOffset, parseTime } from '../../../src/tools/consume';
import { parseTopicPartitions } from '../../../src/tools/group';
import { lineToRecord, parseAcks, parseCompression } from '../../../src/tools/produce';
import { describeFailure, ExitCode, renderTable, UsageError } from '../../../src/tools/tool-io';

test("the launcher hands the tools' words to the tools and keeps `eddy start` as it is", () => {
  expect(parseCommandLine(['topic', 'list'], {})).toEqual({ kind: 'tool', argv: ['topic', 'list'] });
  expect(parseCommandLine(['start', '--port', '1'], {}).kind).toBe('start');
  const help = parseCommandLine(['--help'], {});
  expect(help.kind === 'help' && help.text).toEqual(expect.stringContaining('eddy consume'));
});

test('each command has --help, and parses to its words and options', () => {
  const commands = [
    ['topic', 'create'],
    ['topic', 'list'],
    ['topic', 'describe'],
    ['topic', 'delete'],
    ['topic', 'alter-config'],
    ['produce'],
    ['consume'],
    ['group', 'list'],
    ['group', 'describe'],
    ['group', 'reset-offsets'],
    ['group', 'delete'],
    ['cluster', 'info'],
    ['log', 'dump'],
  ];
  for (const words of commands) {
    const help = parseToolCommandLine([...words, '--help'], {});
    expect(help.kind).toBe('help');
    if (help.kind === 'help') expect(help.text).toContain(`eddy ${words.join(' ')}`);
  }
  const parsed = parseToolCommandLine(['consume', 'orders', '-o', '5', '-p', '1', '-p', '2', '--json'], { EDDY_BOOTSTRAP_SERVER: 'h:1' });
  expect(parsed.kind).toBe('run');
  if (parsed.kind !== 'run') return;
  expect(parsed.command).toBe('consume');
  expect(parsed.args.string('topic')).toBe('orders');
  expect(parsed.args.integers('partition')).toEqual([1, 2]);
  expect(parsed.args.json).toBe(true);
  expect(parsed.args.bootstrap).toBe('h:1');
  const flagWins = parseToolCommandLine(['topic', 'list', '-b', 'x:2'], { EDDY_BOOTSTRAP_SERVER: 'h:1' });
  expect(flagWins.kind === 'run' && flagWins.args.bootstrap).toBe('x:2');
  const byDefault = parseToolCommandLine(['topic', 'list'], {});
  expect(byDefault.kind === 'run' && byDefault.args.bootstrap).toBe('localhost:9092');
});

test('unknown commands and options are errors with help', () => {
  for (const argv of [['topic'], ['topic', 'frobnicate'], ['consume'], ['topic', 'list', '--nope'], ['cluster']]) {
    const parsed = parseToolCommandLine(argv, {});
    expect(parsed.kind).toBe('error');
  }
});

test('offsets, times, acks and codecs are checked with a message naming the option', () => {
  expect(parseOffset('earliest')).toEqual({ kind: 'timestamp', timestamp: -2n });
  expect(parseOffset('latest')).toEqual({ kind: 'timestamp', timestamp: -1n });
  expect(parseOffset('42')).toEqual({ kind: 'offset', offset: 42n });
  expect(() => parseOffset('-1')).toThrow(/--offset/);
  expect(() => parseOffset('4x')).toThrow(UsageError);
  expect(parseTime('1700000000000', '--timestamp')).toBe(1700000000000n);
  expect(parseTime('2026-01-31T12:00:00Z', '--timestamp')).toBe(BigInt(Date.parse('2026-01-31T12:00:00Z')));
  expect(() => parseTime('yesterday', '--to-datetime')).toThrow(/--to-datetime/);
  expect([parseAcks('all'), parseAcks('-1'), parseAcks('1'), parseAcks('0')]).toEqual([-1, -1, 1, 0]);
  expect(() => parseAcks('2')).toThrow(/--acks/);
  expect(parseCompression('gzip')).toBe(1);
  expect(() => parseCompression('brotli')).toThrow(/--compression/);
  expect(parseTopicPartitions('orders')).toEqual({ topic: 'orders', partitions: null });
  expect(parseTopicPartitions('orders:0,2')).toEqual({ topic: 'orders', partitions: [0, 2] });
  expect(() => parseTopicPartitions('orders:x')).toThrow(/--topic/);
});

test('a line becomes a record: the key before the first separator, headers on every record', () => {
  const headers = [{ key: 'h', value: Buffer.from('v') }];
  const keyed = lineToRecord('k1:v:1', ':', headers, 5n);
  expect([keyed.key?.toString(), keyed.value?.toString(), keyed.headers, keyed.timestamp]).toEqual(['k1', 'v:1', headers, 5n]);
  expect(lineToRecord('no separator', ':', [], 5n).key).toBeNull();
  expect(lineToRecord('a:b', undefined, [], 5n).value?.toString()).toBe('a:b');
});

test('records print as text, hex or one JSON shape', () => {
  const record = {
    partition: 1,
    offset: 7n,
    timestamp: 1000n,
    timestampType: 'CreateTime' as const,
    key: Buffer.from('k'),
    value: Buffer.from('hi'),
    headers: [{ key: 'h', value: null }],
  };
  expect(formatRecord('t', record, { format: 'text', printKey: false, keySeparator: '\t' })).toBe('hi');
  expect(formatRecord('t', record, { format: 'hex', printKey: true, keySeparator: '=' })).toBe('6b=6869');
  expect(JSON.parse(formatRecord('t', { ...record, value: null }, { format: 'json', printKey: false, keySeparator: '\t' }))).toEqual({
    topic: 't',
    partition: 1,
    offset: 7,
    timestamp: 1000,
    timestampType: 'CreateTime',
    key: 'k',
    value: null,
    headers: [{ key: 'h', value: null }],
  });
});

test('tables pad their columns; failures give Kafka error names and the documented exit codes', () => {
  expect(
    renderTable(
      ['a', 'bb'],
      [
        ['xxx', 1],
        [null, 22n],
      ],
    ),
  ).toBe('A    BB\nxxx  1\n-    22\n');
  expect(errorName(36)).toBe('TOPIC_ALREADY_EXISTS');
  expect(errorName(13)).toBe('NETWORK_EXCEPTION');
  expect(errorName(999)).toBe('KAFKA_ERROR_999');
  expect(describeFailure(new KafkaResponseError(3, "topic 'x'"))).toEqual({ message: "UNKNOWN_TOPIC_OR_PARTITION: topic 'x'", exitCode: ExitCode.FAILED });
  expect(describeFailure(new UsageError('bad')).exitCode).toBe(ExitCode.USAGE);
  expect(describeFailure(new BrokerUnreachableError('h:1', 'connection refused'))).toEqual({
    message: 'BROKER_UNREACHABLE: cannot reach broker h:1: connection refused',
    exitCode: ExitCode.UNREACHABLE,
  });
});

test('the start bundle leaves the tools out (eddy start loads it whole); they load from the compiled files', () => {
  const bundle = path.resolve(__dirname, '..', '..', '..', 'start-bundle.js');
  if (!fs.existsSync(bundle)) return; // a bare tsc build has no bundle
  const text = fs.readFileSync(bundle, 'latin1');
  expect(text).toContain('dist/src/tools/commands.js');
  expect(text).not.toContain('dist/src/tools/main.js');
  expect(text).not.toContain('dist/src/client/');
});
