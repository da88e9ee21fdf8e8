// Plugin execution is bounded: a hung plugin is killed at its deadline, huge output is cut.
import { describe, expect, it } from 'vitest';
import { DeadlineError } from '../../../../src/core/errors.js';
import { MAX_OUTPUT_BYTES } from '../../../../src/interfaces/cni/runtime/exec.js';
import { invokePlugin } from '../../../../src/interfaces/cni/runtime/invoke.js';
import { installRecorder } from '../recorder.js';

describe('plugin execution', () => {
  const rec = installRecorder(['slow']);
  const base = { type: 'slow', attachment: { containerID: 'c', ifname: 'eth0', netns: '/x' }, cniPath: [rec.dir], signal: new AbortController().signal };

  it('kills a plugin that outlives its deadline', async () => {
    const started = Date.now();
    const stdin = JSON.stringify({ cniVersion: '1.0.0', name: 'n', behave: { ADD: { sleepMs: 20_000 } } });
    await expect(invokePlugin({ ...base, command: 'ADD', stdin, timeoutMs: 500 })).rejects.toBeInstanceOf(DeadlineError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('cuts stdout at the bound and says so', async () => {
    const stdin = JSON.stringify({ cniVersion: '1.0.0', name: 'n', behave: { ADD: { spam: MAX_OUTPUT_BYTES + 5000 } } });
    const outcome = await invokePlugin({ ...base, command: 'ADD', stdin, timeoutMs: 10_000 });
    expect(outcome.truncated).toBe(true);
    expect(outcome.stdout.length).toBe(MAX_OUTPUT_BYTES);
  });

  it('reads the error object from stdout', async () => {
    const stdin = JSON.stringify({ cniVersion: '1.0.0', name: 'n', behave: { ADD: { code: 7 } } });
    const outcome = await invokePlugin({ ...base, command: 'ADD', stdin, timeoutMs: 10_000 });
    expect(outcome.error).toEqual({ cniVersion: '1.0.0', code: 7, msg: 'slow failed' });
    expect(outcome.errorOnStderr).toBeUndefined();
  });

  it('runs the plugin under the launcher argv when one is given (the plugin path comes last)', async () => {
    const stdin = JSON.stringify({ cniVersion: '1.0.0', name: 'n' });
    const through = await invokePlugin({ ...base, command: 'ADD', stdin, timeoutMs: 10_000, launcher: ['/usr/bin/env', '--'] });
    expect(through.exitCode).toBe(0);
    // A launcher that never runs the plugin: nothing the plugin would print.
    const blocked = await invokePlugin({ ...base, command: 'ADD', stdin, timeoutMs: 10_000, launcher: ['/bin/false'] });
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stdout).toBe('');
  });
});
