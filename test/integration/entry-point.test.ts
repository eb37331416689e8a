// The package entry point the README shows for starting Eddy from a test.
import * as path from 'path';
import { tempDataDir, removeDir } from '../helpers/broker';

test("require('eddy') starts and stops a broker on a free port", async () => {
  // Resolve through package.json's "main", as a user's require('eddy') would.
  const eddy = require(path.resolve(__dirname, '..', '..', '..')) as typeof import('../../src/index');
  const dataDir = tempDataDir();
  const broker = await eddy.Broker.start({
    config: new eddy.BrokerConfig({ listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dataDir }),
    logger: eddy.silentLogger(),
  });
  try {
    expect(broker.port).toBeGreaterThan(0);
  } finally {
    await broker.stop();
    removeDir(dataDir);
  }
});
