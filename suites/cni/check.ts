// CHECK rules: silent success right after ADD, failure once a created resource is gone,
// tolerance of what later plugins changed, and no CHECK before 0.4.0.
import { defineTest } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { Cap, IPAM_WITHOUT_POOL } from '../../src/interfaces/cni/capabilities.js';
import { invokePlugin, PluginFailedError, type Attachment } from '../../src/interfaces/cni/runtime/invoke.js';
import { check, expectAllSucceeded, expectFailure, expectSuccess, sandboxInterface, type Ctx, SPEC_URL } from './support.js';

/** A route a later chained plugin might add: benchmarking range, only inside the test namespace. */
const LATER_ROUTE = '198.18.200.0/24';
/** An address no plugin assigns (documentation range), expected by a doctored prevResult. */
const MISSING_ADDRESS = '198.51.100.7/24';

/** CHECK must fail; its failure must be a proper error object. */
async function expectCheckFails(ctx: Ctx, attachment: Attachment, what: string, unexpected: string, prevResult?: unknown): Promise<void> {
  try {
    await ctx.env.runtime.check(attachment, { signal: ctx.signal, ...(prevResult ? { prevResult } : {}) });
  } catch (error) {
    if (!(error instanceof PluginFailedError)) throw error;
    expectFailure(ctx, error.outcome, { codes: [], what });
    return;
  }
  check(false, unexpected);
}

/** A new attachment, ADDed and CHECKed once as ADD left it: a later failing CHECK then shows what broke it. */
async function addedAndChecked(ctx: Ctx, what: string) {
  const { attachment, ns } = await ctx.env.attachment(ctx);
  const { result } = await ctx.env.add(ctx, attachment);
  expectAllSucceeded(await ctx.env.runtime.check(attachment, { signal: ctx.signal }), `CHECK after ADD, ${what}`);
  return { attachment, ns, result };
}

/** The first plugin of the list that delegates to an IPAM executable keeping allocations, and its type. */
function ipamDelegate(ctx: Ctx): { index: number; type: string } | undefined {
  for (const [index, plugin] of ctx.env.network.plugins.entries()) {
    const type = (plugin.ipam as { type?: unknown } | undefined)?.type;
    if (typeof type === 'string' && !IPAM_WITHOUT_POOL.includes(type)) return { index, type };
  }
  return undefined;
}

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
      await expectCheckFails(ctx, attachment, `CHECK after removing ${ifname}`, `CHECK succeeded although ${ifname} was removed from ${ns.path}`);
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.check.reads-prev-result',
    title: 'CHECK fails when prevResult lists an address the interface does not carry',
    spec: { section: '3 CHECK', rule: 'the plugin must consult the prevResult to determine the expected interfaces and addresses', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.check, Cap.interfaceCreate],
    operations: ['ADD', 'CHECK'],
    async run(ctx) {
      const { attachment, ns, result } = await addedAndChecked(ctx, 'with the prevResult as ADD returned it');
      const r = result as { interfaces?: Array<{ name: string }>; ips?: unknown[] };
      const ifname = sandboxInterface(result, ns, attachment.ifname);
      const expected = { interface: (r.interfaces ?? []).findIndex((i) => i.name === ifname), address: MISSING_ADDRESS };
      const prevResult = { ...r, ips: [...(r.ips ?? []), expected] };
      await expectCheckFails(ctx, attachment, `CHECK with a prevResult expecting ${MISSING_ADDRESS} on ${ifname}`, `CHECK succeeded although its prevResult expects ${MISSING_ADDRESS} on ${ifname}, which does not carry it: the plugin did not consult prevResult`, prevResult);
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.check.asks-ipam-delegate',
    title: 'CHECK fails once the IPAM delegate no longer holds the allocation',
    spec: { section: '3 CHECK / 4 Plugin delegation', rule: 'on CHECK a plugin must also execute its delegated (IPAM) plugins and should return their errors', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.check, Cap.ipamDelegate],
    operations: ['ADD', 'CHECK', 'DEL'],
    async run(ctx) {
      const delegate = ipamDelegate(ctx);
      check(delegate, 'no plugin of the network names an ipam.type');
      const { attachment } = await addedAndChecked(ctx, 'before the allocation is released');
      // Behind the plugin's back, as its delegate would be run: same environment, the complete config.
      const stdin = JSON.stringify(ctx.env.runtime.request(delegate.index, { signal: ctx.signal }, ctx.env.runtime.cached(attachment)?.result));
      const { cniPath, pluginTimeoutMs } = ctx.env.runtime.settings;
      const release = await invokePlugin({ type: delegate.type, command: 'DEL', attachment, cniPath, stdin, signal: ctx.signal, timeoutMs: pluginTimeoutMs });
      expectSuccess(release, `${delegate.type} DEL (releasing the allocation behind the plugin's back)`);
      await expectCheckFails(ctx, attachment, `CHECK after ${delegate.type} released the allocation`, `CHECK succeeded although ${delegate.type} no longer holds ${attachment.containerID}/${attachment.ifname}'s allocation: the IPAM delegate was not asked, or its error was dropped`);
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
