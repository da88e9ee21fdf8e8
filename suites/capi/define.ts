// Shared pieces of the Cluster API suite: the typed test constructor, spec references to the
// provider contract pages, the capability sets tests require.
import { defineTest, type SpecReference, type TestContext, type TestDefinition } from '../../src/core/test.js';
import { CapiCapability } from '../../src/interfaces/capi/capabilities.js';
import type { CapiEnv } from '../../src/interfaces/capi/env.js';

export type CapiTest = TestDefinition<CapiEnv>;
export type CapiContext = TestContext<CapiEnv>;

/** The contract pages of the Cluster API book, release 1.14 (contract v1beta2). */
export const CONTRACTS_URL = 'https://github.com/kubernetes-sigs/cluster-api/blob/release-1.14/docs/book/src/developer/providers/contracts';
export const E2E_FRAMEWORK_URL = 'https://github.com/kubernetes-sigs/cluster-api/blob/release-1.14/test/framework';

export function capiTest(definition: CapiTest): CapiTest {
  return defineTest<CapiEnv>(definition);
}

export type ContractPage = 'infra-cluster' | 'infra-machine' | 'bootstrap-config' | 'control-plane' | 'overview' | 'clusterctl';

/** A spec reference: the contract page, its rule heading and the rule in a few words. */
export function spec(page: ContractPage, section: string, rule: string): SpecReference {
  return { section: `${page}.md ${section}`, rule, url: `${CONTRACTS_URL}/${page}.md` };
}

export function e2eSpec(check: string, rule: string, path: string): SpecReference {
  return { section: `test/framework ${check}`, rule, url: `${E2E_FRAMEWORK_URL}/${path}` };
}

export const INFRA = [CapiCapability.infrastructure, CapiCapability.coreApi] as const;
export const BOOTSTRAP = [CapiCapability.bootstrap, CapiCapability.coreApi] as const;
export const CONTROL_PLANE = [CapiCapability.controlPlane, CapiCapability.infrastructure, CapiCapability.coreApi] as const;
export const CONTROL_PLANE_WITH_CORE = [...CONTROL_PLANE, CapiCapability.core] as const;
export const WITH_CORE = [CapiCapability.infrastructure, CapiCapability.bootstrap, CapiCapability.core, CapiCapability.coreApi] as const;
