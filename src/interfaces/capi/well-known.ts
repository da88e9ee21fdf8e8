// Names the Cluster API provider contract fixes (contract v1beta2): labels, annotations, core
// finalizers, the core group. Shared by the suite, the plugin and the reference.
import type { ObjectMeta, OwnerReference } from '../../kube/types.js';

export type { OwnerReference };

export const CORE_GROUP = 'cluster.x-k8s.io';
export const CONTRACT = 'v1beta2';
/** CRD label naming, underscore-separated, the CRD versions that implement the contract. */
export const CONTRACT_LABEL = `${CORE_GROUP}/${CONTRACT}`;
/** CRD label clusterctl uses to find what to move and upgrade. */
export const CLUSTERCTL_LABEL = 'clusterctl.cluster.x-k8s.io';
/** CRD label `<type>-<name>` of the provider that ships the CRD. */
export const PROVIDER_LABEL = `${CORE_GROUP}/provider`;
export const CLUSTER_NAME_LABEL = `${CORE_GROUP}/cluster-name`;
export const SET_NAME_LABEL = `${CORE_GROUP}/set-name`;
export const DEPLOYMENT_NAME_LABEL = `${CORE_GROUP}/deployment-name`;
/** Machine label of a control plane Machine. */
export const CONTROL_PLANE_LABEL = `${CORE_GROUP}/control-plane`;
/** spec.version of the Machines the suite makes itself (a bootstrap provider may choose its data's format by it). */
export const MACHINE_KUBERNETES_VERSION = 'v1.32.13';
export const PAUSED_ANNOTATION = `${CORE_GROUP}/paused`;
export const CLONED_FROM_NAME = `${CORE_GROUP}/cloned-from-name`;
export const CLONED_FROM_KIND = `${CORE_GROUP}/cloned-from-groupkind`;
/** Type of the Secrets Cluster API reads (bootstrap data, kubeconfig). */
export const CAPI_SECRET_TYPE = `${CORE_GROUP}/secret`;

export const CoreFinalizer = {
  cluster: 'cluster.cluster.x-k8s.io',
  machine: 'machine.cluster.x-k8s.io',
  machineSet: 'cluster.x-k8s.io/machineset',
  machineDeployment: 'cluster.x-k8s.io/machinedeployment',
} as const;

/** The Secret of a Cluster's kubeconfig, written by its control-plane provider. */
export const kubeconfigSecretName = (cluster: string) => `${cluster}-kubeconfig`;
/** A cluster certificate's Secret, `<cluster>-<certificate>`. */
export const certificateSecretName = (cluster: string, certificate: string) => `${cluster}-${certificate}`;
/** The certificate names the contract calls common. */
export const COMMON_CERTIFICATES = ['ca', 'etcd', 'proxy', 'sa'] as const;

/** Machine phases in the order a healthy Machine walks them. */
export const MACHINE_PHASES = ['Pending', 'Provisioning', 'Provisioned', 'Running'] as const;

/** A kind of a CRD the suite talks to: enough for REST paths and references. */
export interface KindRef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
}

export const apiVersionOf = (k: KindRef) => `${k.group}/${k.version}`;

export const CoreKinds = {
  cluster: { group: CORE_GROUP, version: 'v1beta2', kind: 'Cluster', plural: 'clusters' },
  machine: { group: CORE_GROUP, version: 'v1beta2', kind: 'Machine', plural: 'machines' },
  machineSet: { group: CORE_GROUP, version: 'v1beta2', kind: 'MachineSet', plural: 'machinesets' },
  machineDeployment: { group: CORE_GROUP, version: 'v1beta2', kind: 'MachineDeployment', plural: 'machinedeployments' },
} as const satisfies Record<string, KindRef>;

/** A Cluster API object as the suite and the reference read it: plain JSON, free-form spec and status. */
export interface CapiObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta & { name: string };
  spec?: Record<string, any>;
  status?: Record<string, any>;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export const ownerOfKind = (o: CapiObject, kind: string) => o.metadata.ownerReferences?.find((r) => r.kind === kind);
export const conditionOf = (o: CapiObject | undefined, type: string): Condition | undefined => (o?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
