import * as fs from 'fs';
import * as path from 'path';
import { InvalidConfigError, InvalidPartitionsError, InvalidTopicError, TopicExistsError, UnknownTopicError } from '../../../storage';
import { DataDirLockedError } from '../../../storage';
import { spawnSync } from 'child_process';
import { batch, freshDataDirs, openManager } from './helpers';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('topic catalog', () => {
  const data = freshDataDirs({ closeFailures: 'fail', openEach: true });

  it('creates topics with random v4 ids and persists them across restarts', async () => {
    const a = await data.opened.createTopic('alpha', 3, { 'retention.ms': '1000' });
    const b = await data.opened.createTopic('beta', 1);
    expect(a.topicId).toMatch(UUID_V4);
    expect(b.topicId).not.toBe(a.topicId);
    expect(a).toEqual({ name: 'alpha', topicId: a.topicId, partitions: 3, configs: { 'retention.ms': '1000' } });
    await data.opened.directoriesCreated();
    for (let p = 0; p < 3; p++) expect(fs.statSync(path.join(data.dir, `alpha-${p}`)).isDirectory()).toBe(true);
    expect((await data.opened.loadedPartition('alpha', 2))?.config.retentionMs).toBe(1000);
    // Each partition has its empty first segment from creation on (as in Kafka); the first append writes into it.
    expect(fs.statSync(path.join(data.dir, 'alpha-1', '00000000000000000000.log')).size).toBe(0);
    await (await data.opened.loadedPartition('alpha', 1))?.append(batch(4));
    expect(fs.statSync(path.join(data.dir, 'alpha-1', '00000000000000000000.log')).size).toBeGreaterThan(0);

    await data.opened.close();
    const stored: unknown = JSON.parse(fs.readFileSync(path.join(data.dir, '__eddy_topics.json'), 'utf8'));
    expect(stored).toMatchObject({ topics: [{ name: 'alpha' }, { name: 'beta' }] });
    data.manager = await openManager(data.dir);
    expect(
      data.opened
        .topics()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['alpha', 'beta']);
    expect(data.opened.topic('alpha')).toEqual(a);
    expect(data.opened.topicById(b.topicId)?.name).toBe('beta');
    expect((await data.opened.loadedPartition('alpha', 1))?.logEndOffset).toBe(4n);
    expect(await data.opened.loadedPartition('alpha', 3)).toBeUndefined();
    expect((await data.opened.loadedPartition('alpha', 0))?.config.retentionMs).toBe(1000);
  });

  it('refuses duplicates, bad names, bad partition counts and bad configs', async () => {
    await data.opened.createTopic('dup', 1);
    await expect(data.opened.createTopic('dup', 1)).rejects.toBeInstanceOf(TopicExistsError);
    await expect(data.opened.createTopic('bad/name', 1)).rejects.toBeInstanceOf(InvalidTopicError);
    await expect(data.opened.createTopic('..', 1)).rejects.toBeInstanceOf(InvalidTopicError);
    await expect(data.opened.createTopic('zero', 0)).rejects.toBeInstanceOf(InvalidPartitionsError);
    await expect(data.opened.createTopic('cfg', 1, { 'retention.ms': 'soon' })).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(data.opened.createTopic('cfg', 1, { 'no.such.config': '1' })).rejects.toBeInstanceOf(InvalidConfigError);
    expect(data.opened.topic('cfg')).toBeUndefined();
    expect(data.opened.topics().map((t) => t.name)).toEqual(['dup']);
  });

  it('deletes a topic with its files, and a new topic of that name starts empty', async () => {
    const first = await data.opened.createTopic('gone', 2);
    await (await data.opened.loadedPartition('gone', 0))?.append(batch(3));
    await data.opened.deleteTopic('gone');
    expect(data.opened.topic('gone')).toBeUndefined();
    expect(data.opened.topicById(first.topicId)).toBeUndefined();
    expect(await data.opened.loadedPartition('gone', 0)).toBeUndefined();
    expect(fs.readdirSync(data.dir).filter((f) => f.startsWith('gone'))).toEqual([]);
    await expect(data.opened.deleteTopic('gone')).rejects.toBeInstanceOf(UnknownTopicError);

    const second = await data.opened.createTopic('gone', 1);
    expect(second.topicId).not.toBe(first.topicId);
    expect((await data.opened.loadedPartition('gone', 0))?.logEndOffset).toBe(0n);
    await data.opened.close();
    data.manager = await openManager(data.dir);
    expect(data.opened.topics().map((t) => t.topicId)).toEqual([second.topicId]);
  });

  it('adds partitions and keeps the existing ones', async () => {
    await data.opened.createTopic('grow', 1, { 'segment.bytes': '2000' });
    await (await data.opened.loadedPartition('grow', 0))?.append(batch(2));
    await data.opened.createPartitions('grow', 4);
    expect(data.opened.topic('grow')?.partitions).toBe(4);
    expect((await data.opened.loadedPartition('grow', 3))?.config.segmentBytes).toBe(2000);
    expect((await data.opened.loadedPartition('grow', 0))?.logEndOffset).toBe(2n);
    await expect(data.opened.createPartitions('grow', 4)).rejects.toBeInstanceOf(InvalidPartitionsError);
    await expect(data.opened.createPartitions('nope', 4)).rejects.toBeInstanceOf(UnknownTopicError);
    await data.opened.close();
    data.manager = await openManager(data.dir);
    expect((await data.opened.loadedPartition('grow', 3))?.logEndOffset).toBe(0n);
  });

  it('replaces config overrides and applies them live', async () => {
    await data.opened.createTopic('conf', 1, { 'retention.ms': '1000', 'segment.bytes': '5000' });
    await data.opened.alterTopicConfigs('conf', { 'message.timestamp.type': 'LogAppendTime' });
    expect(data.opened.topic('conf')?.configs).toEqual({ 'message.timestamp.type': 'LogAppendTime' });
    const log = await data.opened.loadedPartition('conf', 0);
    expect(log?.config.retentionMs).toBe(604800000);
    expect(log?.config.timestampType).toBe('LogAppendTime');
    expect((await log?.append(batch(1)))?.logAppendTime).not.toBe(-1n);
    await expect(data.opened.alterTopicConfigs('conf', { 'cleanup.policy': 'shred' })).rejects.toBeInstanceOf(InvalidConfigError);
    expect(data.opened.topic('conf')?.configs).toEqual({ 'message.timestamp.type': 'LogAppendTime' });
    await data.opened.close();
    data.manager = await openManager(data.dir);
    expect((await data.opened.loadedPartition('conf', 0))?.config.timestampType).toBe('LogAppendTime');
  });

  it('serialises concurrent creates of the same topic', async () => {
    const results = await Promise.allSettled([data.opened.createTopic('race', 1), data.opened.createTopic('race', 2)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});

describe('data directory lock', () => {
  const data = freshDataDirs();

  it('refuses a second open of a directory in use and allows it after close', async () => {
    const first = await openManager(data.dir);
    await expect(openManager(data.dir)).rejects.toBeInstanceOf(DataDirLockedError);
    await first.close();
    const second = await openManager(data.dir);
    await second.close();
  });

  it("refuses a directory locked by another live process but takes over a dead one's lock", async () => {
    fs.writeFileSync(path.join(data.dir, '.lock'), `${process.ppid}\n`);
    await expect(openManager(data.dir)).rejects.toBeInstanceOf(DataDirLockedError);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    fs.writeFileSync(path.join(data.dir, '.lock'), gone.stdout.toString());
    const manager = await openManager(data.dir);
    expect(fs.readFileSync(path.join(data.dir, '.lock'), 'utf8').trim()).toBe(String(process.pid));
    await manager.close();
    expect(fs.existsSync(path.join(data.dir, '.lock'))).toBe(false);
  });
});
