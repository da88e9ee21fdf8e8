// The Cluster API rule ledger: every MUST/SHOULD of the v1beta2 provider contract pages (infra
// cluster, infra machine, bootstrap config, control plane, clusterctl) and the resilience checks
// of CAPI's own e2e framework, in short form, each with the tests that check it or why none can.
import type { RuleLedger, SpecRule } from '../../../src/core/rules.js';
import { v1beta1Id } from '../define.js';

const IC = 'infra-cluster.md';
const IM = 'infra-machine.md';
const BC = 'bootstrap-config.md';
const CP = 'control-plane.md';
const CC = 'clusterctl.md';
const E2E = 'test/framework';
const installTime = (what: string) => `${what} is a property of the provider's release artefacts (components YAML, metadata.yaml), which a run against a management cluster does not see`;

const common: SpecRule[] = [
  { id: 'capi.common.namespaced-crds', section: 'overview: all resources', level: 'MUST', text: 'Provider resources are namespace-scoped CRDs with TypeMeta, ObjectMeta and a <Kind>List type.', tests: ['capi.infra.cluster.provisioned-with-endpoint', 'capi.bootstrap.data-secret'] },
  { id: 'capi.common.crd-name', section: `${CC} CRD names`, level: 'MUST', text: 'The CRD name is the pluralised lower-case kind + "." + group.', tests: ['capi.infra.crd.clusterctl', 'capi.bootstrap.crd.clusterctl'] },
  { id: 'capi.common.contract-label', section: 'API version labels', level: 'MUST', text: 'CRDs carry cluster.x-k8s.io/<contract>: <version>[_<version>], every listed version served.', tests: ['capi.infra.crd.contract-label', 'capi.bootstrap.crd.contract-label'] },
  { id: 'capi.common.contract-matches-metadata', section: `${CC} metadata.yaml`, level: 'MUST', text: 'The contract in the label equals the contract metadata.yaml declares for the release series.', untestedBecause: installTime('metadata.yaml') },
  { id: 'capi.common.aggregate-clusterrole', section: 'RBAC', level: 'MUST', text: 'Outside *.cluster.x-k8s.io, ship a ClusterRole labelled cluster.x-k8s.io/aggregate-to-manager: "true" giving core read/write.', untestedBecause: 'core reaching the provider objects is checked by the with-core profile; the ClusterRole itself is an install artefact' },
  { id: 'capi.common.pause', section: 'Pausing', level: 'SHOULD', text: 'No reconciliation while Cluster spec.paused is true or the object has annotation cluster.x-k8s.io/paused.', tests: ['capi.infra.cluster.paused', 'capi.infra.cluster.paused-annotation', 'capi.infra.machine.paused'] },
  { id: 'capi.common.conditions', section: 'Conditions', level: 'SHOULD', text: 'status.conditions are metav1.Conditions: type, status, reason, message, lastTransitionTime, observedGeneration.', tests: ['capi.infra.cluster.conditions', 'capi.infra.machine.provisioned'] },
  { id: 'capi.common.no-terminal-failures', section: 'Terminal failures', level: 'MUST NOT', text: 'v1beta2 has no failureReason/failureMessage fields.', tests: ['capi.infra.cluster.conditions'] },
  { id: 'capi.common.watch-filter', section: 'Multiple instances', level: 'SHOULD', text: 'Support --namespace and --watch-filter (label cluster.x-k8s.io/watch-filter).', untestedBecause: 'flags of the provider process, set at install time' },
  { id: 'capi.common.status-rebuildable', section: 'Move', level: 'MUST', text: 'Status must be rebuildable from the environment: clusterctl move never restores status.', tests: ['capi.core.owner-references-restored'] },
];

