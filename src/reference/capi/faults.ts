// Fault-injected variants of the reference Cluster API providers and core controllers. Each is one
// small, realistic deviation from the provider contract, so a project test can prove the capi
// suite notices it. The controllers ask `faulty(name)` at the one place the deviation lives.
import { UsageError } from '../../core/errors.js';

const FAULTS = {
  // infrastructure provider
  'acts-before-owner': 'The infrastructure and bootstrap providers reconcile objects that have no owner reference yet.',
  'provisioned-before-endpoint': 'The InfraCluster reports status.initialization.provisioned before spec.controlPlaneEndpoint is set.',
  'v1beta1-fields': 'The InfraCluster reports the v1beta1 shapes: status.ready, failure domains as a map, failureReason, and conditions without reason.',
  'ignores-pause': 'The infrastructure provider goes on reconciling while the Cluster or the object is paused.',
  'keeps-finalizer': 'Deleting an InfraCluster or InfraMachine releases the cloud resources but leaves the finalizer on.',
  'leaks-cloud-machine': 'Deleting an InfraMachine removes its finalizer without deleting the machine in the cloud.',
  'hot-loop': 'Every reconcile of a provisioned infrastructure object rewrites its status with a new timestamp and requeues it.',
  'finalizer-added-once': 'The provider finalizer is added on the first reconcile only: once stripped it never comes back.',
  'provider-id-changes': "An InfraMachine's spec.providerID is minted again on the reconcile after it was provisioned.",
  'ignores-failure-domain': "The InfraMachine ignores the Machine's spec.failureDomain and reports none.",
  'mutable-template': 'InfraMachines follow their InfraMachineTemplate: a template change is written into existing clones.',
  'no-bootstrap-wait': "The InfraMachine is provisioned without waiting for the Machine's bootstrap data secret.",
  'bad-address-type': 'InfraMachine addresses use the type "IP", which is not one of the contract\'s address types.',
  // CRDs
  'wrong-contract-label': 'The provider CRDs carry cluster.x-k8s.io/v1beta2: v1beta1, a version they do not serve.',
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
  // core controllers
  'no-node-ref': 'The core Machine controller never sets status.nodeRef, so Machines stay Provisioned.',
  'no-deletion-cascade': "Deleting a Cluster removes its finalizer without deleting the Cluster's MachineDeployments and Machines.",
  'owner-refs-once': 'The core controllers set owner references when they create an object, never again.',
  'core-ignores-control-plane': "The core Cluster controller never surfaces the control plane's initialization on the Cluster.",
} as const satisfies Record<string, string>;

export type CapiFaultName = keyof typeof FAULTS;

export const CAPI_FAULTS: readonly { name: CapiFaultName; description: string }[] = Object.entries(FAULTS).map(([name, description]) => ({
  name: name as CapiFaultName,
  description,
}));

/** The predicate the controllers consult; an unknown name is a UsageError. */
export function capiFaultPredicate(fault: string | undefined): (name: CapiFaultName) => boolean {
  if (fault !== undefined && !(fault in FAULTS)) {
    throw new UsageError(`unknown capi fault "${fault}"; known: ${Object.keys(FAULTS).join(', ')}`, { field: '--reference-fault' });
  }
  return (name) => name === fault;
}
