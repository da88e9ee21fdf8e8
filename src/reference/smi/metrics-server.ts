// The aggregated metrics API (metrics.smi-spec.io/v1alpha1) over HTTPS on loopback, reached by
// clients through the API server's APIService proxy, never directly.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { servingCertificate } from '../../kube/tls.js';
import { parseLabelSelector } from '../../kube/selectors.js';
import { edgeMetrics, metricsList, METRICS_GROUP_VERSION, resourceMetrics, type MetricsRecorder, type ResourceRef } from './metrics.js';
import type { MeshState } from './model.js';
import type { Faulty } from './policy.js';

const RESOURCE_LIST = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: METRICS_GROUP_VERSION,
  resources: [
    { name: 'namespaces', singularName: '', namespaced: false, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
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

function route(url: URL, recorder: MetricsRecorder, state: MeshState, faulty: Faulty): object | undefined {
  const prefix = `/apis/${METRICS_GROUP_VERSION}`;
  if (!url.pathname.startsWith(prefix)) return undefined;
  const parts = url.pathname.slice(prefix.length).split('/').filter(Boolean);
  if (parts.length === 0) return faulty('metrics-namespaces-unlisted') ? { ...RESOURCE_LIST, resources: RESOURCE_LIST.resources.filter((r) => r.name !== 'namespaces') } : RESOURCE_LIST;
  if (parts[0] !== 'namespaces') return undefined;
  const [, ns, kind, name, sub] = parts;
  if (!ns) return undefined;
  if (!kind) return resourceMetrics(recorder, { kind: 'Namespace', name: ns }, faulty);
  if (kind === 'edges' && !name) return metricsList(edgeMetrics(recorder, { kind: 'Namespace', name: ns }, faulty));
  if (kind !== 'pods') return undefined;
  if (!name) {
    const selector = faulty('label-selector-ignored') ? undefined : parseLabelSelector(url.searchParams.get('labelSelector'));
    const pods = [...state.pods.values()].filter((p) => p.metadata.namespace === ns && (!selector || selector(p.metadata.labels ?? {})));
    return metricsList(pods.map((p) => resourceMetrics(recorder, { kind: 'Pod', name: p.metadata.name, namespace: ns }, faulty)));
  }
  const resource: ResourceRef = { kind: 'Pod', name, namespace: ns };
  if (sub === 'edges') return metricsList(edgeMetrics(recorder, resource, faulty));
  return sub === undefined ? resourceMetrics(recorder, resource, faulty) : undefined;
}
