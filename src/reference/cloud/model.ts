// The in-memory cloud: instances, load balancers (one per Service UID), the cluster's route table
// and the faults armed through cloud-control. It is the "cloud SDK" the reference controllers call
// and the oracle the suite reads; it knows nothing of Kubernetes objects beyond names and UIDs.
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { AddressPool } from './ip.js';

export type InstanceState = 'running' | 'stopped' | 'terminated';
export type NodeAddressType = 'Hostname' | 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS';

export interface NodeAddress {
  type: NodeAddressType;
  address: string;
}

export interface Instance {
  id: string;
  providerID: string;
  nodeName: string;
  zone: string;
  region: string;
  instanceType: string;
  state: InstanceState;
  /** Cloud order: primary InternalIP, secondary InternalIP, ExternalIP (none once terminated). */
  addresses: NodeAddress[];
  /** Labels the cloud offers for the node beyond the well-known ones (InstanceMetadata.AdditionalLabels). */
  additionalLabels: Record<string, string>;
}

export interface LoadBalancerPort {
  protocol: string;
  port: number;
  nodePort?: number;
}

export interface LoadBalancer {
  name: string;
  serviceUID: string;
  namespace: string;
  serviceName: string;
  ingress: { ip: string }[];
  ports: LoadBalancerPort[];
  sourceRanges: string[];
  /** Node names. */
  backends: string[];
}

/** What EnsureLoadBalancer needs of a Service. */
export interface LoadBalancerSpec {
  uid: string;
  namespace: string;
  name: string;
  ports: LoadBalancerPort[];
  sourceRanges: string[];
}

export interface Route {
  name: string;
  targetNode?: string;
  destinationCIDR: string;
  blackhole: boolean;
}

export type FaultOperation = 'ensure-load-balancer' | 'create-route';
export const FAULT_OPERATIONS: readonly FaultOperation[] = ['ensure-load-balancer', 'create-route'];

export interface ArmedFault {
  message: string;
  namespace?: string;
  service?: string;
  node?: string;
}

/** A cloud API error, with the HTTP status cloud-control answers it with. */
export class CloudError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CloudModelOptions {
  region?: string;
  zones?: readonly string[];
  instanceType?: string;
}

export const DEFAULT_REGION = 'conformal-east';

/** "a" + the Service UID without dashes, 32 characters at most (cloudprovider.DefaultLoadBalancerName). */
export function loadBalancerName(serviceUID: string): string {
  return `a${serviceUID.replace(/-/g, '')}`.slice(0, 32);
}

export class CloudModel extends EventEmitter<{ instance: [Instance] }> {
  readonly region: string;
  readonly zones: readonly string[];
  private readonly instanceType: string;
  private readonly instances = new Map<string, Instance>();
  private readonly balancers = new Map<string, LoadBalancer>();
  private readonly routes = new Map<string, Route>();
  private readonly faults = new Map<FaultOperation, ArmedFault>();
  private readonly internalIps = new AddressPool('10.0.0.0/8', 1);
  private readonly externalIps = new AddressPool('203.0.113.0/24');
  private readonly ingressIps = new AddressPool('198.51.100.0/24');
  private nextZone = 0;

  constructor(options: CloudModelOptions = {}) {
    super();
    this.region = options.region ?? DEFAULT_REGION;
    this.zones = options.zones ?? [`${this.region}-a`, `${this.region}-b`];
    this.instanceType = options.instanceType ?? 'c1.small';
  }

  // ---- instances ---------------------------------------------------------------------------

  createInstance(request: { nodeName: string; zone?: string; instanceType?: string }): Instance {
    if (!request.nodeName) throw new CloudError(400, 'nodeName is required');
    if (this.instanceByNodeName(request.nodeName)) throw new CloudError(409, `an instance for node ${request.nodeName} exists`);
    if (request.zone !== undefined && !this.zones.includes(request.zone)) {
      throw new CloudError(400, `zone ${request.zone} is not one of ${this.zones.join(', ')}`);
    }
    const id = `i-${randomBytes(6).toString('hex')}`;
    const zone = request.zone ?? this.zones[this.nextZone++ % this.zones.length]!;
    const instance: Instance = {
      id,
      providerID: `conformal://${this.region}/${id}`,
      nodeName: request.nodeName,
      zone,
      region: this.region,
      instanceType: request.instanceType ?? this.instanceType,
      state: 'running',
      addresses: [
        { type: 'InternalIP', address: this.internalIps.allocate() },
        { type: 'InternalIP', address: this.internalIps.allocate() },
        { type: 'ExternalIP', address: this.externalIps.allocate() },
      ],
      // The second label is one a CCM must drop: providers may not label in kubernetes.io namespaces.
      additionalLabels: { 'cloud.conformal.dev/instance-id': id, 'node.kubernetes.io/conformal-pool': 'default' },
    };
    this.instances.set(id, instance);
    this.emit('instance', instance);
    return instance;
  }

  instance(id: string): Instance | undefined {
    return this.instances.get(id);
  }

  /** The live (not terminated) instance registered for a node name. */
  instanceByNodeName(nodeName: string): Instance | undefined {
    for (const instance of this.instances.values()) {
      if (instance.nodeName === nodeName && instance.state !== 'terminated') return instance;
    }
    return undefined;
  }

