// Fault-injected variants of the reference Cluster API providers and core controllers. Each is one
// small, realistic deviation from the provider contract, so a project test can prove the capi
// suite notices it. The controllers ask `faulty(name)` at the one place the deviation lives.
import { UsageError } from '../../core/errors.js';
import type { ContractVersion } from '../../interfaces/capi/contract.js';

const FAULTS = {
  // infrastructure provider
  'acts-before-owner': 'The infrastructure and bootstrap providers reconcile objects that have no owner reference yet.',
  'provisioned-before-endpoint': 'The InfraCluster reports itself provisioned (status.initialization.provisioned; status.ready under --contract v1beta1) before spec.controlPlaneEndpoint is set.',
  'v1beta1-fields': 'The InfraCluster reports the v1beta1 shapes: status.ready, failure domains as a map, failureReason, and conditions without reason.',
  'ignores-pause': 'The infrastructure provider goes on reconciling while the Cluster or the object is paused.',
  'keeps-finalizer': 'Deleting an InfraCluster or InfraMachine releases the cloud resources but leaves the finalizer on.',
  'leaks-cloud-machine': 'Deleting an InfraMachine removes its finalizer without deleting the machine in the cloud.',
  'hot-loop': 'Every reconcile of a provisioned infrastructure object rewrites its status with a new timestamp and requeues it.',
  'finalizer-added-once': 'The provider finalizer is added on the first reconcile only: once stripped it never comes back.',
  'provider-id-changes': "An InfraMachine's spec.providerID is minted again on the reconcile after it was provisioned.",
  'ignores-failure-domain': "The InfraMachine ignores the Machine's spec.failureDomain: it is placed in, and reports, the last failure domain of the cluster.",
  'mutable-template': 'InfraMachines follow their InfraMachineTemplate: a template change is written into existing clones.',
  'no-bootstrap-wait': "The InfraMachine is provisioned without waiting for the Machine's bootstrap data secret.",
  'bad-address-type': 'InfraMachine addresses use the type "IP", which is not one of the contract\'s address types.',
  // contract v1beta1 only (--contract v1beta1)
  'v1beta2-fields': 'The v1beta1-contract providers report readiness in the v1beta2 fields (status.initialization.provisioned, dataSecretCreated), never status.ready.',
  'failure-domains-list': 'The v1beta1-contract InfraCluster reports its failure domains as the v1beta2 list, not the v1beta1 map.',
  'transient-failure-reason': 'While the cloud makes them, the v1beta1-contract InfraCluster and InfraMachine report status.failureReason (without failureMessage), cleared once ready: a transient error reported as terminal.',
  'condition-severity-on-true': 'The v1beta1-contract InfraCluster reports its Ready condition True with severity Error and no lastTransitionTime.',
  // CRDs
  'wrong-contract-label': "The provider CRDs' contract label (cluster.x-k8s.io/v1beta2, or v1beta1 under --contract v1beta1) names v1beta1, a version they do not serve.",
  'no-clusterctl-label': 'The provider CRDs lack the clusterctl.cluster.x-k8s.io label.',
  // bootstrap provider
  'data-secret-nowhere': 'The bootstrap config reports a status.dataSecretName no Secret has.',
  'bootstrap-secret-format': 'The bootstrap data Secret keeps its data under "userdata", not "value", and lacks the cluster-name label.',
  // control-plane provider
  'cp-acts-before-owner': 'The control-plane provider reconciles a ConformalControlPlane that no Cluster owns yet.',
  'cp-never-initialized': 'The control plane never reports status.initialization.controlPlaneInitialized, though its Machines run.',
  'cp-initialized-early': "The control plane reports controlPlaneInitialized as soon as it exists, without waiting for the Cluster's endpoint or a Machine.",
  'cp-kubeconfig-format': 'The kubeconfig Secret is of type Opaque and keeps the kubeconfig under "kubeconfig", not "value".',
  'cp-replicas-ignore-spec': 'The control plane keeps the number of Machines it first made: a later spec.replicas (the scale subresource) is ignored.',
  'cp-no-version-status': 'The control plane reports neither status.version nor status.versions.',
  'cp-machines-unlabelled': 'Control-plane Machines are created without the cluster.x-k8s.io/control-plane label.',
  'cp-ignores-pause': 'The control-plane provider goes on reconciling while the Cluster or the ControlPlane is paused.',
  'cp-keeps-finalizer': 'Deleting a ConformalControlPlane deletes its Machines but leaves its finalizer on.',
  'cp-v1beta1-conditions': 'The control plane reports v1beta1 shapes: status.ready, and conditions with severity and no reason.',
  'cp-hot-loop': 'Every reconcile of an initialized control plane rewrites its status with a new timestamp and requeues it.',
  'cp-finalizer-once': 'The control-plane finalizer is added on the first reconcile only: once stripped it never comes back.',
  'cp-certificates-format': 'The cluster certificate Secret <cluster>-ca is of type kubernetes.io/tls and lacks the cluster-name label.',
  'cp-ignores-failure-domains': "Every control-plane Machine is placed in the Cluster's first failure domain, none spread over the others flagged controlPlane.",
  'cp-metadata-not-in-place': "A change of spec.machineTemplate's labels, annotations or deletion timeouts reaches new control-plane Machines only, never the existing ones.",
  'cp-template-flat': 'The ConformalControlPlaneTemplate CRD keeps the ControlPlane spec fields straight under spec, with no spec.template{metadata, spec}: a template written for ClusterClass is pruned.',
  // core controllers
  'no-node-ref': 'The core Machine controller never sets status.nodeRef, so Machines stay Provisioned.',
  'no-deletion-cascade': "Deleting a Cluster removes its finalizer without deleting the Cluster's MachineDeployments and Machines.",
  'owner-refs-once': 'The core controllers set owner references when they create an object, never again.',
  'core-ignores-control-plane': "The core Cluster controller never surfaces the control plane's initialization on the Cluster.",
  'no-control-plane-cascade': "Deleting a Cluster removes its workers and infrastructure, then its finalizer, without deleting its control plane.",
  'cp-owner-ref-once': "The core Cluster controller sets the ControlPlane's owner reference once: stripped, it is not rebuilt.",
} as const satisfies Record<string, string>;

