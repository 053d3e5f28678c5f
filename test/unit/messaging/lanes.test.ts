import { describe, expect, it } from 'vitest';
import { groupInOrder, runLanes } from '../../../activities/messaging/lanes';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('groupInOrder', () => {
  it('keeps input order inside a group and orders groups by their first item', () => {
    const items = ['b1', 'a1', 'b2', 'c1', 'a2', 'b3'];
    expect(groupInOrder(items, (s) => s.charAt(0))).toEqual([['b1', 'b2', 'b3'], ['a1', 'a2'], ['c1']]);
  });
});

describe('runLanes', () => {
  it('runs each lane in order, never more than `concurrency` items at once', async () => {
    const lanes = Array.from({ length: 7 }, (_, l) => Array.from({ length: 4 }, (_, i) => `${l}.${i}`));
    const done: string[] = [];
    let running = 0;
    let peak = 0;
    await runLanes(lanes, 3, async (item) => {
      peak = Math.max(peak, ++running);
      await tick();
      done.push(item);
      running--;
    });
    expect(peak).toBe(3);
    expect(done).toHaveLength(28);
    for (const lane of lanes) expect(done.filter((d) => lane.includes(d))).toEqual(lane);
  });

  it('after a failure starts nothing new, waits for what is in flight, then throws the first error', async () => {
    const lanes = [['a1', 'a2'], ['b1', 'b2'], ['c1'], ['d1']];
    const started: string[] = [];
    const finished: string[] = [];
    const run = runLanes(lanes, 2, async (item) => {
      started.push(item);
      if (item === 'a1') throw new Error('transport down');
      await tick();
      await tick();
      finished.push(item);
    });
    await expect(run).rejects.toThrow('transport down');
    // b1 was in flight and finished before runLanes threw; a2 (behind the failure) and later lanes never ran.
    expect(finished).toEqual(['b1']);
    expect(started).toEqual(['a1', 'b1']);
  });
});