const infraCluster: SpecRule[] = [
  { id: 'capi.infra-cluster.endpoint', section: `${IC} control plane endpoint`, level: 'MUST', text: 'spec.controlPlaneEndpoint {host (1-512), port (1-65535)} when the provider owns the endpoint.', tests: ['capi.infra.cluster.provisioned-with-endpoint'] },
  { id: 'capi.infra-cluster.failure-domains', section: `${IC} failure domains`, level: 'MUST', text: 'status.failureDomains is a list of {name (unique), controlPlane, attributes}, 1 to 100 entries.', tests: ['capi.infra.cluster.failure-domains'] },
  { id: 'capi.infra-cluster.provisioned', section: `${IC} initialization completed`, level: 'MUST', text: 'status.initialization.provisioned: true, surfaced with the endpoint and failure domains.', tests: ['capi.infra.cluster.provisioned-with-endpoint'] },
  { id: 'capi.infra-cluster.template', section: `${IC} InfraClusterTemplate`, level: 'MUST', text: 'A <Kind>Template with spec.template{metadata, spec} for ClusterClass.', untestedBecause: 'needed by ClusterClass only, which this suite does not drive yet' },
  { id: 'capi.infra-cluster.externally-managed', section: `${IC} externally managed infrastructure`, level: 'MUST', text: 'Skip objects marked cluster.x-k8s.io/managed-by.', untestedBecause: 'whether a provider supports externally managed infrastructure is optional and not discoverable' },
  { id: 'capi.infra-cluster.owner', section: `${IC} owner reference`, level: 'MUST', text: 'Core sets the owner reference to the Cluster; the provider acts only then.', tests: ['capi.infra.cluster.waits-for-owner'] },
  { id: 'capi.infra-cluster.finalizer', section: `${IC} finalizer`, level: 'MUST', text: 'The provider adds its finalizer and deletion cleans the infrastructure up before removing it.', tests: ['capi.infra.cluster.deletion', 'capi.infra.cluster.finalizer-restored'] },
];

const infraMachine: SpecRule[] = [
  { id: 'capi.infra-machine.provider-id', section: `${IM} provider ID`, level: 'MUST', text: "spec.providerID (1-512) equals the Node's spec.providerID and is stable once set.", tests: ['capi.infra.machine.provisioned', 'capi.infra.machine.provider-id-stable', 'capi.core.machine-deployment.scale'] },
  { id: 'capi.infra-machine.failure-domain', section: `${IM} failure domain`, level: 'SHOULD', text: "Honour the Machine's spec.failureDomain; report status.failureDomain.", tests: ['capi.infra.machine.failure-domain'] },
  { id: 'capi.infra-machine.addresses', section: `${IM} addresses`, level: 'SHOULD', text: 'status.addresses entries have type Hostname, ExternalIP, InternalIP, ExternalDNS or InternalDNS.', tests: ['capi.infra.machine.provisioned'] },
  { id: 'capi.infra-machine.provisioned', section: `${IM} initialization completed`, level: 'MUST', text: 'status.initialization.provisioned: true, with providerID, failure domain and addresses.', tests: ['capi.infra.machine.provisioned'] },
  { id: 'capi.infra-machine.wait', section: `${IM} initialization completed`, level: 'MUST', text: "Wait for the Cluster's infrastructure and the Machine's spec.bootstrap.dataSecretName before creating the machine.", tests: ['capi.infra.machine.waits-for-bootstrap-data'] },
  { id: 'capi.infra-machine.template', section: `${IM} InfraMachineTemplate`, level: 'MUST', text: 'An InfraMachineTemplate, cloned by core; existing clones are not rewritten from it.', tests: ['capi.infra.machine.template-clone-kept', 'capi.core.machine-deployment.scale'] },
  { id: 'capi.infra-machine.dry-run', section: `${IM} InfraMachineTemplate`, level: 'MUST', text: 'Webhooks skip immutability checks under annotation topology.cluster.x-k8s.io/dry-run.', untestedBecause: 'server-side-apply dry-run of templates matters to ClusterClass, which this suite does not drive yet' },
  { id: 'capi.infra-machine.owner', section: `${IM} owner reference`, level: 'MUST', text: 'Core sets the owner reference to the Machine; the provider acts only then.', tests: ['capi.infra.machine.waits-for-owner'] },
  { id: 'capi.infra-machine.finalizer', section: `${IM} finalizer`, level: 'MUST', text: 'Deletion removes the machine in the cloud before the finalizer goes.', tests: ['capi.infra.machine.deletion', 'capi.infra.machine.deletion-releases-cloud'] },
  { id: 'capi.infra-machine.pause', section: `${IM} pausing`, level: 'SHOULD', text: 'No reconciliation while the Cluster is paused.', tests: ['capi.infra.machine.paused'] },
  { id: 'capi.infra-machine.scale-from-zero', section: `${IM} scale from zero`, level: 'MAY', text: 'status.capacity and status.nodeInfo for autoscaling from zero.', untestedBecause: 'optional autoscaler data; no check of its values is possible without a cloud catalogue' },
  { id: 'capi.infra-machine.no-hot-loop', section: `${E2E} ValidateResourceVersionStable`, level: 'MUST NOT', text: 'A provisioned object is not rewritten while nothing changes.', tests: ['capi.infra.machine.no-hot-loop', 'capi.infra.cluster.no-hot-loop'] },
];

