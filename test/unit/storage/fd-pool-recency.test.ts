// The descriptor pool keeps a file used between other opens: marking it used moves it back only once it has aged
// (to spare V8 an old-generation hash table per append), which must still keep it away from the files closed first.
import * as fs from 'fs';
import * as path from 'path';
import { FdPool } from '../../../storage/fd-pool';
import { removeDir, tempDir } from './helpers';

describe('fd pool recency', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  const file = (name: string): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, 'x');
    return p;
  };

  it('keeps a file used between opens of others open, and closes the unused ones first', async () => {
    const pool = new FdPool(4);
    const hot = file('hot');
    await pool.use(hot, async () => undefined);
    const fd = pool.openFd(hot);
    expect(fd).not.toBeNull();
    for (let i = 0; i < 40; i++) {
      await pool.use(file(`cold-${i}`), async () => undefined);
      expect(pool.openFd(hot)).toBe(fd);
      expect(pool.openCount).toBeLessThanOrEqual(4);
    }
    // The oldest cold files were closed, the newest are still open.
    expect(pool.openFd(path.join(dir, 'cold-0'))).toBeNull();
    expect(pool.openFd(path.join(dir, 'cold-39'))).not.toBeNull();
    await pool.closeAll();
  });
});