export type CapiFaultName = keyof typeof FAULTS;

/** Faults that only make sense for one contract of the reference (the others apply to both). */
const FAULT_CONTRACT: Partial<Record<CapiFaultName, ContractVersion>> = {
  'v1beta1-fields': 'v1beta2',
  'v1beta2-fields': 'v1beta1',
  'failure-domains-list': 'v1beta1',
  'transient-failure-reason': 'v1beta1',
  'condition-severity-on-true': 'v1beta1',
};

/** The contract a fault needs the reference to serve, if only one. */
export const faultContract = (fault: string): ContractVersion | undefined => FAULT_CONTRACT[fault as CapiFaultName];

export const CAPI_FAULTS: readonly { name: CapiFaultName; description: string }[] = Object.entries(FAULTS).map(([name, description]) => ({
  name: name as CapiFaultName,
  description,
}));

/** The predicate the controllers consult; an unknown name is a UsageError. */
export function capiFaultPredicate(fault: string | undefined, contract: ContractVersion = 'v1beta2'): (name: CapiFaultName) => boolean {
  if (fault !== undefined && !(fault in FAULTS)) {
    throw new UsageError(`unknown capi fault "${fault}"; known: ${Object.keys(FAULTS).join(', ')}`, { field: '--reference-fault' });
  }
  const needs = fault === undefined ? undefined : faultContract(fault);
  if (needs && needs !== contract) throw new UsageError(`--reference-fault ${fault} applies to the contract ${needs} reference only; this one serves ${contract} (--contract)`, { field: '--reference-fault' });
  return (name) => name === fault;
}
