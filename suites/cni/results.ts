// Results: for every version the chain advertises, ADD returns a result of exactly that version's
// shape, and DEL at that version works (every advertised version is really accepted).
import { defineTest, type TestDefinition } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { Cap } from '../../src/interfaces/cni/capabilities.js';
import { SPEC_VERSIONS } from '../../src/interfaces/cni/versions.js';
import { checkResultShape, verifyInNamespace } from './support.js';

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
];
