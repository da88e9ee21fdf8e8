// The two provider contracts a Cluster API core of today accepts: v1beta2 (CAPI v1.11 on) and the
// deprecated v1beta1 (CAPI v1.0 – v1.10, still read by core through its compatibility layer until
// v1.16). Where they put the same facts: the ready signals, failure domains, the CRD label. Shared
// by discovery, the suite (one test body per rule, parameterised by these paths) and the reference.
import { CORE_GROUP, type CapiObject } from './well-known.js';

export const CONTRACT_VERSIONS = ['v1beta2', 'v1beta1'] as const;
export type ContractVersion = (typeof CONTRACT_VERSIONS)[number];

/** One failure domain, whichever shape the contract writes it in. */
export interface FailureDomain {
  readonly name: string;
  readonly controlPlane?: boolean;
  readonly attributes?: Record<string, string>;
}

export interface Contract {
  readonly version: ContractVersion;
  /** CRD label naming, underscore-separated, the CRD versions that implement this contract. */
  readonly label: string;
  /** The field an InfraCluster or InfraMachine sets once provisioned. */
  readonly infraReadyField: string;
  readonly infraReady: (o: CapiObject | undefined) => boolean;
  /** The field a BootstrapConfig sets once its data Secret exists. */
  readonly bootstrapReadyField: string;
  readonly bootstrapReady: (o: CapiObject | undefined) => boolean;
  /** status.failureDomains as this contract writes them: a list (v1beta2) or a map name → spec (v1beta1). */
  readonly failureDomainShape: 'list' | 'map';
}

const provisioned = (o: CapiObject | undefined) => o?.status?.initialization?.provisioned === true;
const statusReady = (o: CapiObject | undefined) => o?.status?.ready === true;

export const CONTRACTS: Readonly<Record<ContractVersion, Contract>> = {
  v1beta2: {
    version: 'v1beta2',
    label: `${CORE_GROUP}/v1beta2`,
    infraReadyField: 'status.initialization.provisioned',
    infraReady: provisioned,
    bootstrapReadyField: 'status.initialization.dataSecretCreated',
    bootstrapReady: (o) => o?.status?.initialization?.dataSecretCreated === true,
    failureDomainShape: 'list',
  },
  v1beta1: {
    version: 'v1beta1',
    label: `${CORE_GROUP}/v1beta1`,
    infraReadyField: 'status.ready',
    infraReady: statusReady,
    bootstrapReadyField: 'status.ready',
    bootstrapReady: statusReady,
    failureDomainShape: 'map',
  },
};

/**
 * The contract a provider implements, read from its CRDs' labels as core reads it: v1beta2 when
 * any CRD carries the v1beta2 label, else v1beta1 when any carries the v1beta1 label. A provider
 * with neither is judged as v1beta2, whose contract-label test then names the missing label.
 */
export function contractOfLabels(labels: ReadonlyArray<Readonly<Record<string, string>>>): ContractVersion {
  if (labels.some((l) => l[CONTRACTS.v1beta2.label] !== undefined)) return 'v1beta2';
  if (labels.some((l) => l[CONTRACTS.v1beta1.label] !== undefined)) return 'v1beta1';
  return 'v1beta2';
}

/** The failure domains an InfraCluster reports, read in either shape (undefined when it reports none or an unreadable shape). */
export function failureDomainsOf(o: CapiObject | undefined): FailureDomain[] | undefined {
  const domains = o?.status?.failureDomains;
  if (Array.isArray(domains)) return domains.filter((d) => typeof d?.name === 'string') as FailureDomain[];
  if (domains && typeof domains === 'object') return Object.entries(domains as Record<string, Omit<FailureDomain, 'name'>>).map(([name, d]) => ({ name, ...d }));
  return undefined;
}
