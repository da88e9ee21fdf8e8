// What every capi test receives as ctx.env.
import type { TemplateMeta } from './validate.js';
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { KindRef } from './well-known.js';
import type { ContractVersion } from './contract.js';

/** A provider CRD as the suite checks it. */
export interface CrdInfo {
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly servedVersions: readonly string[];
}

export interface ProviderKinds {
  /** The contract the provider's CRDs are labelled for (discovery.ts, contract.ts). */
  readonly contract: ContractVersion;
  readonly kinds: readonly KindRef[];
  readonly crds: readonly CrdInfo[];
}

export interface InfraUnderTest extends ProviderKinds {
  readonly cluster: KindRef;
  readonly machine: KindRef;
  readonly machineTemplate?: KindRef;
  readonly clusterSpec: Readonly<Record<string, unknown>>;
  readonly machineSpec: Readonly<Record<string, unknown>>;
  /** Labels and annotations of the --cluster-template / --machine-template objects, kept on what is made from them. */
  readonly clusterMeta: TemplateMeta;
  readonly machineMeta: TemplateMeta;
}

export interface BootstrapUnderTest extends ProviderKinds {
  readonly config: KindRef;
  readonly spec: Readonly<Record<string, unknown>>;
}

/** What a ControlPlane's CRD declares (schema properties, scale subresource): the contract's optional parts it takes on. */
export interface ControlPlaneShape {
  /** spec.machineTemplate: instances are Cluster API Machines. */
  readonly machines: boolean;
  /** spec.replicas (or a scale subresource): a number of instances. */
  readonly replicas: boolean;
  /** spec.version: the provider manages the Kubernetes version. */
  readonly version: boolean;
  /** The CRD's scale subresource as served, if any. */
  readonly scale?: { readonly specReplicasPath?: string; readonly statusReplicasPath?: string; readonly labelSelectorPath?: string };
}

export interface ControlPlaneUnderTest extends ProviderKinds {
  readonly controlPlane: KindRef;
  /** The <Kind>Template CRD in the ControlPlane's group, if the provider ships one (ClusterClass support). */
  readonly template?: KindRef;
  readonly shape: ControlPlaneShape;
  readonly spec: Readonly<Record<string, unknown>>;
  /** Labels and annotations of a whole-object --control-plane-template. */
  readonly meta: TemplateMeta;
}

export interface CapiEnv {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly runId: string;
  readonly embedded: boolean;
  readonly infra?: InfraUnderTest;
  readonly bootstrap?: BootstrapUnderTest;
  readonly controlPlane?: ControlPlaneUnderTest;
  /** Core's controllers run: conformal leaves to them what core does (owner refs, status surfacing). */
  readonly coreRunning: boolean;
  /** The provider's cloud, listable for the embedded reference: "namespace/name" of what it made. */
  readonly inventory?: () => { clusters: string[]; machines: string[] };
}
