// VERSION: the plugin says which spec versions it speaks, with nothing but CNI_COMMAND set.
import { defineTest } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import { describeIssues, versionInfoSchema } from '../../src/interfaces/cni/schemas.js';
import { isSpecVersion } from '../../src/interfaces/cni/versions.js';
import { deviation } from '../../src/interfaces/cni/deviations.js';
import { check, expectSuccess, SPEC_URL } from './support.js';


export const versionTests = [
  defineTest<CniEnv>({
    id: 'cni.version.reports-supported',
    title: 'VERSION prints cniVersion and the supported versions with only CNI_COMMAND set',
    spec: { section: '3 Execution protocol: VERSION', rule: 'output cniVersion (the input version) and a non-empty supportedVersions list', url: SPEC_URL },
    profile: 'core',
    operations: ['VERSION'],
    async run(ctx) {
      const { runtime, network } = ctx.env;
      for (let i = 0; i < network.plugins.length; i++) {
        const outcome = await runtime.raw(i, 'VERSION', undefined, JSON.stringify({ cniVersion: network.cniVersion }), ctx.signal, { CNI_PATH: undefined });
        expectSuccess(outcome, `${outcome.type} VERSION`);
        const info = versionInfoSchema.safeParse(outcome.json);
        check(info.success, `${outcome.type} VERSION output is not {cniVersion, supportedVersions[]}: ${info.success ? '' : describeIssues(info.error)}`);
        const unknown = info.data.supportedVersions.filter((v) => !isSpecVersion(v));
        if (unknown.length > 0) ctx.log(`${outcome.type} advertises versions this harness does not know: ${unknown.join(', ')}`);
        if (info.data.cniVersion !== network.cniVersion && info.data.supportedVersions.includes(network.cniVersion)) {
          const note = deviation.versionNotEchoed(outcome.type, info.data.cniVersion, network.cniVersion);
          if (ctx.env.profile === 'strict') check(false, `${note}; the spec says it echoes the input version (profile strict)`);
          ctx.env.deviation(ctx, note);
        }
        ctx.log(`${outcome.type} supports ${info.data.supportedVersions.join(', ')}`);
      }
    },
  }),
];