  instanceByProviderID(providerID: string): Instance | undefined {
    const m = /^conformal:\/\/([^/]+)\/([^/]+)$/.exec(providerID);
    const instance = m && m[1] === this.region ? this.instances.get(m[2]!) : undefined;
    return instance;
  }

  listInstances(): Instance[] {
    return [...this.instances.values()];
  }

  private mustInstance(id: string): Instance {
    const instance = this.instances.get(id);
    if (!instance) throw new CloudError(404, `instance ${id} not found`);
    return instance;
  }

  private setState(instance: Instance, state: InstanceState): Instance {
    if (instance.state === state) return instance;
    instance.state = state;
    this.emit('instance', instance);
    return instance;
  }

  stopInstance(id: string): Instance {
    const instance = this.mustInstance(id);
    if (instance.state === 'terminated') throw new CloudError(409, `instance ${id} is terminated`);
    return this.setState(instance, 'stopped');
  }

  startInstance(id: string): Instance {
    const instance = this.mustInstance(id);
    if (instance.state === 'terminated') throw new CloudError(409, `instance ${id} is terminated`);
    return this.setState(instance, 'running');
  }

  /** Idempotent; a terminated instance keeps its record (state terminated) but loses its addresses. */
  terminateInstance(id: string): void {
    const instance = this.instances.get(id);
    if (!instance || instance.state === 'terminated') return;
    for (const { type, address } of instance.addresses) {
      if (type === 'InternalIP') this.internalIps.release(address);
      if (type === 'ExternalIP') this.externalIps.release(address);
    }
    instance.addresses = [];
    this.setState(instance, 'terminated');
  }

  // ---- load balancers ----------------------------------------------------------------------

  getLoadBalancer(serviceUID: string): LoadBalancer | undefined {
    return this.balancers.get(serviceUID);
  }

  listLoadBalancers(serviceUID?: string): LoadBalancer[] {
    const all = [...this.balancers.values()];
    return serviceUID === undefined ? all : all.filter((lb) => lb.serviceUID === serviceUID);
  }

  /** Creates or updates the load balancer of a Service; `reallocate` gives it a new ingress IP. */
  ensureLoadBalancer(spec: LoadBalancerSpec, backends: string[], reallocate = false): LoadBalancer {
    const fault = this.faults.get('ensure-load-balancer');
    if (fault && (fault.service === undefined || fault.service === spec.name) && (fault.namespace === undefined || fault.namespace === spec.namespace)) {
      throw new CloudError(500, fault.message);
    }
    let lb = this.balancers.get(spec.uid);
    if (!lb) {
      lb = { name: loadBalancerName(spec.uid), serviceUID: spec.uid, namespace: spec.namespace, serviceName: spec.name, ingress: [{ ip: this.ingressIps.allocate() }], ports: [], sourceRanges: [], backends: [] };
      this.balancers.set(spec.uid, lb);
    } else if (reallocate) {
      const old = lb.ingress[0]!.ip;
      lb.ingress = [{ ip: this.ingressIps.allocate() }];
      this.ingressIps.release(old);
    }
    lb.ports = spec.ports.map((p) => ({ ...p }));
    lb.sourceRanges = [...spec.sourceRanges];
    lb.backends = [...backends].sort();
    return lb;
  }

  updateLoadBalancer(serviceUID: string, backends: string[]): void {
    const lb = this.balancers.get(serviceUID);
    if (!lb) throw new CloudError(404, `no load balancer for service ${serviceUID}`);
    lb.backends = [...backends].sort();
  }

  /** Idempotent: an absent load balancer is no error. */
  deleteLoadBalancer(serviceUID: string): void {
    const lb = this.balancers.get(serviceUID);
    if (!lb) return;
    for (const { ip } of lb.ingress) this.ingressIps.release(ip);
    this.balancers.delete(serviceUID);
  }

  // ---- routes ------------------------------------------------------------------------------

  listRoutes(): Route[] {
    return [...this.routes.values()].map((r) => ({ ...r }));
  }

  /** Adds a route; `byController` routes are subject to the create-route fault. */
  createRoute(route: Omit<Route, 'name'> & { name?: string }, byController = false): Route {
    if (byController) {
      const fault = this.faults.get('create-route');
      if (fault && (fault.node === undefined || fault.node === route.targetNode)) throw new CloudError(500, fault.message);
    }
    if (this.routes.has(route.destinationCIDR)) throw new CloudError(409, `a route to ${route.destinationCIDR} exists`);
    const stored: Route = { name: route.name ?? `route-${randomBytes(4).toString('hex')}`, destinationCIDR: route.destinationCIDR, blackhole: route.blackhole };
    if (route.targetNode !== undefined) stored.targetNode = route.targetNode;
    this.routes.set(route.destinationCIDR, stored);
    return { ...stored };
  }

  /** Idempotent. */
  deleteRoute(destinationCIDR: string): void {
    this.routes.delete(destinationCIDR);
  }

  // ---- faults ------------------------------------------------------------------------------

  armFault(operation: FaultOperation, fault: ArmedFault): void {
    this.faults.set(operation, { ...fault });
  }

  clearFault(operation: FaultOperation): void {
    this.faults.delete(operation);
  }
}
