// Produce resolves a topic's limits once per topic, not per partition and request; the cached values must follow
// topic config changes (AlterConfigs replaces the catalog entry) and broker config changes alike.
import { BrokerConfig } from '../../../src/config/broker-config';
import { TopicService } from '../../../src/topics/topic-service';
import { silentLogger } from '../../../src/logger';
import { LogManager } from '../../../storage';
import { Compression } from '../../../codecs/records/batch-header';
import { openManager, removeDir, tempDir } from '../storage/helpers';

/** Kafka's Long.MAX_VALUE ("no limit") as the JS number the settings hold: the nearest double, 2^63. */
const LONG_MAX_AS_NUMBER = Number('9223372036854775807');

describe('TopicService.produceSettings', () => {
  let dir: string;
  let logs: LogManager;

  beforeEach(async () => {
    dir = tempDir();
    logs = await openManager(dir);
  });
  afterEach(async () => {
    await logs.close();
    removeDir(dir);
  });

  it('resolves Kafka defaults, broker synonyms and topic overrides', async () => {
    const config = new BrokerConfig({ 'message.max.bytes': '5000' });
    const topics = new TopicService(logs, config, silentLogger());
    await logs.createTopic('plain', 1);
    await logs.createTopic('custom', 1, { 'max.message.bytes': '777', 'message.timestamp.after.max.ms': '10' });
    const plain = topics.produceSettings(logs.topic('plain')!);
    expect(plain).toEqual({ maxMessageBytes: 5000, timestampBeforeMaxMs: LONG_MAX_AS_NUMBER, timestampAfterMaxMs: 3600000, compression: null });
    expect(topics.produceSettings(logs.topic('plain')!)).toBe(plain);
    expect(topics.produceSettings(logs.topic('custom')!)).toEqual({
      maxMessageBytes: 777,
      timestampBeforeMaxMs: LONG_MAX_AS_NUMBER,
      timestampAfterMaxMs: 10,
      compression: null,
    });
  });

  it('resolves compression.type with its level, from the topic or the broker', async () => {
    const config = new BrokerConfig({ 'compression.type': 'gzip' });
    const topics = new TopicService(logs, config, silentLogger());
    await logs.createTopic('inherits', 1);
    await logs.createTopic('zstd', 1, { 'compression.type': 'zstd', 'compression.zstd.level': '9' });
    await logs.createTopic('producer', 1, { 'compression.type': 'producer' });
    expect(topics.produceSettings(logs.topic('inherits')!).compression).toEqual({ codec: Compression.Gzip, level: -1 });
    expect(topics.produceSettings(logs.topic('zstd')!).compression).toEqual({ codec: Compression.Zstd, level: 9 });
    expect(topics.produceSettings(logs.topic('producer')!).compression).toBeNull();
  });

  it('follows topic config changes and broker config changes', async () => {
    const config = new BrokerConfig();
    const topics = new TopicService(logs, config, silentLogger());
    await logs.createTopic('t', 2);
    expect(topics.produceSettings(logs.topic('t')!).maxMessageBytes).toBe(1048588);
    await logs.alterTopicConfigs('t', { 'max.message.bytes': '2048' });
    expect(topics.produceSettings(logs.topic('t')!).maxMessageBytes).toBe(2048);
    await logs.alterTopicConfigs('t', {});
    expect(topics.produceSettings(logs.topic('t')!).maxMessageBytes).toBe(1048588);
    config.set('message.max.bytes', '4096');
    expect(topics.produceSettings(logs.topic('t')!).maxMessageBytes).toBe(4096);
  });
});
