// The suite's own workloads: a namespace per test (labelled for the mesh's injection), a server
// pod with HTTP, TCP and UDP ports behind a Service, and client pods the traffic starts from;
// plus creators for the SMI objects. Everything goes through the test's ledger.
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { raceSignal } from '../../src/core/deadline.js';
import { createTracked } from '../../src/kube-kit/objects.js';
import { observe, type ResourceObserver } from '../../src/kube-kit/observe.js';
import { runLabels } from '../../src/kube-kit/run-labels.js';
import { NO_PROXY_ANNOTATION } from '../../src/reference/smi/index.js';
import type { ClientPod, TrafficRequest } from '../../src/interfaces/smi/traffic.js';
import { inServedVersion } from '../../src/interfaces/smi/versions.js';
import type { SmiContext } from './define.js';

export const HTTP_PORT = 80;
export const TCP_PORTS = [9000, 9001] as const;
export const UDP_PORTS = [9100, 9101] as const;

export interface PortSpec {
  readonly port: number;
  readonly protocol: 'http' | 'tcp' | 'udp';
}

export const SERVER_PORTS: readonly PortSpec[] = [
  { port: HTTP_PORT, protocol: 'http' },
  ...TCP_PORTS.map((port) => ({ port, protocol: 'tcp' as const })),
  ...UDP_PORTS.map((port) => ({ port, protocol: 'udp' as const })),
];

const portName = (p: PortSpec) => (p.protocol === 'http' ? `http-${p.port}` : `${p.protocol}-${p.port}`);
const kubeProtocol = (p: PortSpec) => (p.protocol === 'udp' ? 'UDP' : 'TCP');

/** The spec of a server pod: the echo image serving `ports`, running as `serviceAccount`. */
function serverPodSpec(image: string, serviceAccount: string, ports: readonly PortSpec[]) {
  const tcp = ports.filter((p) => p.protocol === 'tcp').map((p) => `--tcp=${p.port}`);
  const udp = ports.filter((p) => p.protocol === 'udp').map((p) => `--udp=${p.port}`);
  const http = ports.filter((p) => p.protocol === 'http').map((p) => `--port=${p.port}`);
  return {
    serviceAccountName: serviceAccount,
    containers: [{ name: 'server', image, args: [...http, ...tcp, ...udp], ports: ports.map((p) => ({ name: portName(p), containerPort: p.port, protocol: kubeProtocol(p) })) }],
  };
}

export class TestApp {
  readonly pods: ResourceObserver<V1Pod>;
  constructor(readonly ctx: SmiContext, readonly namespace: string, pods: ResourceObserver<V1Pod>) {
    this.pods = pods;
  }

  private create<T extends KubernetesObject>(object: T & Record<string, unknown>): Promise<T> {
    return createTracked(this.ctx.env.kc, this.ctx.ledger, { ...object, metadata: { ...object.metadata, namespace: object.metadata?.namespace ?? this.namespace } }, runLabels(this.ctx.env.runId, this.ctx.test.id), this.ctx.signal);
  }

  async serviceAccount(name: string): Promise<void> {
    await this.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  }

