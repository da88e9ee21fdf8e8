// Where tests run against the embedded reference: the IPAM in-process except for tests cited for a
// delegation rule, and a network of its own (run in parallel) for a test marked serial.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineTest } from '../../../src/core/test.js';
import type { CniEnv } from '../../../src/interfaces/cni/env.js';
import { IPAM_IN_PROCESS, isolatedName, ReferencePlacement } from '../../../src/interfaces/cni/reference-placement.js';
import { parseNetworkConfig } from '../../../src/interfaces/cni/runtime/config.js';
import { CniRuntime } from '../../../src/interfaces/cni/runtime/network.js';

const network = parseNetworkConfig(JSON.stringify({ cniVersion: '1.1.0', name: 'conformal-ref', plugins: [{ type: 'conformal-ref', ipam: { type: 'conformal-ref-ipam' } }] }), 'test');
const runtime = new CniRuntime(network, { cniPath: ['/nonexistent'], pluginTimeoutMs: 1000, cacheDir: mkdtempSync(join(tmpdir(), 'cni-placement-')) });
const test = (id: string, serial = false) => defineTest<CniEnv>({ id, title: id, spec: { section: 's', rule: 'r' }, profile: 'core', serial, run: async () => {} });
// The env only carries its runtime here.
const placement = () => new ReferencePlacement(runtime, new Set(['cni.delegating', 'cni.delegating-serial']), (over) => ({ runtime: over }) as unknown as CniEnv);
const firstPlugin = (env: CniEnv) => env.runtime.network.plugins[0]!;

describe('ReferencePlacement', () => {
  it('runs the IPAM in-process unless the test is cited for a delegation rule', () => {
    const places = placement();
    expect(firstPlugin(places.placement(test('cni.other')).env)[IPAM_IN_PROCESS]).toBe(true);
    expect(firstPlugin(places.placement(test('cni.delegating')).env)[IPAM_IN_PROCESS]).toBeUndefined();
    expect(places.inProcessRuntime.network.plugins[0]![IPAM_IN_PROCESS]).toBe(true);
  });

  it('keeps the rest of the configuration and the network name for ordinary tests', () => {
    const { env, serial, first } = placement().placement(test('cni.other'));
    expect(serial).toBe(false);
    expect(first).toBe(false);
    expect(env.runtime.network.name).toBe('conformal-ref');
    expect(firstPlugin(env)).toMatchObject({ type: 'conformal-ref', ipam: { type: 'conformal-ref-ipam' } });
  });

  it('gives a serial test a network of its own and lets it run beside the others', () => {
    const places = placement();
    const own = places.placement(test('cni.delegating-serial', true));
    expect(own.serial).toBe(false);
    expect(own.first).toBe(true);
    expect(places.placement(test('cni.delegating')).first).toBe(true);
    expect(own.env.runtime.network.name).toBe(isolatedName('conformal-ref', 'cni.delegating-serial'));
    expect(firstPlugin(own.env)[IPAM_IN_PROCESS]).toBeUndefined();
    expect(places.networks().map((n) => n.network.name).sort()).toEqual(['conformal-ref', 'conformal-ref-cni.delegating-serial']);
  });

  it('hands tests placed alike the same environment', () => {
    const places = placement();
    expect(places.placement(test('cni.a')).env).toBe(places.placement(test('cni.b')).env);
    expect(places.placement(test('cni.a')).env).not.toBe(places.placement(test('cni.delegating')).env);
  });
});
