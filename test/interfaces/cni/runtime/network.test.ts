// The harness as a CNI runtime, observed through a recording plugin: order, prevResult chaining,
// DEL in reverse with the cached result, CHECK refusals, GC continuing past errors, version choice.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../../../../src/core/errors.js';
import { parseNetworkConfig } from '../../../../src/interfaces/cni/runtime/config.js';
import { PluginFailedError } from '../../../../src/interfaces/cni/runtime/invoke.js';
import { CniRuntime } from '../../../../src/interfaces/cni/runtime/network.js';
import { installRecorder } from '../recorder.js';

const signal = new AbortController().signal;
const attachment = { containerID: 'c1', ifname: 'eth0', netns: '/run/netns/none' };

function setup(extra: Record<string, unknown> = {}, pluginExtra: Record<string, unknown>[] = [{}, {}, {}]) {
  const rec = installRecorder(['a', 'b', 'c']);
  const list = {
    cniVersion: '1.0.0',
    cniVersions: ['0.4.0', '1.1.0', '9.0.0'],
    name: 'net1',
    ...extra,
    plugins: ['a', 'b', 'c'].map((type, i) => ({ type, record: rec.record, keep: `unknown-${i}`, ...pluginExtra[i] })),
  };
  const runtime = new CniRuntime(parseNetworkConfig(JSON.stringify(list), 'test'), {
    cniPath: [rec.dir],
    capabilityArgs: { portMappings: [{ hostPort: 1 }], bandwidth: { ingressRate: 1 } },
    pluginTimeoutMs: 10_000,
    cacheDir: mkdtempSync(join(tmpdir(), 'cni-cache-')),
  });
  return { rec, runtime };
}

describe('CniRuntime', () => {
  it('picks the highest known version from cniVersion and cniVersions, ignoring ones above 1.1.0', () => {
    const { runtime } = setup();
    expect(runtime.network.cniVersion).toBe('1.1.0');
  });

  it('runs ADD in order, chaining prevResult, inserting name/cniVersion and only declared runtimeConfig', async () => {
    const { rec, runtime } = setup({}, [{ capabilities: { portMappings: true, mac: true } }, {}, { capabilities: { bandwidth: false } }]);
    const { result } = await runtime.add(attachment, { signal });
    const calls = rec.calls();
    expect(calls.map((c) => c.type)).toEqual(['a', 'b', 'c']);
    expect(calls[0]!.conf).not.toHaveProperty('prevResult');
    expect(calls[1]!.conf.prevResult).toMatchObject({ interfaces: [{ name: 'a' }] });
    expect(calls[0]!.conf).toMatchObject({ name: 'net1', cniVersion: '1.1.0', keep: 'unknown-0', runtimeConfig: { portMappings: [{ hostPort: 1 }] } });
    expect(calls[0]!.conf).not.toHaveProperty('capabilities');
    expect(calls[0]!.conf.runtimeConfig).not.toHaveProperty('mac');
    expect(calls[2]!.conf).not.toHaveProperty('runtimeConfig');
    expect(calls[0]!.env).toMatchObject({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0', CNI_NETNS: '/run/netns/none', CNI_PATH: rec.dir });
    expect(result).toMatchObject({ interfaces: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  });

  it('stops ADD at the first failing plugin', async () => {
    const { rec, runtime } = setup({}, [{}, { behave: { ADD: { code: 7 } } }, {}]);
    await expect(runtime.add(attachment, { signal })).rejects.toBeInstanceOf(PluginFailedError);
    expect(rec.calls().map((c) => c.type)).toEqual(['a', 'b']);
  });

  it('runs DEL in reverse order with the cached final result, then forgets it', async () => {
    const { rec, runtime } = setup();
    const { result } = await runtime.add(attachment, { signal });
    await runtime.del(attachment, { signal });
    const dels = rec.calls().filter((c) => c.cmd === 'DEL');
    expect(dels.map((c) => c.type)).toEqual(['c', 'b', 'a']);
    for (const del of dels) expect(del.conf.prevResult).toEqual(result);
    expect(runtime.cachedAttachments()).toEqual([]);
    expect(runtime.checkRefusal(attachment)).toMatch(/never added or was deleted/);
  });

  it('CHECKs in order with the cached result, and refuses when disabled or never added', async () => {
    const { rec, runtime } = setup();
    await expect(runtime.check(attachment, { signal })).rejects.toBeInstanceOf(HarnessError);
    await runtime.add(attachment, { signal });
    await runtime.check(attachment, { signal });
    expect(rec.calls().filter((c) => c.cmd === 'CHECK').map((c) => c.type)).toEqual(['a', 'b', 'c']);
    const disabled = setup({ disableCheck: true }).runtime;
    await disabled.add(attachment, { signal });
    expect(disabled.checkRefusal(attachment)).toMatch(/disableCheck/);
  });

  it('GCs every plugin with both key spellings and continues past a failing plugin', async () => {
    const { rec, runtime } = setup({}, [{ behave: { GC: { code: 11 } } }, {}, {}]);
    const outcomes = await runtime.gc([attachment], { signal });
    expect(outcomes!.map((o) => o.exitCode)).toEqual([1, 0, 0]);
    const gcs = rec.calls().filter((c) => c.cmd === 'GC');
    expect(gcs.map((c) => c.type)).toEqual(['a', 'b', 'c']);
    for (const gc of gcs) {
      expect(gc.conf['cni.dev/valid-attachments']).toEqual([{ containerID: 'c1', ifname: 'eth0' }]);
      expect(gc.conf['cni.dev/attachments']).toEqual([{ containerID: 'c1', ifname: 'eth0' }]);
      expect(gc.env).not.toHaveProperty('CNI_CONTAINERID');
    }
  });

  it('never GCs when disableGC is set or the version has no GC', async () => {
    const { rec, runtime } = setup({ disableGC: true });
    expect(await runtime.gc([], { signal })).toBeUndefined();
    expect(await setup().runtime.gc([], { signal, cniVersion: '1.0.0' })).toBeUndefined();
    expect(rec.calls()).toEqual([]);
  });

  it('stops STATUS at the first failing plugin', async () => {
    const { runtime } = setup({}, [{}, { behave: { STATUS: { code: 50 } } }, {}]);
    const outcomes = await runtime.status({ signal });
    expect(outcomes.map((o) => [o.type, o.error?.code])).toEqual([
      ['a', undefined],
      ['b', 50],
    ]);
  });

  it('never runs two operations on one attachment at once', async () => {
    const { rec, runtime } = setup({}, [{ behave: { ADD: { sleepMs: 300 } } }, {}, {}]);
    const add = runtime.add(attachment, { signal });
    const del = runtime.del(attachment, { signal });
    await Promise.all([add, del]);
    expect(rec.calls().map((c) => c.cmd)).toEqual(['ADD', 'ADD', 'ADD', 'DEL', 'DEL', 'DEL']);
  });

  it('strips CNI_* variables of its own environment from the plugin environment', async () => {
    process.env.CNI_ARGS = 'LEAK=1';
    try {
      const { rec, runtime } = setup();
      await runtime.add(attachment, { signal });
      expect(rec.calls()[0]!.env).not.toHaveProperty('CNI_ARGS');
    } finally {
      delete process.env.CNI_ARGS;
    }
  });
});
