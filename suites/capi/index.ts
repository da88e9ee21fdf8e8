// The Cluster API suite: every test of suites/capi, in catalog order: the v1beta2 contract's, then
// the same bodies for the deprecated v1beta1 contract (capi.v1beta1.…, profiles *-v1beta1), then
// the ControlPlane contract (v1beta2 only).
import { bootstrapTestsFor } from './bootstrap.js';
import { controlPlaneTests } from './control-plane.js';
import { controlPlaneCertificateTests } from './control-plane-certificates.js';
import { controlPlaneMachineTests } from './control-plane-machines.js';
import { controlPlaneTemplateTests } from './control-plane-template.js';
import { controlPlaneCrdTests, crdTests } from './crds.js';
import { CONTRACT_SUITES, type CapiTest, type ContractSuite } from './define.js';
import { infraClusterTestsFor } from './infra-cluster.js';
import { infraMachineTestsFor } from './infra-machine.js';
import { withCoreTestsFor } from './with-core.js';

const contractTests = (s: ContractSuite): CapiTest[] => [
  ...crdTests('infrastructure', s),
  ...infraClusterTestsFor(s),
  ...infraMachineTestsFor(s),
  ...crdTests('bootstrap', s),
  ...bootstrapTestsFor(s),
  ...withCoreTestsFor(s),
];

export const capiTests: readonly CapiTest[] = [
  ...contractTests(CONTRACT_SUITES.v1beta2),
  ...controlPlaneCrdTests,
  ...controlPlaneTests,
  ...controlPlaneCertificateTests,
  ...controlPlaneMachineTests,
  ...controlPlaneTemplateTests,
  ...contractTests(CONTRACT_SUITES.v1beta1),
];
