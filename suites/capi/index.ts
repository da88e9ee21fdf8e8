// The Cluster API suite: every test of suites/capi, in catalog order.
import { bootstrapTests } from './bootstrap.js';
import { controlPlaneTests } from './control-plane.js';
import { bootstrapCrdTests, controlPlaneCrdTests, infraCrdTests } from './crds.js';
import type { CapiTest } from './define.js';
import { infraClusterTests } from './infra-cluster.js';
import { infraMachineTests } from './infra-machine.js';
import { withCoreTests } from './with-core.js';

export const capiTests: readonly CapiTest[] = [...infraCrdTests, ...infraClusterTests, ...infraMachineTests, ...bootstrapCrdTests, ...bootstrapTests, ...withCoreTests, ...controlPlaneCrdTests, ...controlPlaneTests];
