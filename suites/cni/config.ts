// Decoding and validating the network configuration on stdin: codes 6, 7 and 1.
import { defineTest } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { Cap } from '../../src/interfaces/cni/capabilities.js';
import { expectFailure, safetyDel, type Ctx, SPEC_URL } from './support.js';


async function attempt(ctx: Ctx, stdin: string) {
  const { attachment } = await ctx.env.attachment(ctx);
  safetyDel(ctx, attachment);
  return ctx.env.runtime.raw(0, 'ADD', attachment, stdin, ctx.signal);
}

export const configTests = [
  defineTest<CniEnv>({
    id: 'cni.config.not-json',
    title: 'ADD with a configuration that is not JSON fails with code 6',
    spec: { section: '6 Error codes', rule: 'failure to decode content: code 6', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns],
    operations: ['ADD'],
    async run(ctx) {
      expectFailure(ctx, await attempt(ctx, '{"cniVersion": "1.0.0", "name": '), { codes: [6], what: 'ADD with truncated JSON' });
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.config.invalid-name',
    title: 'ADD with a network name outside the allowed pattern fails with code 7',
    spec: { section: '4 Network configuration: name', rule: 'name must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$; invalid network config → code 7', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns],
    operations: ['ADD'],
    async run(ctx) {
      const request = { ...ctx.env.runtime.request(0, { signal: ctx.signal }), name: 'bad/name with spaces' };
      expectFailure(ctx, await attempt(ctx, JSON.stringify(request)), { codes: [7], what: 'ADD with name "bad/name with spaces"' });
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.config.unsupported-field',
    tags: ['Feature:UnsupportedField'],
    title: 'ADD with a field value the plugin does not support fails with code 2 naming key and value',
    spec: { section: '6 Error codes', rule: 'unsupported field in network configuration: code 2; the message must contain the key and value', url: SPEC_URL },
    profile: 'extended',
    requires: [Cap.netns, Cap.unsupportedField],
    operations: ['ADD'],
    async run(ctx) {
      const { key, value } = ctx.env.unsupportedField!;
      const request = { ...ctx.env.runtime.request(0, { signal: ctx.signal }), [key]: value };
      const shown = typeof value === 'string' ? value : JSON.stringify(value);
      expectFailure(ctx, await attempt(ctx, JSON.stringify(request)), { codes: [2], mentions: [key, shown], what: `ADD with ${key}=${shown}` });
    },
  }),
  defineTest<CniEnv>({
    id: 'cni.config.unsupported-version',
    title: 'ADD with a cniVersion the plugin does not support fails with code 1',
    spec: { section: '6 Error codes', rule: 'incompatible CNI version: code 1', url: SPEC_URL },
    profile: 'core',
    requires: [Cap.netns],
    operations: ['ADD'],
    async run(ctx) {
      const request = { ...ctx.env.runtime.request(0, { signal: ctx.signal }), cniVersion: '99.99.99' };
      expectFailure(ctx, await attempt(ctx, JSON.stringify(request)), { codes: [1], what: 'ADD with cniVersion 99.99.99' });
    },
  }),
];
