// Fault-injected variants of the reference cloud-controller-manager. Each is one small, realistic
// deviation from what upstream's controllers do, so a project test can prove the cloud suite
// notices it. The controllers ask `faulty(name)` at the one place the deviation lives.
import { UsageError } from '../../core/errors.js';

const FAULTS = {
  // cloud-node-controller
  'provider-id-empty': 'Initialisation removes the uninitialized taint and sets the labels but leaves spec.providerID empty.',
  'taint-removed-before-init':
    'The uninitialized taint is removed in an update of its own, before the update that sets spec.providerID and the labels.',
  'beta-zone-labels-only':
    'Zone and region are written only under the deprecated failure-domain.beta.kubernetes.io keys, never under topology.kubernetes.io.',
  'no-region-label': 'Zone and instance type are labelled, the region under neither key.',
  'kubernetes-io-label': "The cloud's node.kubernetes.io/conformal-pool label is kept although it is in the kubernetes.io namespace.",
  'internal-ip-as-hostname': "The InternalIP address is written as the instance's DNS name instead of its IP.",
  'ignores-provided-node-ip':
    'The alpha.kubernetes.io/provided-node-ip annotation does not reorder or filter the addresses: the cloud order is kept.',
  'bogus-provided-ip-initialises':
    'A provided-node-ip that is none of the instance\'s addresses does not block initialisation: the taint is removed anyway.',
  'overwrites-user-label':
    'Labels the node already has (outside kubernetes.io and k8s.io) are overwritten with the value of the cloud\'s stale tag mirror, "cloud-value".',
  'no-synced-event': 'Initialisation emits no Synced event.',
  // cloud-node-lifecycle-controller
  'deletes-stopped-node': 'A NotReady node whose instance is only stopped is deleted as if the instance were gone.',
  'no-node-deletion': 'A NotReady node whose instance was terminated is kept.',
  'no-shutdown-taint': 'A NotReady node whose instance is stopped does not get the shutdown taint.',
  'shutdown-taint-kept-after-start': 'The shutdown taint stays on a node that is Ready again.',
  // service-controller
  'ingress-before-finalizer':
    'The cleanup finalizer is added only after the load balancer is made and its ingress published, so a deletion in between leaks it.',
  'load-balancer-ports-dropped': "The cloud's load balancer is made without the Service's ports.",
  'no-ensuring-event': 'Ensuring a load balancer emits EnsuredLoadBalancer but no EnsuringLoadBalancer first.',
  'finalizer-never-removed':
    'Cleanup deletes the load balancer and clears the status but leaves the service.kubernetes.io/load-balancer-cleanup finalizer.',
  'status-rewritten-on-resync':
    'Every sync, periodic ones included, re-ensures and writes a changed status (ingress ports toggled), so the resourceVersion keeps changing.',
  'ingress-reallocated-on-update': 'Each EnsureLoadBalancer on an existing load balancer gives it a new ingress IP.',
  'handles-load-balancer-class': 'Services with spec.loadBalancerClass are handled as if they had none.',
  'no-backend-update': 'Node changes never update the backends of existing load balancers.',
  'no-unavailable-warning': 'An empty backend set emits no UnAvailableLoadBalancer warning.',
  'swallows-cloud-errors': 'A failed EnsureLoadBalancer is dropped: no SyncLoadBalancerFailed event and no retry.',
  'lb-left-in-cloud': 'Cleanup removes the finalizer and clears the status without deleting the load balancer in the cloud.',
  // route_controller
  'routes-never-removed': 'Routes are only ever added: blackholes and routes of deleted nodes stay.',
  'network-unavailable-never-set': 'The NetworkUnavailable node condition is never written.',
  'deletes-foreign-routes': 'Routes outside the cluster CIDR that target no node are deleted too.',
  'no-route-failure-condition': 'A failed CreateRoute emits FailedToCreateRoute but leaves NetworkUnavailable as it was.',
} as const satisfies Record<string, string>;

export type CloudFaultName = keyof typeof FAULTS;

export const CLOUD_FAULTS: readonly { name: CloudFaultName; description: string }[] = Object.entries(FAULTS).map(([name, description]) => ({
  name: name as CloudFaultName,
  description,
}));

/** The predicate the controllers consult; an unknown name is a UsageError. */
export function faultPredicate(fault: string | undefined): (name: CloudFaultName) => boolean {
  if (fault !== undefined && !(fault in FAULTS)) {
    throw new UsageError(`unknown cloud fault "${fault}"; known: ${Object.keys(FAULTS).join(', ')}`, { field: 'fault' });
  }
  return (name) => name === fault;
}
