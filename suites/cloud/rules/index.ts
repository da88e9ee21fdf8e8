// The cloud-provider rule ledger. The cloud provider has no spec document: its contract is the
// normative doc comments of k8s.io/cloud-provider's cloud.go (quoted) and the behaviour of its
// controllers that kubelets, users and other controllers rely on (stated in our words, level
// MUST, one rule per observable promise). Each rule names the tests that check it or why none can.
import type { RuleLedger, SpecRule } from '../../../src/core/rules.js';

const CLOUD_GO = 'cloud.go';
const NODE = 'cloud node controller';
const LIFECYCLE = 'cloud node lifecycle controller';
const SERVICE = 'service controller';
const ROUTE = 'route controller';
const goOnly = (what: string) => `a Go-level obligation of the provider library (${what}); a black-box suite sees only its effect through the API, checked by the behaviour rules below`;

const contractRules: SpecRule[] = [
  { id: 'cloud.contract.instances-not-found', section: `${CLOUD_GO} Instances`, level: 'MUST', text: 'Note that if the instance does not exist, we must return ("", cloudprovider.InstanceNotFound)', tests: ['cloud.lifecycle.deleted-instance-deletes-node'] },
  { id: 'cloud.contract.stopped-is-not-not-found', section: `${CLOUD_GO} Instances`, level: 'SHOULD NOT', text: 'cloudprovider.InstanceNotFound should NOT be returned for instances that exist but are stopped/sleeping', tests: ['cloud.lifecycle.stopped-instance-keeps-node'] },
  { id: 'cloud.contract.exists-while-stopped', section: `${CLOUD_GO} Instances.InstanceExistsByProviderID`, level: 'SHOULD', text: 'This method should still return true for instances that exist but are stopped/sleeping.', tests: ['cloud.lifecycle.stopped-instance-keeps-node'] },
  { id: 'cloud.contract.implemented-elsewhere', section: `${CLOUD_GO} LoadBalancer`, level: 'MUST', text: 'If this is the case, then {Ensure,Update}LoadBalancer must return the ImplementedElsewhere error.', untestedBecause: goOnly('which error value a provider returns when another controller owns its load balancers') },
  { id: 'cloud.contract.get-load-balancer-exists', section: `${CLOUD_GO} LoadBalancer`, level: 'MUST', text: 'For the given LB service, the GetLoadBalancer must return "exists=True" if there exists a LoadBalancer instance created by ServiceController.', tests: ['cloud.lb.type-change-cleans-up', 'cloud.lb.cloud.deleted-with-service'] },
  { id: 'cloud.contract.get-load-balancer-not-found', section: `${CLOUD_GO} LoadBalancer`, level: 'MUST', text: 'In all other cases, GetLoadBalancer must return a NotFound error.', tests: ['cloud.lb.cloud.deleted-with-service'] },
  { id: 'cloud.contract.delete-not-elsewhere', section: `${CLOUD_GO} LoadBalancer`, level: 'MUST NOT', text: 'EnsureLoadBalancerDeleted must not return ImplementedElsewhere to ensure proper teardown of resources that were allocated by the ServiceController.', tests: ['cloud.lb.deletion-waits-for-cleanup', 'cloud.lb.cloud.deleted-with-service'] },
  { id: 'cloud.contract.service-read-only', section: `${CLOUD_GO} LoadBalancer`, level: 'MUST', text: 'Implementations must treat the *v1.Service parameter as read-only and not modify it.', untestedBecause: goOnly('an in-process object a provider is handed') },
  { id: 'cloud.contract.nodes-read-only', section: `${CLOUD_GO} LoadBalancer.EnsureLoadBalancer`, level: 'MUST', text: 'Implementations must treat the *v1.Service and *v1.Node parameters as read-only and not modify them.', untestedBecause: goOnly('in-process objects a provider is handed') },
  { id: 'cloud.contract.instances-v2-external-only', section: `${CLOUD_GO} InstancesV2`, level: 'SHOULD', text: 'Unlike the Instances interface, it is designed for external cloud providers and should only be used by them.', untestedBecause: 'which Go interface a provider implements is not visible from outside; both give the same node fields, checked by the node rules' },
  { id: 'cloud.contract.provider-id-first', section: `${CLOUD_GO} InstancesV2.InstanceMetadata`, level: 'SHOULD', text: 'Implementations should always check node.spec.providerID first when trying to discover the instance for a given node.', tests: ['cloud.lifecycle.deleted-instance-deletes-node', 'cloud.lifecycle.stopped-instance-shutdown-taint'] },
  { id: 'cloud.contract.provider-id-format-stable', section: `${CLOUD_GO} InstanceMetadata.ProviderID`, level: 'SHOULD', text: 'The provider ID format can be set by the cloud provider but providers should ensure the format does not change in any incompatible way.', tests: ['cloud.node.existing.provider-id', 'cloud.node.register.initialised'] },
  { id: 'cloud.contract.provider-id-format-preserved', section: `${CLOUD_GO} InstanceMetadata.ProviderID`, level: 'SHOULD', text: 'Existing providers setting this field should preserve the existing format currently being set in node.spec.providerID.', tests: ['cloud.node.existing.provider-id'] },
  { id: 'cloud.contract.initialize-cleanup', section: `${CLOUD_GO} Interface.Initialize`, level: 'SHOULD', text: 'Any tasks started here should be cleaned up when the stop channel closes.', untestedBecause: goOnly('goroutines of the CCM process') },
];

