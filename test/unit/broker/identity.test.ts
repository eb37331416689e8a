// The identity's file is written in the thread pool while the start goes on, and the next steps of the start write
// into the data directory at once: so the directory must exist when loadOrCreateIdentity returns.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadOrCreateIdentity } from '../../../src/broker/identity';

describe('loadOrCreateIdentity', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-identity-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('has made a new data directory by the time it returns, then persists meta.properties', async () => {
    const dataDir = path.join(root, 'nested', 'data');
    const { identity, persisted } = loadOrCreateIdentity(dataDir, 1);
    expect(fs.statSync(dataDir).isDirectory()).toBe(true);
    await persisted;
    const text = fs.readFileSync(path.join(dataDir, 'meta.properties'), 'utf8');
    expect(text).toContain(`cluster.id=${identity.clusterId}`);
    expect(text).toContain('node.id=1');
  });

  it('reads the same identity back on the next start', async () => {
    const first = loadOrCreateIdentity(root, 3);
    await first.persisted;
    expect(loadOrCreateIdentity(root, 3).identity).toEqual(first.identity);
  });
});
