// Names a cloud-controller-manager and kubelet agree on (k8s.io/cloud-provider and k8s.io/api).
export const UNINITIALIZED_TAINT = 'node.cloudprovider.kubernetes.io/uninitialized';
export const SHUTDOWN_TAINT = 'node.cloudprovider.kubernetes.io/shutdown';
export const PROVIDED_NODE_IP = 'alpha.kubernetes.io/provided-node-ip';
export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
export const LB_CLEANUP_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
/** Each GA topology label with its deprecated twin, which a CCM still sets to the same value. */
export const LABEL_TWINS: ReadonlyArray<readonly [ga: string, beta: string]> = [
  [ZONE_LABEL, 'failure-domain.beta.kubernetes.io/zone'],
  [REGION_LABEL, 'failure-domain.beta.kubernetes.io/region'],
  [INSTANCE_TYPE_LABEL, 'beta.kubernetes.io/instance-type'],
];

/** Reasons the route controller gives the NetworkUnavailable condition. */
export const ROUTE_CONDITION_REASONS: readonly string[] = ['RouteCreated', 'NoRouteCreated'];

/**
 * Labels in the kubernetes.io / k8s.io namespaces that a kubelet or CCM may set on a node; any
 * other label there was added by someone who must not (k8s.io/cloud-provider drops them).
 */
export const WELL_KNOWN_NODE_LABELS: readonly string[] = [
  'kubernetes.io/hostname',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'node.kubernetes.io/windows-build',
  'node-role.kubernetes.io/control-plane',
  'node.kubernetes.io/exclude-from-external-load-balancers',
  'node.kubernetes.io/exclude-disruption',
  ...LABEL_TWINS.flat(),
];

export const NODE_ADDRESS_TYPES: readonly string[] = ['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS'];
