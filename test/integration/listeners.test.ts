// Several named listeners: each answers Metadata and DescribeCluster with its own advertised address, the way
// a Docker setup gives host clients and container clients different addresses for the same broker.
import { Broker } from '../../src/broker/broker';
import { BrokerConfig } from '../../src/config/broker-config';
import { silentLogger } from '../../src/logger';
import { RawClient } from '../helpers/raw-client';
import { tempDataDir, removeDir } from '../helpers/broker';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';

jest.setTimeout(20000);

test('metadata answers with the advertised address of the listener the request arrived on', async () => {
  const dataDir = tempDataDir();
  const broker = await Broker.start({
    config: new BrokerConfig({
      listeners: 'HOST://127.0.0.1:0,DOCKER://127.0.0.1:0',
      'advertised.listeners': 'DOCKER://eddy.internal:29092',
      'log.dirs': dataDir,
    }),
    logger: silentLogger(),
  });
  try {
    const [host, docker] = broker.advertisedListeners;
    expect(host).toMatchObject({ name: 'HOST', host: '127.0.0.1' });
    expect(docker).toEqual({ name: 'DOCKER', host: 'eddy.internal', port: 29092 });
    const viaHost = await RawClient.connect(host.port);
    const hostMeta = await viaHost.request(MetadataRequestCodec, MetadataResponseCodec, 12, { topics: null });
    viaHost.close();
    expect(hostMeta.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: host.port, rack: null }]);
    // The DOCKER listener is bound on some local port but advertises eddy.internal:29092.
    const dockerBound = broker.boundListeners.find((l) => l.name === 'DOCKER');
    expect(dockerBound).toBeDefined();
    const viaDocker = await RawClient.connect(dockerBound?.port ?? 0);
    const dockerMeta = await viaDocker.request(MetadataRequestCodec, MetadataResponseCodec, 12, { topics: null });
    viaDocker.close();
    expect(dockerMeta.brokers).toEqual([{ nodeId: 1, host: 'eddy.internal', port: 29092, rack: null }]);
  } finally {
    await broker.stop();
    removeDir(dataDir);
  }
});
