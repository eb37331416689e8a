// The listener list a partition wakes on append: subscription order, unsubscribing any node (also while being
// notified, twice, or after a clear) leaves the others intact.
import { AppendListeners } from '../../../storage/append-listeners';

describe('append listeners', () => {
  it('keeps subscription order and survives unsubscribing first, middle, last, twice and after clear', () => {
    const list = new AppendListeners();
    const called: number[] = [];
    const offs = [0, 1, 2, 3, 4].map((i) => list.add(() => called.push(i)));
    offs[2]();
    offs[2]();
    offs[0]();
    offs[4]();
    for (const l of list.snapshot()) l();
    expect(called).toEqual([1, 3]);
    const late = list.add(() => called.push(5));
    for (const l of list.snapshot()) l();
    expect(called).toEqual([1, 3, 1, 3, 5]);
    list.clear();
    expect(list.isEmpty).toBe(true);
    late();
    offs[1]();
    const again = list.add(() => called.push(6));
    expect(list.snapshot()).toHaveLength(1);
    again();
    expect(list.isEmpty).toBe(true);
  });

  it('lets a listener unsubscribe itself and others while the snapshot is being called', () => {
    const list = new AppendListeners();
    const called: string[] = [];
    const offs: Array<() => void> = [];
    offs.push(
      list.add(() => {
        called.push('a');
        offs[0]();
        offs[1]();
      }),
    );
    offs.push(list.add(() => called.push('b')));
    offs.push(list.add(() => called.push('c')));
    for (const l of list.snapshot()) l();
    expect(called).toEqual(['a', 'b', 'c']);
    expect(list.snapshot()).toHaveLength(1);
  });
});
