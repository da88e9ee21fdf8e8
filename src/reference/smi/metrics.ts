// What the server-side proxies saw, per edge (client pod -> server pod): success and failure
// counts (failure: a 5xx or no answer, as Linkerd counts) and latencies, rendered as SMI
// TrafficMetrics (metrics.smi-spec.io/v1alpha1) for pods, deployments and namespaces.
import type { Faulty } from './policy.js';

export interface PodRef {
  namespace: string;
  pod: string;
}

interface EdgeStats {
  from: PodRef;
  to: PodRef;
  success: number;
  failure: number;
  latencies: number[];
}

export interface ResourceRef {
  kind: 'Pod' | 'Namespace' | 'Deployment';
  name: string;
  namespace?: string;
}

export const METRICS_GROUP_VERSION = 'metrics.smi-spec.io/v1alpha1';
const WINDOW = '30s';

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** A quantity in milli-units of ms, as resource.Quantity renders fractional values. */
const millis = (ms: number) => `${Math.max(1, Math.round(ms * 1000))}m`;

export class MetricsRecorder {
  private readonly edges = new Map<string, EdgeStats>();

  constructor(private readonly faulty: Faulty) {}

  record(from: PodRef, to: PodRef, ok: boolean, latencyMs: number): void {
    if (this.faulty('counts-off')) ok = true;
    const key = `${from.namespace}/${from.pod}>${to.namespace}/${to.pod}`;
    let stats = this.edges.get(key);
    if (!stats) this.edges.set(key, (stats = { from, to, success: 0, failure: 0, latencies: [] }));
    if (ok) stats.success++;
    else stats.failure++;
    stats.latencies.push(latencyMs);
  }

  all(): EdgeStats[] {
    return [...this.edges.values()];
  }
}

/** The resource of `kind` a pod's traffic counts for; undefined when the pod belongs to none (a bare pod has no Deployment). */
export type Resolve = (p: PodRef, kind: ResourceRef['kind']) => ResourceRef | undefined;

/** Pods and namespaces; Deployments through `deploymentOf` (pod → ReplicaSet → Deployment). */
export function resolver(deploymentOf: (p: PodRef) => string | undefined): Resolve {
  return (p, kind) => {
    if (kind === 'Pod') return { kind, name: p.pod, namespace: p.namespace };
    if (kind === 'Namespace') return { kind, name: p.namespace };
    const name = deploymentOf(p);
    return name ? { kind, name, namespace: p.namespace } : undefined;
  };
}

const same = (a: ResourceRef | undefined, b: ResourceRef) => a !== undefined && a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

function metricsOf(stats: EdgeStats[], faulty: Faulty): Array<{ name: string; unit?: string; value: string }> {
  const latencies = stats.flatMap((s) => s.latencies).sort((a, b) => a - b);
  let [p50, p90, p99] = [quantile(latencies, 0.5), quantile(latencies, 0.9), quantile(latencies, 0.99)];
  if (faulty('latency-quantiles-disordered')) [p50, p99] = [p99 + 1, p50];
  const success = stats.reduce((n, s) => n + s.success, 0);
  return [
    { name: 'p99_response_latency', unit: 'ms', value: millis(p99) },
    { name: 'p90_response_latency', unit: 'ms', value: millis(p90) },
    { name: 'p50_response_latency', unit: 'ms', value: millis(p50) },
    { name: 'success_count', value: String(success) },
    { name: 'failure_count', value: String(stats.reduce((n, s) => n + s.failure, 0)) },
  ];
}

function trafficMetrics(resource: ResourceRef, edge: { direction: 'to' | 'from'; side: 'client' | 'server'; resource: ResourceRef | Record<string, never> }, stats: EdgeStats[], faulty: Faulty): object {
  const now = new Date().toISOString();
  return {
    kind: 'TrafficMetrics',
    apiVersion: METRICS_GROUP_VERSION,
    metadata: { name: resource.name, ...(resource.namespace ? { namespace: resource.namespace } : {}), creationTimestamp: now, selfLink: '' },
    timestamp: now,
    window: WINDOW,
    resource,
    edge,
    metrics: metricsOf(stats, faulty),
  };
}

/** The resource's inbound traffic, summed over every client. */
export function resourceMetrics(recorder: MetricsRecorder, resource: ResourceRef, faulty: Faulty, resolve: Resolve): object {
  const inbound = recorder.all().filter((s) => same(resolve(s.to, resource.kind), resource));
  return trafficMetrics(resource, { direction: 'from', side: 'server', resource: {} }, inbound, faulty);
}

/** One TrafficMetrics per peer: traffic from it (server side) and to it (client side). */
export function edgeMetrics(recorder: MetricsRecorder, resource: ResourceRef, faulty: Faulty, resolve: Resolve): object[] {
  const peers = new Map<string, { peer: ResourceRef; direction: 'to' | 'from'; stats: EdgeStats[] }>();
  for (const s of recorder.all()) {
    const from = resolve(s.from, resource.kind);
    const to = resolve(s.to, resource.kind);
    for (const [direction, self, peer] of [['from', to, from], ['to', from, to]] as const) {
      if (!same(self, resource) || !peer) continue;
      const key = `${direction}|${peer.namespace ?? ''}/${peer.name}`;
      if (!peers.has(key)) peers.set(key, { peer, direction, stats: [] });
      peers.get(key)!.stats.push(s);
    }
  }
  return [...peers.values()].map(({ peer, direction, stats }) =>
    trafficMetrics(resource, { direction, side: direction === 'from' ? 'server' : 'client', resource: faulty('metrics-wrong-edge') ? resource : peer }, stats, faulty),
  );
}

export function metricsList(items: object[]): object {
  return { kind: 'TrafficMetricsList', apiVersion: METRICS_GROUP_VERSION, metadata: { selfLink: '' }, items };
}
