// Results: for every version the chain advertises, ADD returns a result of exactly that version's
// shape, and DEL at that version works (every advertised version is really accepted).
import { defineTest, type TestDefinition } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { Cap } from '../../src/interfaces/cni/capabilities.js';
import { resultFamily, SPEC_VERSIONS } from '../../src/interfaces/cni/versions.js';
import { check, checkResultShape, verifyInNamespace } from './support.js';

const specUrl = (version: string) => `https://github.com/containernetworking/cni/blob/spec-v${version}/SPEC.md`;

const perVersion = SPEC_VERSIONS.map((version) =>
  defineTest<CniEnv>({
    id: `cni.result.version-${version.replaceAll('.', '-')}`,
    title: `ADD at version ${version} returns a result of exactly the ${version} shape`,
    spec: { section: '5 Result types', rule: `the result's cniVersion equals the request's (${version}) and its fields are that version's`, url: specUrl(version) },
    // Which result versions a plugin supports is its choice: each is a feature.
    profile: 'extended',
    requires: [Cap.netns, Cap.version(version)],
    tags: [`Feature:Version-${version}`],
    operations: ['ADD', 'DEL'],
    async run(ctx) {
      const { attachment, ns } = await ctx.env.attachment(ctx);
      const { result } = await ctx.env.add(ctx, attachment, { cniVersion: version });
      checkResultShape(result, version, ns.path);
      await verifyInNamespace(ctx, ns, attachment.ifname, result);
      await ctx.env.del(ctx, attachment, { cniVersion: version });
    },
  }),
);

export const resultTests: TestDefinition<CniEnv>[] = [
  ...perVersion,
  defineTest<CniEnv>({
    id: 'cni.add.result-valid',
    title: 'ADD result matches its version and what the namespace really holds',
    spec: { section: '5 Result types / 3 ADD', rule: 'ips[].interface indexes interfaces; sandbox is CNI_NETNS; listed interfaces, addresses and routes exist', url: specUrl('1.1.0') },
    profile: 'core',
    requires: [Cap.netns],
    operations: ['ADD'],
    async run(ctx) {
      const { attachment, ns } = await ctx.env.attachment(ctx);
      const { result } = await ctx.env.add(ctx, attachment);
      checkResultShape(result, ctx.env.network.cniVersion, ns.path);
      await verifyInNamespace(ctx, ns, attachment.ifname, result);
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.add.result-names-attachment',
    title: 'ADD result lists the interface under the CNI_IFNAME asked for, inside the CNI_NETNS given',
    spec: { section: '3 Parameters: CNI_IFNAME / 5 Result types: interfaces', rule: 'the interface to create is CNI_IFNAME (a plugin unable to use it must fail); a container interface\'s sandbox should be the value of CNI_NETNS', url: specUrl('1.1.0') },
    profile: 'core',
    requires: [Cap.netns, Cap.interfaceCreate],
    operations: ['ADD'],
    async run(ctx) {
      // A distinct name, so a plugin that names the interface itself (eth0, net0 …) cannot match by chance.
      const { attachment, ns } = await ctx.env.attachment(ctx, 'cnfif0');
      const { result } = await ctx.env.add(ctx, attachment);
      if (resultFamily(ctx.env.network.cniVersion) === 'legacy') {
        // 0.1.0/0.2.0 results name no interface: the namespace itself must hold CNI_IFNAME.
        const links = (await ctx.env.netns!.inspect(ns, ctx.signal)).links.map((l) => l.name);
        check(links.includes(attachment.ifname), `CNI_IFNAME was ${attachment.ifname}, the namespace has only [${links.join(', ')}]`);
        return;
      }
      const interfaces = (result as { interfaces?: Array<{ name: string; sandbox?: string }> }).interfaces ?? [];
      const named = interfaces.filter((i) => i.name === attachment.ifname);
      check(named.length > 0, `CNI_IFNAME was ${attachment.ifname}, the result lists the interfaces [${interfaces.map((i) => i.name).join(', ')}]`);
      check(named.some((i) => i.sandbox === ns.path), `interface ${attachment.ifname} is reported with sandbox ${JSON.stringify(named[0]!.sandbox)}, expected CNI_NETNS ${ns.path}`);
    },
  }),
];
