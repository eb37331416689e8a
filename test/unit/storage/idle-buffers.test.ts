import { IdleBuffers } from '../../../storage/idle-buffers';

const KB = 1024;

describe('IdleBuffers', () => {
  it('hands back what was put, by class, and counts the bytes held', () => {
    const idle = new IdleBuffers<string>(256 * KB);
    expect(idle.put(64 * KB, 'a')).toBe(true);
    expect(idle.put(128 * KB, 'b')).toBe(true);
    expect(idle.bytes).toBe(192 * KB);
    expect(idle.take(32 * KB)).toBeUndefined();
    expect(idle.take(128 * KB)).toBe('b');
    expect(idle.take(128 * KB)).toBeUndefined();
    expect(idle.bytes).toBe(64 * KB);
  });

  it('refuses a buffer larger than the whole cap, and one that no other size can make room for', () => {
    const idle = new IdleBuffers<string>(128 * KB);
    expect(idle.put(256 * KB, 'huge')).toBe(false);
    expect(idle.put(64 * KB, 'a')).toBe(true);
    expect(idle.put(64 * KB, 'b')).toBe(true);
    expect(idle.put(64 * KB, 'c')).toBe(false);
    expect(idle.bytes).toBe(128 * KB);
  });

  it('at the cap, drops idle buffers of other sizes, largest first, to keep the size just used', () => {
    const idle = new IdleBuffers<string>(512 * KB);
    const dropped: string[] = [];
    idle.put(256 * KB, 'big');
    idle.put(128 * KB, 'mid');
    idle.put(64 * KB, 'small-1');
    idle.put(64 * KB, 'small-2');
    expect(idle.put(64 * KB, 'small-3', (b) => dropped.push(b))).toBe(true);
    expect(dropped).toEqual(['big']);
    expect(idle.bytes).toBe(128 * KB + 3 * 64 * KB);
    expect(idle.take(256 * KB)).toBeUndefined();
    expect(idle.take(128 * KB)).toBe('mid');
  });

  it('drops everything on request and names each buffer dropped', () => {
    const idle = new IdleBuffers<string>(512 * KB);
    idle.put(64 * KB, 'a');
    idle.put(128 * KB, 'b');
    const dropped: string[] = [];
    expect(idle.dropAll((b) => dropped.push(b))).toBe(192 * KB);
    expect(dropped.sort()).toEqual(['a', 'b']);
    expect(idle.bytes).toBe(0);
    expect(idle.take(64 * KB)).toBeUndefined();
  });
});
