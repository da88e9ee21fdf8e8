// The aggregated metrics API (metrics.smi-spec.io/v1alpha1) over HTTPS on loopback, reached by
// clients through the API server's APIService proxy, never directly.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { servingCertificate } from '../../kube/tls.js';
import { parseLabelSelector } from '../../kube/selectors.js';
import { edgeMetrics, metricsList, METRICS_GROUP_VERSION, resolver, resourceMetrics, type MetricsRecorder, type Resolve, type ResourceRef } from './metrics.js';
import { deploymentOf, type MeshState } from './model.js';
import type { Faulty } from './policy.js';

const RESOURCE_LIST = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: METRICS_GROUP_VERSION,
  resources: [
    { name: 'namespaces', singularName: '', namespaced: false, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
    { name: 'deployments', singularName: '', namespaced: true, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
  ],
};

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(recorder: MetricsRecorder, state: () => MeshState, faulty: Faulty): Promise<MetricsServer> {
  const { cert, key } = await servingCertificate();
  const server: Server = createServer({ cert, key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://metrics');
    const answer = route(url, recorder, state(), faulty);
    res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${url.pathname} not found` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Deployments by owner references; the deployment-first-pod-only fault keeps only its first pod by name. */
function meshResolver(state: MeshState, faulty: Faulty): Resolve {
  return resolver((p) => {
    const name = deploymentOf(state, p.namespace, p.pod);
    if (!name || !faulty('deployment-first-pod-only')) return name;
    const first = [...state.pods.values()].filter((o) => o.metadata.namespace === p.namespace && deploymentOf(state, p.namespace, o.metadata.name) === name).map((o) => o.metadata.name).sort()[0];
    return first === p.pod ? name : undefined;
  });
}

function route(url: URL, recorder: MetricsRecorder, state: MeshState, faulty: Faulty): object | undefined {
  const prefix = `/apis/${METRICS_GROUP_VERSION}`;
  if (!url.pathname.startsWith(prefix)) return undefined;
  const parts = url.pathname.slice(prefix.length).split('/').filter(Boolean);
  if (parts.length === 0) return faulty('metrics-namespaces-unlisted') ? { ...RESOURCE_LIST, resources: RESOURCE_LIST.resources.filter((r) => r.name !== 'namespaces') } : RESOURCE_LIST;
  if (parts[0] !== 'namespaces') return undefined;
  const [, ns, plural, name, sub] = parts;
  if (!ns) return undefined;
  const resolve = meshResolver(state, faulty);
  if (!plural) return resourceMetrics(recorder, { kind: 'Namespace', name: ns }, faulty, resolve);
  if (plural === 'edges' && !name) return metricsList(edgeMetrics(recorder, { kind: 'Namespace', name: ns }, faulty, resolve));
  const kind = ({ pods: 'Pod', deployments: 'Deployment' } as const)[plural as 'pods' | 'deployments'];
  if (!kind) return undefined;
  if (!name) {
    const selector = faulty('label-selector-ignored') ? undefined : parseLabelSelector(url.searchParams.get('labelSelector'));
    const objects: Array<{ metadata: { name: string; namespace?: string; labels?: Record<string, string> } }> = [...(kind === 'Pod' ? state.pods : state.deployments).values()];
    const selected = objects.filter((o) => o.metadata.namespace === ns && (!selector || selector(o.metadata.labels ?? {})));
    return metricsList(selected.map((o) => resourceMetrics(recorder, { kind, name: o.metadata.name, namespace: ns }, faulty, resolve)));
  }
  const resource: ResourceRef = { kind, name, namespace: ns };
  if (sub === 'edges') return metricsList(edgeMetrics(recorder, resource, faulty, resolve));
  return sub === undefined ? resourceMetrics(recorder, resource, faulty, resolve) : undefined;
}
