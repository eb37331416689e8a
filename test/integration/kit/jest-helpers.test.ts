// 'eddy/jest' in this repo's own jest: useBroker() per file and per test, and the run-wide broker of the global
// setup and teardown modules. (test/integration/kit/runner-fixtures.test.ts runs them in projects of their own.)
import * as fs from 'fs';
import { useBroker, runBootstrap, BOOTSTRAP_ENV } from '../../../src/kit/jest';
import type { RunningBroker } from '../../../src/kit/start-broker';
import { Broker as RegistryBroker } from '../../../src/broker/broker';
import globalSetup = require('../../../src/kit/jest-global-setup');
import globalTeardown = require('../../../src/kit/jest-global-teardown');

jest.setTimeout(30000);

describe('useBroker() for a file', () => {
  const eddy = useBroker({ partitions: 2 });
  const seen: RunningBroker[] = [];

  test('gives a running broker with the options asked for', async () => {
    seen.push(eddy());
    expect(eddy().bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await eddy().createTopic('two')).partitions).toBe(2);
  });

  test('gives the same broker to every test of the block', () => {
    expect(eddy()).toBe(seen[0]);
    expect(eddy().broker.topics.get('two')).toBeDefined();
  });

  test("runs the broker's code as Node loaded it, once per worker, not from this file's jest registry", () => {
    const nodeRequire = process.getBuiltinModule('module').createRequire(__filename);
    const nodeLoaded = nodeRequire('../../../src/broker/broker') as typeof import('../../../src/broker/broker');
    expect(eddy().broker).toBeInstanceOf(nodeLoaded.Broker);
    expect(eddy().broker).not.toBeInstanceOf(RegistryBroker);
  });
});

describe('useBroker() per test', () => {
  const eddy = useBroker({ scope: 'test' });
  const dirs: string[] = [];

  test('gives each test a fresh broker', async () => {
    dirs.push(eddy().dataDir);
    await eddy().createTopic('mine');
  });

  test('whose data dir the previous test left removed', () => {
    expect(fs.existsSync(dirs[0])).toBe(false);
    expect(eddy().dataDir).not.toBe(dirs[0]);
    expect(eddy().broker.topics.get('mine')).toBeUndefined();
  });
});

test('the getter outside the tests of its block says where it works', () => {
  const hooks = { beforeAll: () => undefined, afterAll: () => undefined, beforeEach: () => undefined, afterEach: () => undefined };
  const getter = useBroker({}, hooks);
  expect(() => getter()).toThrow(/only inside the tests of its file or describe block/);
});

test('the global setup starts one broker for the run and publishes it; the teardown stops it', async () => {
  const saved = process.env[BOOTSTRAP_ENV];
  try {
    delete process.env[BOOTSTRAP_ENV];
    expect(() => runBootstrap()).toThrow(/EDDY_BOOTSTRAP_SERVER is not set/);
    await globalSetup();
    const bootstrap = runBootstrap();
    expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    await globalSetup();
    expect(runBootstrap()).toBe(bootstrap);
    await globalTeardown();
    const [host, port] = bootstrap.split(':');
    const net = await import('net');
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port: Number(port) });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  } finally {
    if (saved === undefined) delete process.env[BOOTSTRAP_ENV];
    else process.env[BOOTSTRAP_ENV] = saved;
  }
});
