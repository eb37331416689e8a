import { DEFAULT_LOG_CONFIG, InvalidConfigError, logConfigFromProperties } from '../../../storage';

describe('logConfigFromProperties', () => {
  it('returns the defaults for no overrides', () => {
    expect(logConfigFromProperties({})).toEqual(DEFAULT_LOG_CONFIG);
    expect(DEFAULT_LOG_CONFIG.segmentBytes).toBe(1073741824);
    expect(DEFAULT_LOG_CONFIG.flushMessages).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('overlays overrides on a base', () => {
    const base = logConfigFromProperties({ 'retention.ms': '5' });
    const cfg = logConfigFromProperties(
      {
        'segment.bytes': '1024',
        'cleanup.policy': 'compact,delete',
        'message.timestamp.type': 'LogAppendTime',
        'flush.messages': '9223372036854775807',
        'retention.bytes': '-1',
      },
      base,
    );
    expect(cfg.segmentBytes).toBe(1024);
    expect(cfg.retentionMs).toBe(5);
    expect(cfg.cleanupPolicy).toEqual({ delete: true, compact: true });
    expect(cfg.timestampType).toBe('LogAppendTime');
    expect(cfg.flushMessages).toBe(Number.MAX_SAFE_INTEGER);
    expect(logConfigFromProperties({ 'cleanup.policy': 'compact' }).cleanupPolicy).toEqual({ delete: false, compact: true });
  });

  it('accepts Kafka topic configs it does not act on', () => {
    expect(() => logConfigFromProperties({ 'min.insync.replicas': '2', 'compression.type': 'zstd', preallocate: 'true' })).not.toThrow();
  });

  it.each([
    ['segment.bytes', 'big'],
    ['segment.bytes', '3000000000'],
    ['segment.bytes', '10'],
    ['retention.ms', '-2'],
    ['cleanup.policy', 'compact,shred'],
    ['message.timestamp.type', 'WallClock'],
    ['flush.messages', '0'],
    ['min.cleanable.dirty.ratio', '1.5'],
    ['preallocate', 'yes'],
    ['made.up.config', '1'],
  ])('rejects %s=%s naming the config', (name, value) => {
    let caught: unknown;
    try {
      logConfigFromProperties({ [name]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidConfigError);
    expect((caught as InvalidConfigError).configName).toBe(name);
  });
});