const bootstrap: SpecRule[] = [
  { id: 'capi.bootstrap.data-secret-name', section: `${BC} data secret`, level: 'MUST', text: 'status.dataSecretName (1-253) names the data Secret, whose name is deterministic.', tests: ['capi.bootstrap.data-secret'] },
  { id: 'capi.bootstrap.data-secret-format', section: `${BC} data secret`, level: 'MUST', text: 'The Secret has label cluster.x-k8s.io/cluster-name, a controller owner reference to the config and the key value.', tests: ['capi.bootstrap.secret-format'] },
  { id: 'capi.bootstrap.data-secret-created', section: `${BC} initialization completed`, level: 'MUST', text: 'status.initialization.dataSecretCreated: true once the Secret exists.', tests: ['capi.bootstrap.data-secret'] },
  { id: 'capi.bootstrap.owner', section: `${BC} owner reference`, level: 'MUST', text: 'Core sets the owner reference to the Machine; the provider acts only then.', tests: ['capi.bootstrap.waits-for-owner'] },
  { id: 'capi.bootstrap.template', section: `${BC} BootstrapConfigTemplate`, level: 'MUST', text: 'A BootstrapConfigTemplate, cloned by core for MachineDeployments.', tests: ['capi.core.machine-deployment.scale'] },
  { id: 'capi.bootstrap.sentinel', section: `${BC} sentinel file`, level: 'MAY', text: 'The bootstrap data writes /run/cluster-api/bootstrap-success.complete.', untestedBecause: 'a file inside the machine, not visible through the management cluster' },
  { id: 'capi.bootstrap.taint', section: `${BC} taint`, level: 'MAY', text: 'Nodes start with node.cluster.x-k8s.io/uninitialized:NoSchedule, removed by core.', untestedBecause: 'a taint on workload-cluster Nodes, written by the kubelet the bootstrap data configures' },
];

