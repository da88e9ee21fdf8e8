// A plain client of the cloud-control protocol (docs/cloud/cloud-control.openapi.yaml) for tests:
// every call checks the status code the protocol gives for success.

export interface NodeAddress {
  type: string;
  address: string;
}

export interface Instance {
  id: string;
  providerID: string;
  nodeName: string;
  zone?: string;
  region?: string;
  instanceType?: string;
  state: 'running' | 'stopped' | 'terminated';
  addresses: NodeAddress[];
}

export interface LoadBalancer {
  name: string;
  serviceUID?: string;
  ingress: { ip?: string; hostname?: string }[];
  ports?: { protocol?: string; port?: number; nodePort?: number }[];
  backends: string[];
}

export interface Route {
  name?: string;
  targetNode?: string;
  destinationCIDR: string;
  blackhole?: boolean;
}

export interface Info {
  name: string;
  providerName?: string;
  features: { instances: boolean; instanceShutdown: boolean; loadBalancers: boolean; routes: boolean; faults: string[] };
}

export class CloudControlClient {
  constructor(private readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, expected: number, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`cloud-control ${method} ${path}: ${response.status} (expected ${expected}) ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  info = () => this.call<Info>('GET', '/v1/info', 200);
  createInstance = (nodeName: string) => this.call<Instance>('POST', '/v1/instances', 201, { nodeName });
  getInstance = (id: string) => this.call<Instance>('GET', `/v1/instances/${encodeURIComponent(id)}`, 200);
  deleteInstance = (id: string) => this.call<void>('DELETE', `/v1/instances/${encodeURIComponent(id)}`, 204);
  stopInstance = (id: string) => this.call<Instance>('POST', `/v1/instances/${encodeURIComponent(id)}/stop`, 200);
  startInstance = (id: string) => this.call<Instance>('POST', `/v1/instances/${encodeURIComponent(id)}/start`, 200);
  loadBalancers = async (serviceUID?: string) =>
    (await this.call<{ items: LoadBalancer[] }>('GET', `/v1/load-balancers${serviceUID ? `?serviceUID=${encodeURIComponent(serviceUID)}` : ''}`, 200)).items;
  routes = async () => (await this.call<{ items: Route[] }>('GET', '/v1/routes', 200)).items;
  createRoute = (route: Omit<Route, 'name'>) => this.call<Route>('POST', '/v1/routes', 201, route);
  deleteRoute = (destinationCIDR: string) => this.call<void>('DELETE', `/v1/routes?destinationCIDR=${encodeURIComponent(destinationCIDR)}`, 204);
  injectFault = (operation: 'ensure-load-balancer' | 'create-route', fault: { message: string; namespace?: string; service?: string; node?: string }) =>
    this.call<void>('PUT', `/v1/faults/${operation}`, 204, fault);
  clearFault = (operation: 'ensure-load-balancer' | 'create-route') => this.call<void>('DELETE', `/v1/faults/${operation}`, 204);
}
