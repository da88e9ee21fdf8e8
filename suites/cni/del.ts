// DEL rules: repeatable, works without a prior ADD or a namespace, and releases the IPAM allocation.
import { defineTest } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { Cap } from '../../src/interfaces/cni/capabilities.js';
import { PluginFailedError } from '../../src/interfaces/cni/runtime/invoke.js';
import { check, expectAllSucceeded, firstAddress, type Ctx, SPEC_URL } from './support.js';
import type { Attachment } from '../../src/interfaces/cni/runtime/invoke.js';


/**
 * ADD for `attachment` asking for `address` (runtimeConfig.ips); resolves to the outcome:
 * granted (with the result), refused (a plugin failed), or ignored (another address was given).
 */
export async function addRequesting(ctx: Ctx, attachment: Attachment, address: string): Promise<'granted' | 'refused' | 'ignored'> {
  const capabilityArgs = { ...(ctx.env.runtime.settings.capabilityArgs ?? {}), ips: [address] };
  try {
    const { result } = await ctx.env.add(ctx, attachment, { capabilityArgs });
    const got = firstAddress(result);
    ctx.log(`ADD ${attachment.containerID} asking for ${address} got ${got}`);
    return got.split('/')[0] === address.split('/')[0] ? 'granted' : 'ignored';
  } catch (error) {
    if (!(error instanceof PluginFailedError)) throw error;
    ctx.log(`ADD ${attachment.containerID} asking for ${address} refused: ${error.message}`);
    return 'refused';
  }
}

export const delTests = [
  defineTest<CniEnv>({
    id: 'cni.del.repeated',
    title: 'DEL succeeds when repeated for the same attachment',
    spec: { section: '3 DEL', rule: 'plugins must accept multiple DEL calls for the same (CNI_CONTAINERID, CNI_IFNAME)', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns],
    operations: ['ADD', 'DEL'],
    async run(ctx) {
      const { attachment } = await ctx.env.attachment(ctx);
      await ctx.env.add(ctx, attachment);
      expectAllSucceeded(await ctx.env.runtime.del(attachment, { signal: ctx.signal }), 'first DEL');
      // The second DEL through the env: once it succeeds the ledger has no third one to make.
      await ctx.env.del(ctx, attachment);
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.del.unprepared',
    title: 'DEL succeeds for a container never added, with or without a namespace',
    spec: { section: '3 DEL', rule: 'DEL should succeed when resources are missing; CNI_NETNS is optional for DEL', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns],
    operations: ['DEL'],
    async run(ctx) {
      const { attachment } = await ctx.env.attachment(ctx);
      expectAllSucceeded(await ctx.env.runtime.del(attachment, { signal: ctx.signal }), 'DEL of a never-added container');
      const { netns: _dropped, ...withoutNetns } = attachment;
      expectAllSucceeded(await ctx.env.runtime.del({ ...withoutNetns, containerID: ctx.unique('ctr') }, { signal: ctx.signal }), 'DEL without CNI_NETNS');
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.del.removes-interface',
    title: 'DEL removes the interface ADD created in the namespace',
    spec: { section: '3 DEL', rule: 'a plugin, upon DEL, should delete the interface CNI_IFNAME inside the container at CNI_NETNS, or undo what its ADD applied', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.interfaceCreate],
    operations: ['ADD', 'DEL'],
    async run(ctx) {
      const { attachment, ns } = await ctx.env.attachment(ctx);
      await ctx.env.add(ctx, attachment);
      const linkNamed = async () => (await ctx.env.netns!.inspect(ns, ctx.signal)).links.some((l) => l.name === attachment.ifname);
      check(await linkNamed(), `after ADD, ${ns.path} has no interface ${attachment.ifname} (CNI_IFNAME), so DEL cannot be shown to remove it`);
      await ctx.env.del(ctx, attachment);
      check(!(await linkNamed()), `after DEL, ${attachment.ifname} is still in ${ns.path}`);
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.del.namespace-gone',
    title: 'DEL succeeds after the namespace was removed',
    spec: { section: '3 DEL', rule: 'DEL should succeed even if the network namespace is gone (e.g. IPAM still releases)', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns],
    operations: ['ADD', 'DEL'],
    async run(ctx) {
      const { attachment, ns } = await ctx.env.attachment(ctx);
      await ctx.env.add(ctx, attachment);
      await ctx.env.removeNamespace(ctx, ns);
      await ctx.env.del(ctx, attachment);
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.del.frees-address',
    tags: ['Feature:IPRequests'],
    title: 'DEL releases the address so another container can have it',
    spec: { section: '3 DEL', rule: 'DEL undoes the ADD: the IPAM allocation is released', url: SPEC_URL },
    profile: 'extended',
    // Watches one address of the shared pool: a parallel test could take it once it is freed.
    serial: true,
    requires: [Cap.netns, Cap.ipamPool, Cap.requestIps],
    operations: ['ADD', 'DEL'],
    async run(ctx) {
      const first = await ctx.env.attachment(ctx);
      const { result } = await ctx.env.add(ctx, first.attachment);
      const address = firstAddress(result);
      const rival = await ctx.env.attachment(ctx);
      const whileHeld = await addRequesting(ctx, rival.attachment, address);
      if (whileHeld === 'ignored') ctx.notSupported('the chain ignores runtimeConfig.ips, so a freed address cannot be asked for');
      check(whileHeld === 'refused', `address ${address} was handed to a second container while the first still held it`);
      await ctx.env.del(ctx, first.attachment);
      const later = await ctx.env.attachment(ctx);
      const afterDel = await addRequesting(ctx, later.attachment, address);
      check(afterDel === 'granted', `after DEL, asking for ${address} was ${afterDel}: the address was not released`);
    },
  }),
];
