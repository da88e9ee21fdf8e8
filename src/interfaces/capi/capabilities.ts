// Capabilities of a Cluster API management cluster, discovered once per run (session.ts): which
// providers are under test (their CRDs found), whether core's CRDs are there and its controllers run.
import type { CapabilityInfo, ProfileDefinition } from '../../core/plugin.js';

export const CapiCapability = {
  /** An infrastructure provider of the v1beta2 contract is under test: its InfraCluster and InfraMachine CRDs were found. */
  infrastructure: 'infrastructure-provider',
  /** A bootstrap provider of the v1beta2 contract is under test: its config CRD was found. */
  bootstrap: 'bootstrap-provider',
  /** A control-plane provider is under test: its ControlPlane CRD was found. */
  controlPlane: 'control-plane-provider',
  /** The ControlPlane's schema has spec.machineTemplate: its instances are Cluster API Machines. */
  controlPlaneMachines: 'control-plane-machines',
  /** The ControlPlane's schema has spec.replicas or the CRD a scale subresource: it has a number of instances. */
  controlPlaneReplicas: 'control-plane-replicas',
  /** The ControlPlane's schema has spec.version: it manages the Kubernetes version. */
  controlPlaneVersion: 'control-plane-version',
  /** A <Kind>Template CRD is there in the ControlPlane's group: the provider supports ClusterClass. */
  controlPlaneTemplate: 'control-plane-template',
  /** An infrastructure provider whose CRDs are labelled for the v1beta1 contract only. */
  infrastructureV1beta1: 'infrastructure-provider-v1beta1',
  /** A bootstrap provider whose CRDs are labelled for the v1beta1 contract only. */
  bootstrapV1beta1: 'bootstrap-provider-v1beta1',
  /** Core's controllers run: a probe Cluster got core's finalizer. */
  core: 'core-controllers',
  /** The Cluster API core CRDs (Cluster, Machine …) are installed. */
  coreApi: 'core-api',
  /** The provider's cloud can be listed (the embedded reference's in-memory cloud). */
  cloudInventory: 'cloud-inventory',
} as const;

export const capiCapabilityCatalog: readonly CapabilityInfo[] = [
  { name: CapiCapability.infrastructure, kind: 'claim', description: 'an infrastructure provider of the v1beta2 contract is under test (--infrastructure names kinds whose CRDs exist and carry the cluster.x-k8s.io/v1beta2 label, or no contract label; embedded: the reference provider)' },
  { name: CapiCapability.bootstrap, kind: 'claim', description: 'a bootstrap provider of the v1beta2 contract is under test (--bootstrap names a kind whose CRD exists and carries the cluster.x-k8s.io/v1beta2 label, or no contract label; embedded: the reference provider)' },
  { name: CapiCapability.infrastructureV1beta1, kind: 'claim', description: 'an infrastructure provider of the deprecated v1beta1 contract is under test (its CRDs carry the cluster.x-k8s.io/v1beta1 label and not cluster.x-k8s.io/v1beta2; embedded: --contract v1beta1)' },
  { name: CapiCapability.bootstrapV1beta1, kind: 'claim', description: 'a bootstrap provider of the deprecated v1beta1 contract is under test (its CRDs carry the cluster.x-k8s.io/v1beta1 label and not cluster.x-k8s.io/v1beta2; embedded: --contract v1beta1)' },
  { name: CapiCapability.controlPlane, kind: 'claim', description: 'a control-plane provider is under test (--control-plane names a kind whose CRD exists; embedded: the reference ConformalControlPlane)' },
  { name: CapiCapability.controlPlaneMachines, kind: 'feature', description: "the ControlPlane's CRD schema has spec.machineTemplate: each instance is a Cluster API Machine" },
  { name: CapiCapability.controlPlaneReplicas, kind: 'feature', description: "the ControlPlane's CRD schema has spec.replicas, or the CRD a scale subresource: the control plane has a number of instances" },
  { name: CapiCapability.controlPlaneVersion, kind: 'feature', description: "the ControlPlane's CRD schema has spec.version: the provider manages the Kubernetes version" },
  { name: CapiCapability.controlPlaneTemplate, kind: 'feature', description: 'a <ControlPlane>Template CRD is installed in the ControlPlane\'s group: the provider supports ClusterClass' },
  { name: CapiCapability.core, kind: 'claim', description: "Cluster API core controllers run in the cluster (a probe Cluster got core's finalizer)" },
  { name: CapiCapability.coreApi, kind: 'environment', description: 'the Cluster API core CRDs (clusters, machines … in cluster.x-k8s.io) are installed' },
  { name: CapiCapability.cloudInventory, kind: 'feature', description: "what the provider made in its cloud can be listed (the embedded reference's in-memory cloud)" },
];

export const capiProfiles: readonly ProfileDefinition[] = [
  { name: 'infrastructure', description: 'an infrastructure provider against the v1beta2 InfraCluster and InfraMachine contract', claimedBy: [CapiCapability.infrastructure] },
  { name: 'bootstrap', description: 'a bootstrap provider against the v1beta2 BootstrapConfig contract', claimedBy: [CapiCapability.bootstrap] },
  {
    name: 'with-core',
    description: 'the providers driven through Cluster API core: MachineDeployments scale and Clusters delete with everything they own',
    claimedBy: [CapiCapability.infrastructure, CapiCapability.bootstrap, CapiCapability.core],
  },
  // A ControlPlane is driven over an infrastructure provider under test: its Cluster needs provisioned
  // infrastructure and an endpoint, and machine-based control planes clone its InfraMachineTemplate.
  {
    name: 'control-plane',
    description: 'a control-plane provider against the v1beta2 ControlPlane contract, over an infrastructure provider under test',
    claimedBy: [CapiCapability.controlPlane, CapiCapability.infrastructure],
  },
  {
    name: 'control-plane-with-core',
    description: "the control-plane provider driven through Cluster API core: the Cluster surfaces the control plane's initialization",
    claimedBy: [CapiCapability.controlPlane, CapiCapability.infrastructure, CapiCapability.core],
  },
  { name: 'infrastructure-v1beta1', description: 'an infrastructure provider against the deprecated v1beta1 InfraCluster and InfraMachine contract (status.ready, failure domains as a map, terminal failures)', claimedBy: [CapiCapability.infrastructureV1beta1] },
  { name: 'bootstrap-v1beta1', description: 'a bootstrap provider against the deprecated v1beta1 BootstrapConfig contract (status.ready and status.dataSecretName)', claimedBy: [CapiCapability.bootstrapV1beta1] },
  {
    name: 'with-core-v1beta1',
    description: 'v1beta1-contract providers driven through Cluster API core, which reads them through its compatibility layer',
    claimedBy: [CapiCapability.infrastructureV1beta1, CapiCapability.bootstrapV1beta1, CapiCapability.core],
  },
];
