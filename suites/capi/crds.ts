// The provider CRDs as clusterctl and core read them: the contract label naming served versions,
// clusterctl's name rule and labels. One test per provider type and contract, each in that type's profile.
import { ConformanceError } from '../../src/core/errors.js';
import type { ProviderKinds } from '../../src/interfaces/capi/env.js';
import { clusterctlProblems, contractLabelProblems } from './checks.js';
import { capiTest, CONTRACT_SUITES, CONTROL_PLANE, type CapiContext, type ContractSuite } from './define.js';

type ProviderType = 'infrastructure' | 'bootstrap' | 'control-plane';
const under = (ctx: CapiContext, type: ProviderType): ProviderKinds => ({ infrastructure: ctx.env.infra, bootstrap: ctx.env.bootstrap, 'control-plane': ctx.env.controlPlane })[type]!;
const prefix = { infrastructure: 'capi.infra', bootstrap: 'capi.bootstrap', 'control-plane': 'capi.control-plane' } as const;
const page = { infrastructure: 'infra-cluster', bootstrap: 'bootstrap-config', 'control-plane': 'control-plane' } as const;

function fail(problems: string[]): void {
  if (problems.length) throw new ConformanceError(problems.join('; '));
}

export const crdTests = (type: ProviderType, s: ContractSuite) => [
  capiTest({
    id: s.id(`${prefix[type]}.crd.contract-label`),
    title: s.title(`the ${type} provider's CRDs carry the ${s.c.version} contract label naming served versions`),
    spec: s.spec(page[type], 'Contract rules / API version labels', `CRDs carry ${s.c.label}: <version>[_<version>], each a served version`),
    profile: 'core',
    operations: ['CustomResourceDefinition'],
    requires: type === 'infrastructure' ? s.INFRA : type === 'bootstrap' ? s.BOOTSTRAP : CONTROL_PLANE,
    async run(ctx) {
      fail(under(ctx, type).crds.flatMap((crd) => contractLabelProblems(crd, s.c.label)));
    },
  }),
  capiTest({
    id: s.id(`${prefix[type]}.crd.clusterctl`),
    title: s.title(`the ${type} provider's CRDs follow clusterctl's name and label rules`),
    spec: s.spec('clusterctl', 'Components YAML file / labels', 'CRD named <plural>.<group>, labelled cluster.x-k8s.io/provider=<type>-<name> and clusterctl.cluster.x-k8s.io'),
    profile: 'core',
    operations: ['CustomResourceDefinition'],
    requires: type === 'infrastructure' ? s.INFRA : type === 'bootstrap' ? s.BOOTSTRAP : CONTROL_PLANE,
    async run(ctx) {
      const provider = under(ctx, type);
      fail(provider.crds.flatMap((crd) => clusterctlProblems(crd, provider.kinds.find((k) => k.kind === crd.kind)!.plural, type)));
    },
  }),
];

export const infraCrdTests = crdTests('infrastructure', CONTRACT_SUITES.v1beta2);
export const bootstrapCrdTests = crdTests('bootstrap', CONTRACT_SUITES.v1beta2);
// The ControlPlane contract is checked in its v1beta2 form only.
export const controlPlaneCrdTests = crdTests('control-plane', CONTRACT_SUITES.v1beta2);
