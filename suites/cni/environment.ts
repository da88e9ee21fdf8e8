// Environment validation: missing or unusable CNI_* variables fail with code 4 naming them.
import { defineTest } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { Cap } from '../../src/interfaces/cni/capabilities.js';
import { deviation } from '../../src/interfaces/cni/deviations.js';
import type { PluginOutcome } from '../../src/interfaces/cni/runtime/invoke.js';
import { expectFailure, expectSuccess, safetyDel, type Ctx, SPEC_URL } from './support.js';


/** An attachment in a new namespace and the first plugin's ADD request; whoever ADDs registers a safety DEL for what it ADDs. */
async function addRequest(ctx: Ctx) {
  const { attachment, ns } = await ctx.env.attachment(ctx);
  return { attachment, ns, stdin: JSON.stringify(ctx.env.runtime.request(0, { signal: ctx.signal })) };
}

/** In profile compatible, a plugin refusing a call for want of CNI_PATH (code 4 naming it) is the documented libcni/skel behaviour: a warning. */
function acceptedAsDeviation(ctx: Ctx, outcome: PluginOutcome): boolean {
  if (outcome.exitCode === 0 || ctx.env.profile !== 'compatible' || outcome.error?.code !== 4 || !outcome.error.msg.includes('CNI_PATH')) return false;
  ctx.env.deviation(ctx, deviation.requiresCniPath(outcome.type));
  return true;
}

export const environmentTests = [
  defineTest<CniEnv>({
    id: 'cni.env.missing-required',
    title: 'ADD without a required CNI variable fails with code 4 naming it',
    spec: { section: '3 Parameters / 6 Error codes', rule: 'missing required environment parameters: error code 4 whose message names them', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns],
    operations: ['ADD'],
    async run(ctx) {
      const { attachment, stdin } = await addRequest(ctx);
      safetyDel(ctx, attachment);
      for (const variable of ['CNI_CONTAINERID', 'CNI_IFNAME', 'CNI_NETNS']) {
        const outcome = await ctx.env.runtime.raw(0, 'ADD', attachment, stdin, ctx.signal, { [variable]: undefined });
        expectFailure(ctx, outcome, { codes: [4], mentions: [variable], what: `ADD without ${variable}` });
      }
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.env.invalid-ifname',
    title: 'ADD with an interface name the plugin cannot use fails',
    spec: { section: '3 Parameters: CNI_IFNAME', rule: 'if the plugin is unable to use the interface name it must return an error', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns, Cap.interfaceCreate],
    operations: ['ADD'],
    async run(ctx) {
      const { attachment, stdin } = await addRequest(ctx);
      for (const ifname of ['conformal-too-long0', 'bad/name']) {
        const bad = { ...attachment, ifname };
        safetyDel(ctx, bad);
        const outcome = await ctx.env.runtime.raw(0, 'ADD', bad, stdin, ctx.signal);
        expectFailure(ctx, outcome, { codes: [], what: `ADD with CNI_IFNAME ${JSON.stringify(ifname)}` });
      }
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.env.invalid-container-id',
    title: 'ADD with characters outside the container ID pattern fails with code 4',
    spec: { section: '3 Parameters: CNI_CONTAINERID', rule: 'must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$; invalid env → code 4', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns],
    operations: ['ADD'],
    async run(ctx) {
      const { attachment, stdin } = await addRequest(ctx);
      const bad = { ...attachment, containerID: '-bad id!' };
      safetyDel(ctx, bad);
      const outcome = await ctx.env.runtime.raw(0, 'ADD', bad, stdin, ctx.signal);
      expectFailure(ctx, outcome, { codes: [4], what: 'ADD with CNI_CONTAINERID "-bad id!"' });
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.env.cni-path-optional',
    tags: ['Feature:CNIPathOptional'],
    title: 'ADD and DEL work without CNI_PATH, which the spec lists as optional',
    spec: { section: '3 Parameters', rule: 'CNI_PATH is optional for ADD and DEL (libcni/skel require it: compatible profile warns)', url: SPEC_URL },
    profile: 'extended',
    requires: [Cap.netns],
    operations: ['ADD', 'DEL'],
    async run(ctx) {
      const { attachment, stdin } = await addRequest(ctx);
      const safety = safetyDel(ctx, attachment);
      const add = await ctx.env.runtime.raw(0, 'ADD', attachment, stdin, ctx.signal, { CNI_PATH: undefined });
      if (acceptedAsDeviation(ctx, add)) return;
      expectSuccess(add, 'ADD without CNI_PATH');
      const del = await ctx.env.runtime.raw(0, 'DEL', attachment, stdin, ctx.signal, { CNI_PATH: undefined });
      expectSuccess(del, 'DEL without CNI_PATH');
      safety.release(); // the DEL that follows the ADD was this one
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.env.cni-path-optional-check',
    tags: ['Feature:CNIPathOptional'],
    title: 'CHECK works without CNI_PATH, which the spec lists as optional',
    spec: { section: '3 CHECK: input', rule: 'CNI_PATH is an optional environment parameter of CHECK (libcni/skel require it: compatible profile warns)', url: SPEC_URL },
    profile: 'extended',
    requires: [Cap.netns, Cap.check],
    operations: ['ADD', 'CHECK'],
    async run(ctx) {
      const { attachment } = await ctx.env.attachment(ctx);
      const { steps } = await ctx.env.add(ctx, attachment);
      // The first plugin's CHECK, with the result the whole chain returned as its prevResult.
      const stdin = JSON.stringify(ctx.env.runtime.request(0, { signal: ctx.signal }, steps.at(-1)!.json));
      const outcome = await ctx.env.runtime.raw(0, 'CHECK', attachment, stdin, ctx.signal, { CNI_PATH: undefined });
      if (acceptedAsDeviation(ctx, outcome)) return;
      expectSuccess(outcome, 'CHECK without CNI_PATH', { silent: true });
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.env.cni-path-optional-status',
    tags: ['Feature:CNIPathOptional'],
    title: 'STATUS works without CNI_PATH, its only parameter besides CNI_COMMAND',
    spec: { section: '3 STATUS: input', rule: 'CNI_PATH is an optional environment parameter of STATUS (libcni/skel require it: compatible profile warns)', url: SPEC_URL },
    profile: 'extended',
    requires: [Cap.status],
    operations: ['STATUS'],
    async run(ctx) {
      const stdin = JSON.stringify(ctx.env.runtime.request(0, { signal: ctx.signal }));
      const outcome = await ctx.env.runtime.raw(0, 'STATUS', undefined, stdin, ctx.signal, { CNI_PATH: undefined });
      if (acceptedAsDeviation(ctx, outcome)) return;
      expectSuccess(outcome, 'STATUS without CNI_PATH', { silent: true });
    },
  }),
];
