import { describe, expect, it } from 'vitest';
import { killOnExit } from './kill-on-exit.js';

describe('killOnExit', () => {
  it('adds one exit listener for any number of children, runs every kill still registered at exit, and forgets on request', () => {
    const before = process.listeners('exit');
    const killed: number[] = [];
    const forgets = Array.from({ length: 20 }, (_, i) => killOnExit(() => killed.push(i)));
    const added = process.listeners('exit').filter((listener) => !before.includes(listener));
    expect(added.length).toBeLessThanOrEqual(1);
    // The listener of this module: the one added now, or the one an earlier test of this worker added.
    const listener = added[0] ?? process.listeners('exit').find((l) => l.toString().includes('killers'));
    expect(listener).toBeDefined();
    for (const forget of forgets.slice(0, 15)) forget();
    (listener as () => void)();
    expect(killed).toEqual([15, 16, 17, 18, 19]);
    for (const forget of forgets) forget();
  });
});
