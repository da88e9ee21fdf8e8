// The provider CRDs as clusterctl and core read them: the contract label naming served versions,
// clusterctl's name rule and labels. One test per provider type, each in that type's profile.
import { ConformanceError } from '../../src/core/errors.js';
import type { ProviderKinds } from '../../src/interfaces/capi/env.js';
import { clusterctlProblems, contractLabelProblems } from './checks.js';
import { BOOTSTRAP, capiTest, CONTROL_PLANE, INFRA, spec, type CapiContext } from './define.js';

type ProviderType = 'infrastructure' | 'bootstrap' | 'control-plane';
const under = (ctx: CapiContext, type: ProviderType): ProviderKinds => ({ infrastructure: ctx.env.infra, bootstrap: ctx.env.bootstrap, 'control-plane': ctx.env.controlPlane })[type]!;
const prefix = { infrastructure: 'capi.infra', bootstrap: 'capi.bootstrap', 'control-plane': 'capi.control-plane' } as const;
const page = { infrastructure: 'infra-cluster', bootstrap: 'bootstrap-config', 'control-plane': 'control-plane' } as const;
const requires = { infrastructure: INFRA, bootstrap: BOOTSTRAP, 'control-plane': CONTROL_PLANE } as const;

function fail(problems: string[]): void {
  if (problems.length) throw new ConformanceError(problems.join('; '));
}

const crdTests = (type: ProviderType) => [
  capiTest({
    id: `${prefix[type]}.crd.contract-label`,
    title: `the ${type} provider's CRDs carry the v1beta2 contract label naming served versions`,
    spec: spec(page[type], 'Contract rules / API version labels', 'CRDs carry cluster.x-k8s.io/v1beta2: <version>[_<version>], each a served version'),
    profile: 'core',
    operations: ['CustomResourceDefinition'],
    requires: requires[type],
    async run(ctx) {
      fail(under(ctx, type).crds.flatMap(contractLabelProblems));
    },
  }),
  capiTest({
    id: `${prefix[type]}.crd.clusterctl`,
    title: `the ${type} provider's CRDs follow clusterctl's name and label rules`,
    spec: spec('clusterctl', 'Components YAML file / labels', 'CRD named <plural>.<group>, labelled cluster.x-k8s.io/provider=<type>-<name> and clusterctl.cluster.x-k8s.io'),
    profile: 'core',
    operations: ['CustomResourceDefinition'],
    requires: requires[type],
    async run(ctx) {
      const provider = under(ctx, type);
      fail(provider.crds.flatMap((crd) => clusterctlProblems(crd, provider.kinds.find((k) => k.kind === crd.kind)!.plural, type)));
    },
  }),
];

export const infraCrdTests = crdTests('infrastructure');
export const bootstrapCrdTests = crdTests('bootstrap');
export const controlPlaneCrdTests = crdTests('control-plane');