const behaviourRules: SpecRule[] = [
  { id: 'cloud.node.taint-removed', section: NODE, level: 'MUST', text: 'A node registered with the node.cloudprovider.kubernetes.io/uninitialized taint loses it once initialised from the cloud.', tests: ['cloud.node.register.initialised'] },
  { id: 'cloud.node.provider-id-set', section: NODE, level: 'MUST', text: "An initialised node has spec.providerID set to its instance's provider ID, in the form <provider>://<id>.", tests: ['cloud.node.existing.provider-id', 'cloud.node.register.initialised'] },
  { id: 'cloud.node.no-taint-removal-without-provider-id', section: NODE, level: 'MUST NOT', text: 'The uninitialized taint is never removed while spec.providerID is empty; providerID, labels and the taint removal are one update.', tests: ['cloud.node.register.provider-id-before-taint-removal'] },
  { id: 'cloud.node.label-twins', section: NODE, level: 'MUST', text: 'Zone, region and instance type are set under the GA labels and their deprecated beta twins, with equal values.', tests: ['cloud.node.existing.label-twins', 'cloud.node.register.labels-from-cloud'] },
  { id: 'cloud.node.labels-from-cloud', section: NODE, level: 'MUST', text: "The topology and instance-type labels are the instance's own zone, region and type.", tests: ['cloud.node.register.labels-from-cloud', 'cloud.node.existing.zone-and-region'] },
  { id: 'cloud.node.no-reserved-labels', section: NODE, level: 'MUST NOT', text: 'Additional labels in the kubernetes.io or k8s.io namespaces are not added.', tests: ['cloud.node.register.no-reserved-labels'] },
  { id: 'cloud.node.user-labels-kept', section: NODE, level: 'MUST NOT', text: 'Labels already on the node are not overwritten by additional labels.', tests: ['cloud.node.register.user-labels-kept'] },
  { id: 'cloud.node.addresses', section: NODE, level: 'MUST', text: "status.addresses are the instance's addresses: known types, valid IPs, no duplicate (type, address).", tests: ['cloud.node.existing.addresses', 'cloud.node.register.addresses'] },
  { id: 'cloud.node.provided-node-ip', section: NODE, level: 'MUST', text: 'With the alpha.kubernetes.io/provided-node-ip annotation, that address comes first and is the only address of its type.', tests: ['cloud.node.register.provided-node-ip'] },
  { id: 'cloud.node.bogus-provided-node-ip', section: NODE, level: 'MUST', text: 'A provided node IP that is not among the cloud addresses fails initialisation: the taint stays.', tests: ['cloud.node.register.bogus-provided-ip'] },
  { id: 'cloud.node.synced-event', section: NODE, level: 'MUST', text: 'Initialisation records a Normal Synced event about the node.', tests: ['cloud.node.register.synced-event'] },
  { id: 'cloud.lifecycle.delete-missing', section: LIFECYCLE, level: 'MUST', text: 'A NotReady node whose instance no longer exists is deleted, with a Normal DeletingNode event.', tests: ['cloud.lifecycle.deleted-instance-deletes-node'] },
  { id: 'cloud.lifecycle.shutdown-taint', section: LIFECYCLE, level: 'MUST', text: 'A NotReady node whose instance is shut down gets node.cloudprovider.kubernetes.io/shutdown:NoSchedule.', tests: ['cloud.lifecycle.stopped-instance-shutdown-taint'] },
  { id: 'cloud.lifecycle.shutdown-taint-removed', section: LIFECYCLE, level: 'MUST', text: 'A Ready node loses the shutdown taint.', tests: ['cloud.lifecycle.started-instance-loses-shutdown-taint'] },
  { id: 'cloud.lifecycle.stopped-kept', section: LIFECYCLE, level: 'MUST NOT', text: 'A node whose instance exists but is stopped is never deleted.', tests: ['cloud.lifecycle.stopped-instance-keeps-node'] },
  { id: 'cloud.service.finalizer-first', section: SERVICE, level: 'MUST', text: 'A LoadBalancer Service gets the service.kubernetes.io/load-balancer-cleanup finalizer before its load balancer is made.', tests: ['cloud.lb.provisioned'] },
  { id: 'cloud.service.ingress', section: SERVICE, level: 'MUST', text: 'status.loadBalancer.ingress holds an ip or hostname; ipMode, when set, is VIP or Proxy and comes with an ip.', tests: ['cloud.lb.provisioned', 'cloud.lb.cloud.matches-service'] },
  { id: 'cloud.service.events', section: SERVICE, level: 'MUST', text: 'Provisioning records Normal EnsuringLoadBalancer, then Normal EnsuredLoadBalancer.', tests: ['cloud.lb.events'] },
  { id: 'cloud.service.no-churn', section: SERVICE, level: 'MUST NOT', text: 'A sync that changes nothing writes nothing: status is patched only when it changed.', tests: ['cloud.lb.no-status-churn'] },
  { id: 'cloud.service.resync-triggers', section: SERVICE, level: 'MUST', text: 'A change of ports, loadBalancerSourceRanges, externalTrafficPolicy or any annotation syncs the load balancer again.', tests: ['cloud.lb.update-reensures', 'cloud.lb.no-status-churn'] },
  { id: 'cloud.service.stable-ingress', section: SERVICE, level: 'MUST', text: 'Re-ensuring an existing load balancer keeps its ingress.', tests: ['cloud.lb.update-reensures'] },
  { id: 'cloud.service.type-change', section: SERVICE, level: 'MUST', text: 'A Service no longer of type LoadBalancer has its load balancer deleted, status cleared, finalizer removed and Normal DeletedLoadBalancer recorded.', tests: ['cloud.lb.type-change-cleans-up'] },
  { id: 'cloud.service.deletion', section: SERVICE, level: 'MUST', text: 'A deleted Service is held by the finalizer until its load balancer is deleted.', tests: ['cloud.lb.deletion-waits-for-cleanup', 'cloud.lb.cloud.deleted-with-service'] },
  { id: 'cloud.service.class-ignored', section: SERVICE, level: 'MUST NOT', text: 'A Service with spec.loadBalancerClass set gets no finalizer, no status and no events from the CCM.', tests: ['cloud.lb.class-ignored'] },
  { id: 'cloud.service.backends', section: SERVICE, level: 'MUST', text: 'Node additions and exclusion-label changes update the backend set, with Normal UpdatedLoadBalancer.', tests: ['cloud.lb.cloud.backends-follow-nodes'] },
  { id: 'cloud.service.no-eligible-nodes', section: SERVICE, level: 'MUST', text: 'An empty backend set records Warning UnAvailableLoadBalancer.', tests: ['cloud.lb.no-eligible-nodes-warning'] },
  { id: 'cloud.service.errors', section: SERVICE, level: 'MUST', text: 'A cloud error records Warning SyncLoadBalancerFailed and the sync is retried.', tests: ['cloud.lb.cloud.error-reported-and-retried'] },
  { id: 'cloud.service.retry-after', section: SERVICE, level: 'SHOULD', text: 'A RetryError from the provider sets the delay before the next attempt instead of exponential backoff.', untestedBecause: 'the retry delay a provider asks for is a Go value; cloud-control can make a call fail but not choose the retry delay, so only "retried" is checked' },
  { id: 'cloud.route.per-pod-cidr', section: ROUTE, level: 'MUST', text: 'Every pod CIDR of a node gets a route targeting that node.', tests: ['cloud.routes.route-per-pod-cidr'] },
  { id: 'cloud.route.condition', section: ROUTE, level: 'MUST', text: 'Once all its pod CIDRs are routed, a node reports NetworkUnavailable=False with reason RouteCreated.', tests: ['cloud.routes.existing-nodes-routed', 'cloud.routes.route-per-pod-cidr'] },
  { id: 'cloud.route.removed', section: ROUTE, level: 'MUST', text: 'Routes inside the cluster CIDR that target a node no longer in the cluster are deleted.', tests: ['cloud.routes.removed-with-node'] },
  { id: 'cloud.route.blackholes', section: ROUTE, level: 'MUST', text: 'Blackhole routes inside the cluster CIDR are deleted.', tests: ['cloud.routes.blackhole-removed'] },
  { id: 'cloud.route.foreign', section: ROUTE, level: 'MUST NOT', text: 'Routes outside the cluster CIDR are never deleted.', tests: ['cloud.routes.foreign-routes-untouched'] },
  { id: 'cloud.route.failure', section: ROUTE, level: 'MUST', text: 'A failed route creation sets NetworkUnavailable=True, reason NoRouteCreated, and records Warning FailedToCreateRoute.', tests: ['cloud.routes.create-failure-reported'] },
];

export const cloudRuleLedger: RuleLedger = {
  source: 'k8s.io/cloud-provider v0.37.2: the normative comments of cloud.go and the observable behaviour of its controllers',
  url: 'https://github.com/kubernetes/cloud-provider/tree/v0.37.2',
  rules: [...contractRules, ...behaviourRules],
};
