// Capabilities of a cloud-controller-manager, discovered once per run (session.ts): which
// controllers it runs, what the nodes show, and what the cloud-control endpoint can do.
import type { CapabilityInfo, ProfileDefinition } from '../../core/plugin.js';

export const CloudCapability = {
  /** The CCM runs the service controller: LoadBalancer Services get a cleanup finalizer. */
  loadBalancer: 'load-balancer',
  /** The CCM runs the route controller: nodes get NetworkUnavailable set by it. */
  routes: 'routes',
  /** Initialised nodes carry zone and region labels. */
  zones: 'zones',
  /** --cloud-control was given (always for the embedded reference). */
  cloudControl: 'cloud-control',
  instances: 'cloud-control.instances',
  shutdown: 'cloud-control.shutdown',
  cloudLoadBalancers: 'cloud-control.load-balancers',
  cloudRoutes: 'cloud-control.routes',
  ensureFault: 'cloud-control.fault.ensure-load-balancer',
  routeFault: 'cloud-control.fault.create-route',
} as const;

export const cloudCapabilityCatalog: readonly CapabilityInfo[] = [
  { name: CloudCapability.loadBalancer, kind: 'claim', description: 'the CCM runs the service controller (found from the cloud-control info, or from a probe LoadBalancer Service getting the cleanup finalizer)' },
  { name: CloudCapability.routes, kind: 'claim', description: 'the CCM runs the route controller (found from nodes whose NetworkUnavailable condition a route controller set, or from a cloud-control endpoint that manages routes)' },
  { name: CloudCapability.zones, kind: 'feature', description: 'initialised nodes carry topology.kubernetes.io/zone and region labels' },
  { name: CloudCapability.cloudControl, kind: 'setting', flag: '--cloud-control', description: 'a cloud-control endpoint lets the suite act on the cloud and read what it holds (docs/cloud/cloud-control.md)' },
  { name: CloudCapability.instances, kind: 'feature', description: 'the cloud-control endpoint creates and deletes instances' },
  { name: CloudCapability.shutdown, kind: 'feature', description: 'the cloud-control endpoint stops and starts instances' },
  { name: CloudCapability.cloudLoadBalancers, kind: 'feature', description: 'the cloud-control endpoint lists the load balancers the cloud holds' },
  { name: CloudCapability.cloudRoutes, kind: 'feature', description: "the cloud-control endpoint lists and edits the cluster's route table" },
  { name: CloudCapability.ensureFault, kind: 'feature', description: 'the cloud-control endpoint can make EnsureLoadBalancer fail' },
  { name: CloudCapability.routeFault, kind: 'feature', description: 'the cloud-control endpoint can make CreateRoute fail' },
];

export const cloudProfiles: readonly ProfileDefinition[] = [
  { name: 'node', description: 'the cloud node controller: nodes initialised from the cloud (every CCM)', claimedBy: [] },
  { name: 'load-balancer', description: 'the service controller: LoadBalancer Services backed by the cloud', claimedBy: [CloudCapability.loadBalancer] },
  { name: 'routes', description: 'the route controller: a cloud route per node pod CIDR', claimedBy: [CloudCapability.routes] },
];