const controlPlane: SpecRule[] = [
  { id: 'capi.control-plane.crd', section: `${CP} ControlPlane, ControlPlaneList resource definition`, level: 'MUST', text: 'A ControlPlane CRD named by CalculateCRDName, labelled with the contract versions it serves.', tests: ['capi.control-plane.crd.contract-label', 'capi.control-plane.crd.clusterctl'] },
  { id: 'capi.control-plane.owner', section: `${CP} typical reconciliation workflow`, level: 'MUST', text: 'The provider acts on a ControlPlane only once it is owned by a Cluster.', tests: ['capi.control-plane.waits-for-owner'] },
  { id: 'capi.control-plane.endpoint', section: `${CP} endpoint`, level: 'MUST', text: "spec.controlPlaneEndpoint when the provider owns the endpoint; otherwise wait for the Cluster's.", tests: ['capi.control-plane.endpoint', 'capi.control-plane.cluster-initialized'] },
  { id: 'capi.control-plane.replicas', section: `${CP} replicas`, level: 'MUST', text: 'Where the control plane has a number of instances: spec.replicas, status selector and replica counts, and the scale subresource.', tests: ['capi.control-plane.replicas'] },
  { id: 'capi.control-plane.version', section: `${CP} version`, level: 'MUST', text: 'Where the provider manages the Kubernetes version: spec.version and status.version (or status.versions[]).', tests: ['capi.control-plane.version'] },
  { id: 'capi.control-plane.machines', section: `${CP} machines`, level: 'MUST', text: 'Machines representing instances carry cluster.x-k8s.io/control-plane: ""; spec.machineTemplate.spec.infrastructureRef.', tests: ['capi.control-plane.machines'] },
  { id: 'capi.control-plane.initialized', section: `${CP} initialization completed`, level: 'MUST', text: 'status.initialization.controlPlaneInitialized, surfaced by core on the Cluster with condition ControlPlaneInitialized.', tests: ['capi.control-plane.initialized', 'capi.control-plane.cluster-initialized'] },
  { id: 'capi.control-plane.kubeconfig', section: `${CP} cluster kubeconfig management`, level: 'MUST', text: 'Secret <cluster>-kubeconfig of type cluster.x-k8s.io/secret, label cluster.x-k8s.io/cluster-name, kubeconfig under value; client certificates short-lived.', tests: ['capi.control-plane.kubeconfig'] },
  { id: 'capi.control-plane.conditions', section: `${CP} conditions; terminal failures`, level: 'SHOULD', text: 'status.conditions are metav1.Conditions (Available mirrored into the Cluster); no v1beta1 failure fields.', tests: ['capi.control-plane.conditions'] },
  { id: 'capi.control-plane.pause', section: `${CP} pausing`, level: 'SHOULD', text: 'No reconciliation while Cluster spec.paused is true or the ControlPlane has annotation cluster.x-k8s.io/paused.', tests: ['capi.control-plane.paused', 'capi.control-plane.paused-annotation'] },
  { id: 'capi.control-plane.finalizer', section: `${CP} typical reconciliation workflow`, level: 'MUST', text: 'Deletion removes what the control plane made (its Machines) before its finalizer goes; a stripped finalizer comes back.', tests: ['capi.control-plane.deletion', 'capi.control-plane.finalizer-restored'] },
  { id: 'capi.control-plane.no-hot-loop', section: `${E2E} ValidateResourceVersionStable`, level: 'MUST NOT', text: 'An initialized ControlPlane is not rewritten while nothing changes.', tests: ['capi.control-plane.no-hot-loop'] },
  { id: 'capi.control-plane.certificates', section: `${CP} cluster certificate management`, level: 'MUST', text: 'Cluster certificates (the rule itself optional) are Secrets <cluster>-<certificate> (commonly ca, etcd, proxy, sa) in the Cluster namespace, of type cluster.x-k8s.io/secret with the cluster-name label.', tests: ['capi.control-plane.certificates'] },
  { id: 'capi.control-plane.placement', section: `${CP} machine placement`, level: 'SHOULD', text: "Machines are placed in the Cluster's status.failureDomains, spread across those flagged controlPlane.", tests: ['capi.control-plane.placement'] },
  { id: 'capi.control-plane.metadata-propagation', section: `${CP} metadata propagation; ControlPlane: machines`, level: 'MUST', text: "spec.machineTemplate's metadata propagates to the control-plane Machines; metadata and the deletion timeouts propagate without triggering rollouts.", tests: ['capi.control-plane.metadata-propagation'] },
  { id: 'capi.control-plane.min-ready-up-to-date', section: `${CP} MinReadySeconds and UpToDate propagation`, level: 'SHOULD', text: "Machines' spec.minReadySeconds and condition UpToDate are kept by the control plane; minReadySeconds propagates without a rollout.", untestedBecause: 'the contract names no ControlPlane field a test could set minReadySeconds through and lets a provider keep it at 0; the UpToDate condition is not checked yet' },
  { id: 'capi.control-plane.template', section: `${CP} ControlPlaneTemplate, ControlPlaneTemplateList resource definition`, level: 'MUST', text: 'For ClusterClass: a <ControlPlane>Template with its List kind and spec.template{metadata, spec}, cloned into each Cluster\'s ControlPlane.', tests: ['capi.control-plane.template.crd', 'capi.control-plane.template.clone'] },
  { id: 'capi.control-plane.in-place-updates', section: `${CP} in-place updates`, level: 'MAY', text: 'In-place updates through the CanUpdateMachine and UpdateMachine hooks.', untestedBecause: 'needs the runtime extension hooks, which this suite does not serve' },
];

const clusterctl: SpecRule[] = [
  { id: 'capi.clusterctl.labels', section: `${CC} labels`, level: 'MUST', text: 'Components carry cluster.x-k8s.io/provider=<type>-<name>; clusterctl adds clusterctl.cluster.x-k8s.io.', tests: ['capi.infra.crd.clusterctl', 'capi.bootstrap.crd.clusterctl'] },
  { id: 'capi.clusterctl.components', section: `${CC} components YAML`, level: 'MUST', text: 'One Namespace, namespaced objects inside it, a manager container, ${VAR} substitution.', untestedBecause: installTime('the components YAML') },
  { id: 'capi.clusterctl.owner-chain', section: `${CC} move`, level: 'MUST', text: 'Every provider object links directly or indirectly to a Cluster.', tests: ['capi.core.owner-references-restored'] },
];

const resilience: SpecRule[] = [
  { id: 'capi.e2e.owner-references', section: `${E2E} ValidateOwnerReferencesResilience`, level: 'MUST', text: 'Owner references stripped while paused are rebuilt after unpausing.', tests: ['capi.core.owner-references-restored'] },
  { id: 'capi.e2e.finalizers', section: `${E2E} ValidateFinalizersResilience`, level: 'MUST', text: 'Stripped finalizers come back.', tests: ['capi.core.finalizers-restored', 'capi.infra.cluster.finalizer-restored'] },
  { id: 'capi.e2e.deletion', section: `${E2E} ClusterDeletionSpec`, level: 'MUST', text: 'A deleted Cluster takes what it owns with it.', tests: ['capi.core.cluster.deletion-cascade'] },
  { id: 'capi.e2e.machine-phases', section: 'Machine phases', level: 'MUST', text: 'Machines walk Pending → Provisioning → Provisioned → Running, with status.nodeRef when Running.', tests: ['capi.core.machine-deployment.scale'] },
];

