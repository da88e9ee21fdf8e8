// STATUS and GC (1.1.0): readiness, and garbage collection that keeps listed attachments and
// reclaims the rest, under either key name.
import { defineTest } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { Cap } from '../../src/interfaces/cni/capabilities.js';
import { check, expectAllSucceeded, firstAddress, SPEC_URL } from './support.js';
import { addRequesting } from './del.js';


function gcTest(id: string, key: 'cni.dev/valid-attachments' | 'cni.dev/attachments') {
  return defineTest<CniEnv>({
    id,
    title: `GC with ${key} keeps the listed attachment and reclaims the other`,
    spec: { section: '3 GC', rule: `plugins should remove resources of attachments not in ${key} and keep the listed ones`, url: SPEC_URL },
    // Optional: GC is a SHOULD, and the proof asks for a reclaimed address through runtimeConfig.ips.
    profile: 'extended',
    tags: ['Feature:GC', 'Feature:IPRequests'],
    // GC reclaims everything not listed: nothing else may be attached meanwhile.
    serial: true,
    requires: [Cap.netns, Cap.gc, Cap.ipamPool, Cap.requestIps],
    operations: ['ADD', 'GC'],
    async run(ctx) {
      const kept = await ctx.env.attachment(ctx);
      const dropped = await ctx.env.attachment(ctx);
      const keptAddress = firstAddress((await ctx.env.add(ctx, kept.attachment)).result);
      const droppedAddress = firstAddress((await ctx.env.add(ctx, dropped.attachment)).result);
      const outcomes = await ctx.env.runtime.gc([kept.attachment], { signal: ctx.signal, keys: [key] });
      check(outcomes, 'the runtime refused GC (disableGC or version)');
      expectAllSucceeded(outcomes, `GC with ${key}`, { silent: true });
      const reuse = await addRequesting(ctx, (await ctx.env.attachment(ctx)).attachment, droppedAddress);
      if (reuse === 'ignored') ctx.notSupported('the chain ignores runtimeConfig.ips, so a reclaimed address cannot be asked for');
      check(reuse === 'granted', `after GC, ${droppedAddress} of the unlisted attachment was ${reuse}: it was not reclaimed`);
      const steal = await addRequesting(ctx, (await ctx.env.attachment(ctx)).attachment, keptAddress);
      check(steal === 'refused', `after GC, ${keptAddress} of the listed attachment was handed out again: GC reclaimed a valid attachment`);
    },
  });
}

export const statusGcTests = [
  defineTest<CniEnv>({
    id: 'cni.status.ready',
    title: 'STATUS succeeds silently when the plugin can serve ADD',
    spec: { section: '3 STATUS', rule: 'exit 0 when ready; otherwise code 50 or 51 on stdout', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.status],
    operations: ['STATUS'],
    async run(ctx) {
      const outcomes = await ctx.env.runtime.status({ signal: ctx.signal });
      for (const outcome of outcomes) {
        if (outcome.exitCode !== 0 && outcome.error) {
          check([50, 51].includes(outcome.error.code), `${outcome.type} STATUS failed with code ${outcome.error.code}; STATUS errors must use 50 or 51`);
          check(false, `${outcome.type} STATUS reports unavailable (code ${outcome.error.code}: ${outcome.error.msg}) although nothing prevents ADD`);
        }
      }
      expectAllSucceeded(outcomes, 'STATUS', { silent: true });
    },
  }),
  gcTest('cni.gc.reclaims-unlisted', 'cni.dev/valid-attachments'),
  gcTest('cni.gc.reclaims-unlisted-old-key', 'cni.dev/attachments'),
];
