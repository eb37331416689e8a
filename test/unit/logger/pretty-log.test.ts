// The readable log format: the same events as the JSON lines, one per line, for a person at a terminal.
import { Writable } from 'stream';
import { createLogger, prettyLogLine } from '../../../src/logger';

test('a JSON event becomes time, level, message and its fields; strings with spaces are quoted', () => {
  const json = JSON.stringify({
    level: 30,
    time: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    pid: 7,
    name: 'eddy',
    msg: 'listening',
    listener: 'PLAINTEXT',
    port: 9092,
    note: 'two words',
  });
  expect(prettyLogLine(json, false)).toBe('03:04:05.678 INFO  listening listener=PLAINTEXT port=9092 note="two words"\n');
});

test('an error carries its stack on indented lines after the event, and colour only when asked', () => {
  const json = JSON.stringify({ level: 50, time: 0, msg: 'failed', err: { message: 'boom', stack: 'Error: boom\n    at x' } });
  expect(prettyLogLine(json, false)).toBe('00:00:00.000 ERROR failed\n    Error: boom\n        at x\n');
  expect(prettyLogLine(json, true)).toContain('\u001b[31mERROR\u001b[0m');
});

test('a line that is not JSON passes through unchanged', () => {
  expect(prettyLogLine('not json', false)).toBe('not json\n');
});

test('createLogger writes pretty lines to the destination when asked, JSON otherwise', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  createLogger('info', sink, 'pretty').info({ topic: 't' }, 'topic created');
  createLogger('info', sink, 'json').info({ topic: 't' }, 'topic created');
  expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}topic created topic=t\n$/);
  expect(JSON.parse(lines[1])).toEqual(expect.objectContaining({ msg: 'topic created', topic: 't' }));
});