// The deprecated v1beta1 contract (book, release-1.10): where it differs from v1beta2. Every other
// rule is the same in both, and its v1beta1 tests are the same bodies (capi.v1beta1.…).
const V1 = 'v1beta1:';
const v1beta1: SpecRule[] = [
  { id: 'capi.v1beta1.contract-label', section: `${V1} API version labels`, level: 'MUST', text: 'CRDs carry cluster.x-k8s.io/v1beta1: <version>[_<version>], every listed version served.', tests: ['capi.v1beta1.infra.crd.contract-label', 'capi.v1beta1.bootstrap.crd.contract-label'] },
  { id: 'capi.v1beta1.infra-cluster.ready', section: `${V1} ${IC} initialization completed`, level: 'MUST', text: 'status.ready: true once the infrastructure is provisioned; core surfaces it with the endpoint and failure domains.', tests: ['capi.v1beta1.infra.cluster.ready-with-endpoint'] },
  { id: 'capi.v1beta1.infra-cluster.failure-domains', section: `${V1} ${IC} failure domains`, level: 'MUST', text: 'status.failureDomains is a map of unique names to {controlPlane, attributes}.', tests: ['capi.v1beta1.infra.cluster.failure-domains'] },
  { id: 'capi.v1beta1.conditions', section: `${V1} conditions`, level: 'SHOULD', text: 'status.conditions use the Cluster API condition type (severity only when False, lastTransitionTime); the v1beta2 ones may sit under status.v1beta2.conditions.', tests: ['capi.v1beta1.infra.cluster.conditions', 'capi.v1beta1.infra.machine.ready'] },
  { id: 'capi.v1beta1.terminal-failures', section: `${V1} terminal failures`, level: 'SHOULD', text: 'status.failureReason and status.failureMessage report, together, a failure that cannot be recovered; never a transitive error.', tests: ['capi.v1beta1.infra.cluster.terminal-failures', 'capi.v1beta1.infra.machine.terminal-failures'] },
  { id: 'capi.v1beta1.infra-machine.ready', section: `${V1} ${IM} initialization completed`, level: 'MUST', text: 'status.ready: true once the machine is provisioned, with spec.providerID set.', tests: ['capi.v1beta1.infra.machine.ready'] },
  { id: 'capi.v1beta1.infra-machine.failure-domain', section: `${V1} ${IM} failure domain`, level: 'MUST', text: "The InfraMachine is placed in the Machine's spec.failureDomain.", tests: ['capi.v1beta1.infra.machine.failure-domain'] },
  { id: 'capi.v1beta1.bootstrap.ready', section: `${V1} ${BC} initialization completed`, level: 'MUST', text: 'status.ready: true once the data Secret named by status.dataSecretName exists.', tests: ['capi.v1beta1.bootstrap.data-secret'] },
];

/** v1beta2 rules whose v1beta1 counterpart is written above (the tests' v1beta1 variants check that one). */
const V1BETA2_ONLY = new Set(['capi.common.contract-label', 'capi.common.conditions', 'capi.common.no-terminal-failures', 'capi.infra-cluster.failure-domains', 'capi.infra-cluster.provisioned', 'capi.infra-machine.failure-domain', 'capi.infra-machine.provisioned', 'capi.bootstrap.data-secret-created']);
/** A rule both contracts share is checked by each test's v1beta1 variant too. */
const bothContracts = (rule: SpecRule): SpecRule => (rule.tests && !V1BETA2_ONLY.has(rule.id) ? { ...rule, tests: [...rule.tests, ...rule.tests.map(v1beta1Id)] } : rule);

export const capiRuleLedger: RuleLedger = {
  source: 'Cluster API provider contracts v1beta2 (book, release-1.14) and v1beta1 (release-1.10), rules in short form, and the checks of its e2e test framework',
  url: 'https://github.com/kubernetes-sigs/cluster-api/tree/release-1.14/docs/book/src/developer/providers/contracts',
  // The ControlPlane contract is checked in its v1beta2 form only.
  rules: [...[...common, ...infraCluster, ...infraMachine, ...bootstrap, ...clusterctl, ...resilience].map(bothContracts), ...controlPlane, ...v1beta1],
};
