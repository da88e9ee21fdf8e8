// ADD rules: an existing interface is an error, parallel ADDs for different containers get
// different addresses, and a supplied prevResult is kept (single plugin) or passed along (chain).
import { defineTest } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { Cap } from '../../src/interfaces/cni/capabilities.js';
import { hasChaining } from '../../src/interfaces/cni/versions.js';
import { addressesOf, check, checkResultShape, expectFailure, expectSuccess, safetyDel, SPEC_URL } from './support.js';

/** A synthetic earlier plugin's result: documentation-range address, never configured anywhere. */
const SYNTHETIC = { ifname: 'cnfprev0', address: '192.0.2.10/32', nameserver: '192.0.2.53' };

type Rich = { interfaces?: Array<{ name: string }>; ips?: Array<{ address: string }>; routes?: Array<{ dst: string }>; dns?: { nameservers?: string[] } };

export const addTests = [
  defineTest<CniEnv>({
    id: 'cni.add.existing-interface-fails',
    title: 'ADD fails when the interface name already exists in the namespace',
    spec: { section: '3 ADD', rule: 'if an interface of the same name already exists in the container, the plugin must return an error', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.interfaceCreate],
    operations: ['ADD'],
    async run(ctx) {
      const { attachment } = await ctx.env.attachment(ctx);
      await ctx.env.add(ctx, attachment);
      const second = { ...attachment, containerID: ctx.unique('ctr') };
      safetyDel(ctx, second);
      const outcome = await ctx.env.runtime.raw(0, 'ADD', second, JSON.stringify(ctx.env.runtime.request(0, { signal: ctx.signal })), ctx.signal);
      expectFailure(ctx, outcome, { codes: [], what: `second ADD of ${attachment.ifname} into the same namespace` });
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.add.concurrent-distinct-addresses',
    title: 'Parallel ADDs for different containers get distinct addresses',
    spec: { section: '4 Lifecycle: concurrency', rule: 'plugins must handle parallel operations on different containers and lock shared resources such as IPAM', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.ipamPool],
    tags: ['Slow'],
    operations: ['ADD'],
    async run(ctx) {
      const attachments = await Promise.all(Array.from({ length: ctx.env.concurrentAdds }, () => ctx.env.attachment(ctx)));
      const results = await Promise.all(attachments.map(({ attachment }) => ctx.env.add(ctx, attachment)));
      const owners = new Map<string, string>();
      results.forEach(({ result }, i) => {
        for (const address of addressesOf(result)) {
          const ip = address.split('/')[0]!;
          const other = owners.get(ip);
          check(!other, `address ${ip} was given to both ${other} and ${attachments[i]!.attachment.containerID}`);
          owners.set(ip, attachments[i]!.attachment.containerID);
        }
      });
      check(owners.size >= results.length, `expected at least ${results.length} addresses, got ${owners.size}`);
      ctx.measure('concurrent_adds', results.length);
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.add.prev-result-kept',
    tags: ['Feature:PrevResult'],
    title: 'ADD given a prevResult outputs it, possibly modified',
    spec: { section: '3 ADD', rule: 'if the plugin was supplied a prevResult it must handle it by passing it through or modifying it', url: SPEC_URL },
    profile: 'extended',
    requires: [Cap.netns],
    operations: ['ADD'],
    async run(ctx) {
      const version = ctx.env.network.cniVersion;
      if (!hasChaining(version)) ctx.notSupported(`version ${version} has no prevResult`);
      const { attachment, ns } = await ctx.env.attachment(ctx);
      const prevResult = {
        cniVersion: version,
        interfaces: [{ name: SYNTHETIC.ifname, sandbox: ns.path }],
        ips: [{ ...(version.startsWith('0.') ? { version: '4' } : {}), interface: 0, address: SYNTHETIC.address }],
        dns: { nameservers: [SYNTHETIC.nameserver] },
      };
      safetyDel(ctx, attachment);
      const outcome = await ctx.env.runtime.raw(0, 'ADD', attachment, JSON.stringify(ctx.env.runtime.request(0, { signal: ctx.signal }, prevResult)), ctx.signal);
      expectSuccess(outcome, 'ADD with a prevResult');
      checkResultShape(outcome.json, version, ns.path);
      const result = outcome.json as Rich;
      check(result.interfaces?.some((i) => i.name === SYNTHETIC.ifname), `the prevResult's interface ${SYNTHETIC.ifname} is gone from the output`);
      check(result.ips?.some((i) => i.address === SYNTHETIC.address), `the prevResult's address ${SYNTHETIC.address} is gone from the output`);
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.chain.prev-result-passed',
    title: 'Each chained plugin passes on what the previous plugins reported',
    spec: { section: '3 ADD / 5 ADD Success', rule: 'chained plugins must pass prevResult through or modify it: its interfaces, addresses, routes and nameservers stay in their output', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.chain],
    operations: ['ADD'],
    async run(ctx) {
      const { attachment } = await ctx.env.attachment(ctx);
      const { steps } = await ctx.env.add(ctx, attachment);
      for (let i = 1; i < steps.length; i++) {
        const before = steps[i - 1]!.json as Rich;
        const after = steps[i]!.json as Rich;
        const dropped = (what: string) => `${steps[i]!.type} dropped ${what} reported by ${steps[i - 1]!.type}`;
        for (const iface of before.interfaces ?? []) check(after.interfaces?.some((x) => x.name === iface.name), dropped(`interface ${iface.name}`));
        for (const ip of before.ips ?? []) check(after.ips?.some((x) => x.address === ip.address), dropped(`address ${ip.address}`));
        for (const route of before.routes ?? []) check(after.routes?.some((x) => x.dst === route.dst), dropped(`route ${route.dst}`));
        for (const server of before.dns?.nameservers ?? []) check(after.dns?.nameservers?.includes(server), dropped(`nameserver ${server}`));
      }
    },
  }),
];
