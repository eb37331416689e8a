import * as fs from 'fs';
import * as path from 'path';
import {
  InvalidConfigError,
  InvalidPartitionsError,
  InvalidTopicError,
  LogManager,
  TopicExistsError,
  UnknownTopicError,
} from '../../../storage';
import { DataDirLockedError } from '../../../storage';
import { spawnSync } from 'child_process';
import { batch, openManager, removeDir, tempDir } from './helpers';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('topic catalog', () => {
  let dir: string;
  let manager: LogManager;

  beforeEach(async () => {
    dir = tempDir();
    manager = await openManager(dir);
  });
  afterEach(async () => {
    await manager.close();
    removeDir(dir);
  });

  it('creates topics with random v4 ids and persists them across restarts', async () => {
    const a = await manager.createTopic('alpha', 3, { 'retention.ms': '1000' });
    const b = await manager.createTopic('beta', 1);
    expect(a.topicId).toMatch(UUID_V4);
    expect(b.topicId).not.toBe(a.topicId);
    expect(a).toEqual({ name: 'alpha', topicId: a.topicId, partitions: 3, configs: { 'retention.ms': '1000' } });
    await manager.directoriesCreated();
    for (let p = 0; p < 3; p++) expect(fs.statSync(path.join(dir, `alpha-${p}`)).isDirectory()).toBe(true);
    expect((await manager.loadedPartition('alpha', 2))?.config.retentionMs).toBe(1000);
    // Segment files appear with a partition's first append.
    expect(fs.existsSync(path.join(dir, 'alpha-1', '00000000000000000000.log'))).toBe(false);
    await (await manager.loadedPartition('alpha', 1))?.append(batch(4));
    expect(fs.existsSync(path.join(dir, 'alpha-1', '00000000000000000000.log'))).toBe(true);

    await manager.close();
    const stored: unknown = JSON.parse(fs.readFileSync(path.join(dir, '__eddy_topics.json'), 'utf8'));
    expect(stored).toMatchObject({ topics: [{ name: 'alpha' }, { name: 'beta' }] });
    manager = await openManager(dir);
    expect(manager.topics().map((t) => t.name).sort()).toEqual(['alpha', 'beta']);
    expect(manager.topic('alpha')).toEqual(a);
    expect(manager.topicById(b.topicId)?.name).toBe('beta');
    expect((await manager.loadedPartition('alpha', 1))?.logEndOffset).toBe(4n);
    expect((await manager.loadedPartition('alpha', 3))).toBeUndefined();
    expect((await manager.loadedPartition('alpha', 0))?.config.retentionMs).toBe(1000);
  });

  it('refuses duplicates, bad names, bad partition counts and bad configs', async () => {
    await manager.createTopic('dup', 1);
    await expect(manager.createTopic('dup', 1)).rejects.toBeInstanceOf(TopicExistsError);
    await expect(manager.createTopic('bad/name', 1)).rejects.toBeInstanceOf(InvalidTopicError);
    await expect(manager.createTopic('..', 1)).rejects.toBeInstanceOf(InvalidTopicError);
    await expect(manager.createTopic('zero', 0)).rejects.toBeInstanceOf(InvalidPartitionsError);
    await expect(manager.createTopic('cfg', 1, { 'retention.ms': 'soon' })).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(manager.createTopic('cfg', 1, { 'no.such.config': '1' })).rejects.toBeInstanceOf(InvalidConfigError);
    expect(manager.topic('cfg')).toBeUndefined();
    expect(manager.topics().map((t) => t.name)).toEqual(['dup']);
  });

  it('deletes a topic with its files, and a new topic of that name starts empty', async () => {
    const first = await manager.createTopic('gone', 2);
    await (await manager.loadedPartition('gone', 0))?.append(batch(3));
    await manager.deleteTopic('gone');
    expect(manager.topic('gone')).toBeUndefined();
    expect(manager.topicById(first.topicId)).toBeUndefined();
    expect((await manager.loadedPartition('gone', 0))).toBeUndefined();
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('gone'))).toEqual([]);
    await expect(manager.deleteTopic('gone')).rejects.toBeInstanceOf(UnknownTopicError);

    const second = await manager.createTopic('gone', 1);
    expect(second.topicId).not.toBe(first.topicId);
    expect((await manager.loadedPartition('gone', 0))?.logEndOffset).toBe(0n);
    await manager.close();
    manager = await openManager(dir);
    expect(manager.topics().map((t) => t.topicId)).toEqual([second.topicId]);
  });

  it('adds partitions and keeps the existing ones', async () => {
    await manager.createTopic('grow', 1, { 'segment.bytes': '2000' });
    await (await manager.loadedPartition('grow', 0))?.append(batch(2));
    await manager.createPartitions('grow', 4);
    expect(manager.topic('grow')?.partitions).toBe(4);
    expect((await manager.loadedPartition('grow', 3))?.config.segmentBytes).toBe(2000);
    expect((await manager.loadedPartition('grow', 0))?.logEndOffset).toBe(2n);
    await expect(manager.createPartitions('grow', 4)).rejects.toBeInstanceOf(InvalidPartitionsError);
    await expect(manager.createPartitions('nope', 4)).rejects.toBeInstanceOf(UnknownTopicError);
    await manager.close();
    manager = await openManager(dir);
    expect((await manager.loadedPartition('grow', 3))?.logEndOffset).toBe(0n);
  });

  it('replaces config overrides and applies them live', async () => {
    await manager.createTopic('conf', 1, { 'retention.ms': '1000', 'segment.bytes': '5000' });
    await manager.alterTopicConfigs('conf', { 'message.timestamp.type': 'LogAppendTime' });
    expect(manager.topic('conf')?.configs).toEqual({ 'message.timestamp.type': 'LogAppendTime' });
    const log = (await manager.loadedPartition('conf', 0));
    expect(log?.config.retentionMs).toBe(604800000);
    expect(log?.config.timestampType).toBe('LogAppendTime');
    expect((await log?.append(batch(1)))?.logAppendTime).not.toBe(-1n);
    await expect(manager.alterTopicConfigs('conf', { 'cleanup.policy': 'shred' })).rejects.toBeInstanceOf(InvalidConfigError);
    expect(manager.topic('conf')?.configs).toEqual({ 'message.timestamp.type': 'LogAppendTime' });
    await manager.close();
    manager = await openManager(dir);
    expect((await manager.loadedPartition('conf', 0))?.config.timestampType).toBe('LogAppendTime');
  });

  it('serialises concurrent creates of the same topic', async () => {
    const results = await Promise.allSettled([manager.createTopic('race', 1), manager.createTopic('race', 2)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});

describe('data directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  it('refuses a second open of a directory in use and allows it after close', async () => {
    const first = await openManager(dir);
    await expect(openManager(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    await first.close();
    const second = await openManager(dir);
    await second.close();
  });

  it('refuses a directory locked by another live process but takes over a dead one\'s lock', async () => {
    fs.writeFileSync(path.join(dir, '.lock'), `${process.ppid}\n`);
    await expect(openManager(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    fs.writeFileSync(path.join(dir, '.lock'), gone.stdout.toString());
    const manager = await openManager(dir);
    expect(fs.readFileSync(path.join(dir, '.lock'), 'utf8').trim()).toBe(String(process.pid));
    await manager.close();
    expect(fs.existsSync(path.join(dir, '.lock'))).toBe(false);
  });
});
