// Shared pieces of the Cluster API suite: the typed test constructor, spec references to the
// provider contract pages, the capability sets tests require.
import { defineTest, type SpecReference, type TestContext, type TestDefinition } from '../../src/core/test.js';
import { CapiCapability } from '../../src/interfaces/capi/capabilities.js';
import type { CapiEnv } from '../../src/interfaces/capi/env.js';
import { CONTRACTS, type Contract, type ContractVersion } from '../../src/interfaces/capi/contract.js';

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

/** The book's contract pages of release 1.10, the last to define the v1beta1 contract. */
export const V1BETA1_CONTRACTS_URL = 'https://github.com/kubernetes-sigs/cluster-api/blob/release-1.10/docs/book/src/developer/providers/contracts';

/**
 * One contract's view of the suite: each test body is written once and made for both contracts,
 * with the contract's field paths (`c`), its profile's capabilities, its ids and its spec pages.
 * v1beta2 tests keep their ids; a v1beta1 variant is `capi.v1beta1.…` and says so in its title.
 */
export interface ContractSuite {
  readonly c: Contract;
  readonly INFRA: readonly string[];
  readonly BOOTSTRAP: readonly string[];
  readonly WITH_CORE: readonly string[];
  /** The test id for this contract: the v1beta2 id, or its v1beta1 variant. */
  id(v1beta2: string): string;
  title(title: string): string;
  spec(page: ContractPage, section: string, rule: string): SpecReference;
}

/** The v1beta1 variants whose rule has another name under that contract. */
const V1BETA1_RENAMED: Readonly<Record<string, string>> = {
  'capi.infra.cluster.provisioned-with-endpoint': 'capi.v1beta1.infra.cluster.ready-with-endpoint',
  'capi.infra.machine.provisioned': 'capi.v1beta1.infra.machine.ready',
};

/** The id of a test's v1beta1 variant: `capi.v1beta1.…`, renamed where the v1beta1 rule has another name. */
export const v1beta1Id = (id: string) => V1BETA1_RENAMED[id] ?? id.replace(/^capi\./, 'capi.v1beta1.');

export const CONTRACT_SUITES: Readonly<Record<ContractVersion, ContractSuite>> = {
  v1beta2: { c: CONTRACTS.v1beta2, INFRA, BOOTSTRAP, WITH_CORE, id: (id) => id, title: (t) => t, spec },
  v1beta1: {
    c: CONTRACTS.v1beta1,
    INFRA: [CapiCapability.infrastructureV1beta1, CapiCapability.coreApi],
    BOOTSTRAP: [CapiCapability.bootstrapV1beta1, CapiCapability.coreApi],
    WITH_CORE: [CapiCapability.infrastructureV1beta1, CapiCapability.bootstrapV1beta1, CapiCapability.core, CapiCapability.coreApi],
    id: (id) => v1beta1Id(id),
    title: (t) => `${t} (contract v1beta1)`,
    spec: (page, section, rule) => ({ ...spec(page, section, rule), url: page === 'clusterctl' || page === 'overview' ? `${CONTRACTS_URL}/${page}.md` : `${V1BETA1_CONTRACTS_URL}/${page}.md` }),
  },
};
