// Client of the cloud-control protocol (docs/cloud/cloud-control.openapi.yaml): how the suite acts
// on the cloud behind a CCM (create, stop, delete instances; inject faults) and reads what the
// cloud really holds (load balancers, routes). The types mirror the document's schemas.
import { raceSignal } from '../../core/deadline.js';
import { ConformalError, TargetUnreachableError } from '../../core/errors.js';

export type FaultOperation = 'ensure-load-balancer' | 'create-route';

export interface CloudInfo {
  name: string;
  providerName?: string;
  features: { instances: boolean; instanceShutdown: boolean; loadBalancers: boolean; routes: boolean; faults: FaultOperation[] };
}

export interface NodeAddress {
  type: 'Hostname' | 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS';
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

export interface CloudLoadBalancer {
  name: string;
  serviceUID?: string;
  ingress: Array<{ ip?: string; hostname?: string }>;
  ports?: Array<{ protocol?: string; port?: number; nodePort?: number }>;
  sourceRanges?: string[];
  backends: string[];
}

export interface CloudRoute {
  name?: string;
  targetNode?: string;
  destinationCIDR: string;
  blackhole?: boolean;
}

export interface FaultRequest {
  message: string;
  namespace?: string;
  service?: string;
  node?: string;
}

/** The cloud-control endpoint answered something the protocol does not allow. */
export class CloudControlError extends ConformalError {
  readonly status: number;
  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super('CONFORMAL_HARNESS', message, options);
    this.status = status;
  }
}

export class CloudControlClient {
  readonly #base: string;
  readonly #headers: Record<string, string>;

  constructor(baseUrl: string, token?: string) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#headers = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  }

  get url(): string {
    return this.#base;
  }

  async #call<T>(method: string, path: string, signal: AbortSignal, body?: unknown, allow404 = false): Promise<T | undefined> {
    const what = `cloud-control ${method} ${path}`;
    const response = await raceSignal(
      fetch(`${this.#base}${path}`, {
        method,
        headers: body === undefined ? this.#headers : { ...this.#headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      }),
      signal,
      what,
    );
    const text = await response.text();
    if (response.status === 404 && allow404) return undefined;
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new CloudControlError(`${what} answered ${response.status}: ${message}`, response.status);
    }
    if (response.status === 204 || text === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CloudControlError(`${what} answered ${response.status} with a body that is not JSON`, response.status, { cause: error });
    }
  }

  /** Read once per run; an endpoint that cannot answer this is unreachable (exit 3). */
  async info(signal: AbortSignal): Promise<CloudInfo> {
    try {
      return (await this.#call<CloudInfo>('GET', '/v1/info', signal))!;
    } catch (error) {
      if (error instanceof CloudControlError) throw error;
      throw new TargetUnreachableError(this.#base, `the cloud-control endpoint ${this.#base} did not answer /v1/info: ${(error as Error).message}`, { cause: error });
    }
  }

  async createInstance(request: { nodeName: string; zone?: string; instanceType?: string }, signal: AbortSignal): Promise<Instance> {
    return (await this.#call<Instance>('POST', '/v1/instances', signal, request))!;
  }

  getInstance(id: string, signal: AbortSignal): Promise<Instance | undefined> {
    return this.#call<Instance>('GET', `/v1/instances/${encodeURIComponent(id)}`, signal, undefined, true);
  }

  async deleteInstance(id: string, signal: AbortSignal): Promise<void> {
    await this.#call('DELETE', `/v1/instances/${encodeURIComponent(id)}`, signal);
  }

  async stopInstance(id: string, signal: AbortSignal): Promise<Instance> {
    return (await this.#call<Instance>('POST', `/v1/instances/${encodeURIComponent(id)}/stop`, signal))!;
  }

  async startInstance(id: string, signal: AbortSignal): Promise<Instance> {
    return (await this.#call<Instance>('POST', `/v1/instances/${encodeURIComponent(id)}/start`, signal))!;
  }

  async loadBalancers(signal: AbortSignal, serviceUID?: string): Promise<CloudLoadBalancer[]> {
    const query = serviceUID ? `?serviceUID=${encodeURIComponent(serviceUID)}` : '';
    return (await this.#call<{ items: CloudLoadBalancer[] }>('GET', `/v1/load-balancers${query}`, signal))!.items;
  }

  async routes(signal: AbortSignal): Promise<CloudRoute[]> {
    return (await this.#call<{ items: CloudRoute[] }>('GET', '/v1/routes', signal))!.items;
  }

  async createRoute(route: CloudRoute, signal: AbortSignal): Promise<CloudRoute> {
    return (await this.#call<CloudRoute>('POST', '/v1/routes', signal, route))!;
  }

  async deleteRoute(destinationCIDR: string, signal: AbortSignal): Promise<void> {
    await this.#call('DELETE', `/v1/routes?destinationCIDR=${encodeURIComponent(destinationCIDR)}`, signal);
  }

  async injectFault(operation: FaultOperation, fault: FaultRequest, signal: AbortSignal): Promise<void> {
    await this.#call('PUT', `/v1/faults/${operation}`, signal, fault);
  }

  async clearFault(operation: FaultOperation, signal: AbortSignal): Promise<void> {
    await this.#call('DELETE', `/v1/faults/${operation}`, signal);
  }
}
