// The memory budgets are broker configs with Kafka-style names and bounded defaults, refused when negative, and
// reach the log manager's caches and pools.
import { BrokerConfig, BrokerConfigKeys } from '../../../src/config/broker-config';
import { withManager } from '../storage/helpers';

const MIB = 1024 * 1024;

describe('memory budget configs', () => {
  it('default to bounded budgets', () => {
    const config = new BrokerConfig();
    expect(config.get(BrokerConfigKeys.LOG_TAIL_CACHE_MAX_BYTES)).toBe(64 * MIB);
    expect(config.get(BrokerConfigKeys.LOG_TAIL_CACHE_PARTITION_MAX_BYTES)).toBe(4 * MIB);
    expect(config.get(BrokerConfigKeys.LOG_INDEX_CACHE_MAX_BYTES)).toBe(64 * MIB);
    expect(config.get(BrokerConfigKeys.LOG_READ_BUFFER_POOL_MAX_BYTES)).toBe(32 * MIB);
    expect(config.get(BrokerConfigKeys.SOCKET_REQUEST_BUFFER_POOL_MAX_BYTES)).toBe(8 * MIB);
  });

  it('take a value, and refuse a negative one', () => {
    expect(new BrokerConfig({ 'log.tail.cache.max.bytes': '0' }).get(BrokerConfigKeys.LOG_TAIL_CACHE_MAX_BYTES)).toBe(0);
    expect(() => new BrokerConfig({ 'log.read.buffer.pool.max.bytes': '-1' })).toThrow(/log\.read\.buffer\.pool\.max\.bytes/);
    expect(() => new BrokerConfig({ 'socket.request.buffer.pool.max.bytes': '-1' })).toThrow(/socket\.request\.buffer\.pool\.max\.bytes/);
  });

  it('size the read buffer pool of the log manager', async () => {
    await withManager({ readBufferPoolBytes: 2 * MIB }, async (manager) => {
      expect(manager.readBuffers.maxIdleBytes).toBe(2 * MIB);
    });
    await withManager({}, async (manager) => {
      expect(manager.readBuffers.maxIdleBytes).toBe(32 * MIB);
    });
  });

  it('size the request frame pool of the log manager', async () => {
    await withManager({ frameBufferPoolBytes: 3 * MIB }, async (manager) => {
      expect(manager.frames.maxIdleBytes).toBe(3 * MIB);
    });
    await withManager({}, async (manager) => {
      expect(manager.frames.maxIdleBytes).toBe(8 * MIB);
    });
  });
});
