// CHECK rules: silent success right after ADD, failure once a created resource is gone,
// tolerance of what later plugins changed, and no CHECK before 0.4.0.
import { defineTest } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { Cap } from '../../src/interfaces/cni/capabilities.js';
import { PluginFailedError } from '../../src/interfaces/cni/runtime/invoke.js';
import { check, expectAllSucceeded, expectFailure, sandboxInterface, SPEC_URL } from './support.js';

/** A route a later chained plugin might add: benchmarking range, only inside the test namespace. */
const LATER_ROUTE = '198.18.200.0/24';

export const checkTests = [
  defineTest<CniEnv>({
    id: 'cni.check.after-add',
    title: 'CHECK right after ADD succeeds and prints nothing',
    spec: { section: '3 CHECK', rule: 'must handle CHECK immediately after ADD; success is exit 0 with no output', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.check],
    operations: ['ADD', 'CHECK'],
    async run(ctx) {
      const { attachment } = await ctx.env.attachment(ctx);
      await ctx.env.add(ctx, attachment);
      expectAllSucceeded(await ctx.env.runtime.check(attachment, { signal: ctx.signal }), 'CHECK after ADD', { silent: true });
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.check.detects-removed-interface',
    title: 'CHECK fails once the interface ADD created is removed',
    spec: { section: '3 CHECK', rule: 'a plugin should return an error when resources it created (listed in prevResult) are missing', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.check, Cap.interfaceCreate],
    operations: ['ADD', 'CHECK'],
    async run(ctx) {
      const { attachment, ns } = await ctx.env.attachment(ctx);
      const { result } = await ctx.env.add(ctx, attachment);
      const ifname = sandboxInterface(result, ns, attachment.ifname);
      await ctx.env.netns!.breakInterface(ns, ifname, ctx.signal);
      try {
        await ctx.env.runtime.check(attachment, { signal: ctx.signal });
      } catch (error) {
        if (!(error instanceof PluginFailedError)) throw error;
        expectFailure(ctx, error.outcome, { codes: [], what: `CHECK after removing ${ifname}` });
        return;
      }
      check(false, `CHECK succeeded although ${ifname} was removed from ${ns.path}`);
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.check.tolerates-chained-changes',
    title: 'CHECK tolerates a route a later plugin added',
    spec: { section: '3 CHECK', rule: 'must tolerate modifications from later plugins in the chain', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.check, Cap.interfaceCreate],
    operations: ['ADD', 'CHECK'],
    async run(ctx) {
      const { attachment, ns } = await ctx.env.attachment(ctx);
      const { result } = await ctx.env.add(ctx, attachment);
      await ctx.env.netns!.addRoute(ns, { dst: LATER_ROUTE, dev: sandboxInterface(result, ns, attachment.ifname) }, ctx.signal);
      const r = result as { routes?: unknown[] };
      const prevResult = { ...r, routes: [...(r.routes ?? []), { dst: LATER_ROUTE }] };
      expectAllSucceeded(await ctx.env.runtime.check(attachment, { signal: ctx.signal, prevResult }), 'CHECK after a later plugin added a route', { silent: true });
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.check.needs-0-4-0',
    tags: ['Feature:CheckVersion'],
    title: 'CHECK with a configuration older than 0.4.0 fails with code 1',
    spec: { section: '3 CHECK (introduced in 0.4.0)', rule: 'CHECK does not exist before 0.4.0: incompatible version, code 1 (libcni/skel behaviour)', url: SPEC_URL },
    profile: 'extended',
    requires: [Cap.netns],
    requiresAny: [Cap.version('0.3.1'), Cap.version('0.3.0')],
    operations: ['CHECK'],
    async run(ctx) {
      const version = ctx.env.versions.includes('0.3.1') ? '0.3.1' : '0.3.0';
      const { attachment, ns } = await ctx.env.attachment(ctx);
      const prevResult = { cniVersion: version, interfaces: [{ name: attachment.ifname, sandbox: ns.path }] };
      const stdin = JSON.stringify(ctx.env.runtime.request(0, { signal: ctx.signal, cniVersion: version }, prevResult));
      expectFailure(ctx, await ctx.env.runtime.raw(0, 'CHECK', attachment, stdin, ctx.signal), { codes: [1], what: `CHECK at version ${version}` });
    },
  }),
];