  /** A server pod running as `serviceAccount`, labelled `labels`, serving `ports`. */
  async server(name: string, serviceAccount: string, labels: Record<string, string>, ports: readonly PortSpec[] = SERVER_PORTS): Promise<void> {
    await this.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: serverPodSpec(this.ctx.env.serverImage, serviceAccount, ports) });
  }

  /** A Deployment of `replicas` server pods (the cluster's Deployment controller makes them); answers their names once all are Ready. */
  async deployment(name: string, serviceAccount: string, labels: Record<string, string>, replicas: number, ports: readonly PortSpec[] = SERVER_PORTS): Promise<string[]> {
    await this.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels },
      spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: serverPodSpec(this.ctx.env.serverImage, serviceAccount, ports) } },
    });
    const selected = (p: V1Pod) => Object.entries(labels).every(([k, v]) => p.metadata?.labels?.[k] === v);
    const ready = (p: V1Pod) => p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    return this.pods.until(
      (latest) => {
        const pods = [...latest.values()].filter((p) => selected(p) && !p.metadata?.deletionTimestamp);
        return pods.length === replicas && pods.every(ready) ? pods.map((p) => p.metadata!.name!).sort() : undefined;
      },
      `${replicas} Ready pods of Deployment ${this.namespace}/${name}`,
      this.ctx.signal,
    );
  }

  async service(name: string, selector: Record<string, string>, ports: readonly PortSpec[] = SERVER_PORTS): Promise<void> {
    await this.create({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports: ports.map((p) => ({ name: portName(p), port: p.port, targetPort: p.port, protocol: kubeProtocol(p) })) } });
  }

  /** A client pod; `noProxy` keeps the mesh's proxy out of it (the bypass tests). */
  async client(name: string, serviceAccount: string, noProxy = false): Promise<ClientPod> {
    await this.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { app: name }, annotations: noProxy ? { [NO_PROXY_ANNOTATION]: 'true', 'sidecar.istio.io/inject': 'false', 'linkerd.io/inject': 'disabled', 'openservicemesh.io/sidecar-injection': 'disabled', 'kuma.io/sidecar-injection': 'disabled' } : {} },
      // The echo image's own entrypoint keeps the pod running (it has no shell or sleep); its `client` binary is exec-ed.
      spec: { serviceAccountName: serviceAccount, containers: [{ name: 'client', image: this.ctx.env.clientImage }] },
    });
    return { namespace: this.namespace, pod: name, container: 'client' };
  }

  /** Waits until every named pod is Running and Ready. */
  async ready(...names: string[]): Promise<void> {
    for (const name of names) {
      await this.pods.object(name, (p) => p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'), `pod ${this.namespace}/${name} Running and Ready`, this.ctx.signal, (p) => `phase=${p?.status?.phase ?? 'absent'}`);
    }
  }

  /** An SMI object given in v0.6.0 form, created in the version the cluster serves. */
  async smi(object: KubernetesObject & Record<string, unknown> & { apiVersion: string; kind: string }): Promise<KubernetesObject> {
    return this.create(inServedVersion(object, this.ctx.env.versions));
  }

  /** An SMI object created exactly as given, whatever the cluster serves (the CRD tests of v0.6.0). */
  async smiAsWritten(object: KubernetesObject & Record<string, unknown>): Promise<KubernetesObject> {
    return this.create(object);
  }

  async allow(name: string, destination: string, sources: Array<string | { name: string; namespace: string }>, rules: Array<{ kind: 'HTTPRouteGroup' | 'TCPRoute' | 'UDPRoute'; name: string; matches?: string[] }>): Promise<KubernetesObject> {
    return this.smi({
      apiVersion: 'access.smi-spec.io/v1alpha3',
      kind: 'TrafficTarget',
      metadata: { name },
      spec: {
        destination: { kind: 'ServiceAccount', name: destination, namespace: this.namespace },
        sources: sources.map((s) => (typeof s === 'string' ? { kind: 'ServiceAccount', name: s, namespace: this.namespace } : { kind: 'ServiceAccount', ...s })),
        rules,
      },
    });
  }

  async routeGroup(name: string, matches: Array<{ name: string; pathRegex?: string; methods?: string[]; headers?: Record<string, string> }>): Promise<void> {
    await this.smi({ apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'HTTPRouteGroup', metadata: { name }, spec: { matches } });
  }

  async portRoute(kind: 'TCPRoute' | 'UDPRoute', name: string, ports: number[]): Promise<void> {
    await this.smi({ apiVersion: 'specs.smi-spec.io/v1alpha4', kind, metadata: { name }, spec: { matches: { name, ports } } });
  }

  async split(name: string, service: string, backends: Array<{ service: string; weight: number }>, matches?: Array<{ kind: 'HTTPRouteGroup'; name: string }>): Promise<KubernetesObject> {
    return this.smi({ apiVersion: 'split.smi-spec.io/v1alpha4', kind: 'TrafficSplit', metadata: { name }, spec: { service, backends, ...(matches ? { matches } : {}) } });
  }

  async delete(object: KubernetesObject): Promise<void> {
    await raceSignal(KubernetesObjectApi.makeApiClient(this.ctx.env.kc).delete(object), this.ctx.signal, `deleting ${object.kind} ${object.metadata?.name}`);
  }

  async replace(object: KubernetesObject): Promise<void> {
    const api = KubernetesObjectApi.makeApiClient(this.ctx.env.kc);
    const current = await raceSignal(api.read(object as KubernetesObject & { metadata: { name: string } }), this.ctx.signal, `reading ${object.kind}`);
    await raceSignal(api.replace({ ...object, metadata: { ...object.metadata, resourceVersion: current.metadata?.resourceVersion } }), this.ctx.signal, `updating ${object.kind} ${object.metadata?.name}`);
  }

  /** A request to Service `service` of this namespace. */
  request(from: ClientPod, service: string, protocol: PortSpec['protocol'], port: number, http: Pick<TrafficRequest, 'method' | 'path' | 'headers'> = {}): TrafficRequest {
    return { from, service, namespace: this.namespace, port, protocol, ...http };
  }
}

/** A namespace for one test, labelled for the mesh (unless `meshed` is false). */
export async function testNamespace(ctx: SmiContext, meshed = true): Promise<string> {
  const name = ctx.unique('smi');
  const metadata = { name, ...(meshed ? { labels: { ...ctx.env.namespaceLabels }, annotations: { ...ctx.env.namespaceAnnotations } } : {}) };
  await createTracked(ctx.env.kc, ctx.ledger, { apiVersion: 'v1', kind: 'Namespace', metadata }, runLabels(ctx.env.runId, ctx.test.id), ctx.signal);
  return name;
}

export async function testApp(ctx: SmiContext, namespace?: string): Promise<TestApp> {
  const ns = namespace ?? (await testNamespace(ctx));
  const pods = await observe<V1Pod>(ctx.env.kc, { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespace: ns }, ctx.ledger);
  return new TestApp(ctx, ns, pods);
}

/**
 * The common layout: ServiceAccounts `server` and `client`, a server pod `server` behind Service
 * `server` (HTTP 80, TCP 9000/9001, UDP 9100/9101) and a client pod `client`; all Ready.
 */
export async function standardApp(ctx: SmiContext): Promise<{ app: TestApp; client: ClientPod }> {
  const app = await testApp(ctx);
  await app.serviceAccount('server');
  await app.serviceAccount('client');
  await app.server('server', 'server', { app: 'server' });
  await app.service('server', { app: 'server' });
  const client = await app.client('client', 'client');
  await app.ready('server', 'client');
  return { app, client };
}
