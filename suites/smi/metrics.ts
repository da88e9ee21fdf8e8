// Traffic Metrics v1alpha1: the metrics API is an aggregated API (an APIService); TrafficMetrics
// of pods, Deployments and namespaces count what the suite sent, edges name the peer and the direction,
// latencies come as p50 <= p90 <= p99, and lists can be narrowed by label selector.
import { ConformanceError } from '../../src/core/errors.js';
import type { ClientPod } from '../../src/interfaces/smi/traffic.js';
import { SmiFeature } from '../../src/interfaces/smi/features.js';
import { allowedEventually } from './checks.js';
import { METRICS, smiTest, spec, type SmiContext, type SmiTest } from './define.js';
import { HTTP_PORT, standardApp, testApp, type TestApp } from './fixtures.js';
import { getJson } from './raw.js';

const BASE = '/apis/metrics.smi-spec.io/v1alpha1';
const OK_REQUESTS = 20;
const FAILED_REQUESTS = 5;

interface Metric {
  name: string;
  unit?: string;
  value: string;
}
interface ResourceRef {
  kind?: string;
  name?: string;
  namespace?: string;
}
export interface TrafficMetrics {
  kind: string;
  resource: ResourceRef;
  edge?: { direction?: string; side?: string; resource?: ResourceRef };
  metrics: Metric[];
}

/** A resource.Quantity as a number ("1500m" = 1.5). */
export function quantity(value: string | undefined): number {
  const m = /^(-?\d+(?:\.\d+)?)(m|k|M)?$/.exec(value ?? '');
  if (!m) return Number.NaN;
  return Number(m[1]) * ({ m: 1e-3, k: 1e3, M: 1e6 }[m[2] as 'm' | 'k' | 'M'] ?? 1);
}

const metric = (tm: TrafficMetrics, name: string) => quantity(tm.metrics.find((m) => m.name === name)?.value);

async function get<T>(ctx: SmiContext, path: string): Promise<T> {
  const { status, body } = await getJson<T>(ctx.env.kc, path, ctx.signal);
  if (status !== 200) throw new ConformanceError(`GET ${path} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

type Counts = { success: number; failure: number };
const countsOf = (tm: TrafficMetrics | undefined): Counts => ({ success: tm ? metric(tm, 'success_count') : 0, failure: tm ? metric(tm, 'failure_count') : 0 });

/** Reads `read` until it answers counts satisfying `enough`, within the consistency window. */
async function countsWhen(ctx: SmiContext, what: string, read: () => Promise<TrafficMetrics | undefined>, enough: (c: Counts) => boolean): Promise<TrafficMetrics> {
  const until = Date.now() + 30_000;
  let last: TrafficMetrics | undefined;
  while (Date.now() < until && !ctx.signal.aborted) {
    last = await read();
    if (last && enough(countsOf(last))) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new ConformanceError(`${what}: the counts never got there within 30 s; last: ${JSON.stringify(last?.metrics)}`);
}

/**
 * Allows client -> server, warms up, reads each metrics source as a baseline, then sends 20
 * requests answered 200 and 5 answered 500; answers what each source counted since its baseline.
 */
async function countedTraffic(
  ctx: SmiContext,
  sources: Record<string, (app: TestApp) => Promise<TrafficMetrics | undefined>>,
  setup: () => Promise<{ app: TestApp; client: ClientPod; service: string }> = async () => ({ ...(await standardApp(ctx)), service: 'server' }),
): Promise<{ app: TestApp; client: ClientPod; deltas: Record<string, { counts: Counts; metrics: TrafficMetrics }> }> {
  const { app, client, service } = await setup();
  await app.routeGroup('all', [{ name: 'any', pathRegex: '.*', methods: ['*'] }]);
  await app.allow('client-to-server', 'server', ['client'], [{ kind: 'HTTPRouteGroup', name: 'all' }]);
  await allowedEventually(ctx, app.request(client, service, 'http', HTTP_PORT, { path: '/warmup' }), 'traffic is allowed');
  const baselines: Record<string, Counts> = {};
  // The warm-up's 3 successes are counted before the baseline is taken, so they do not blur the delta.
  for (const [name, read] of Object.entries(sources)) baselines[name] = countsOf(await countsWhen(ctx, `${name} before the traffic`, () => read(app), (c) => c.success >= 3));
  const ok = await ctx.env.traffic.send(app.request(client, service, 'http', HTTP_PORT), OK_REQUESTS, ctx.signal);
  const failed = await ctx.env.traffic.send(app.request(client, service, 'http', HTTP_PORT, { path: '/status/500' }), FAILED_REQUESTS, ctx.signal);
  if (ok.some((r) => !r.ok) || failed.some((r) => r.status !== 500)) throw new ConformanceError('the known traffic did not go through as sent');
  const deltas: Record<string, { counts: Counts; metrics: TrafficMetrics }> = {};
  for (const [name, read] of Object.entries(sources)) {
    const base = baselines[name]!;
    const after = await countsWhen(ctx, name, () => read(app), (c) => c.success - base.success + c.failure - base.failure >= OK_REQUESTS + FAILED_REQUESTS);
    const c = countsOf(after);
    deltas[name] = { counts: { success: c.success - base.success, failure: c.failure - base.failure }, metrics: after };
  }
  return { app, client, deltas };
}

function countProblems(what: string, counts: Counts): string[] {
  const problems: string[] = [];
  if (counts.success !== OK_REQUESTS) problems.push(`${what}: success_count grew by ${counts.success}, the suite sent ${OK_REQUESTS} requests answered 200`);
  if (counts.failure !== FAILED_REQUESTS) problems.push(`${what}: failure_count grew by ${counts.failure}, the suite sent ${FAILED_REQUESTS} requests answered 500`);
  return problems;
}

const podMetrics = (ctx: SmiContext, pod: string) => (app: TestApp) => get<TrafficMetrics>(ctx, `${BASE}/namespaces/${app.namespace}/pods/${pod}`);
const edgeOf = (ctx: SmiContext, pod: string, direction: 'from' | 'to') => async (app: TestApp) =>
  (await get<{ items: TrafficMetrics[] }>(ctx, `${BASE}/namespaces/${app.namespace}/pods/${pod}/edges`)).items.find((e) => e.edge?.direction === direction);

function expectNoProblems(problems: string[]): void {
  if (problems.length) throw new ConformanceError(problems.join('; '));
}

export const metricsTests: readonly SmiTest[] = [
  smiTest({
    id: 'smi.metrics.discoverable',
    title: 'Traffic Metrics: metrics.smi-spec.io/v1alpha1 is an APIService serving pods and namespaces',
    spec: spec('metrics', 'Specification', 'the metrics are served through an APIService (an aggregated API), discoverable like any other'),
    profile: 'core',
    operations: ['TrafficMetrics'],
    requires: METRICS,
    async run(ctx) {
      const service = await get<{ spec?: { group?: string; version?: string; service?: unknown } }>(ctx, '/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.metrics.smi-spec.io');
      if (service.spec?.group !== 'metrics.smi-spec.io' || service.spec.version !== 'v1alpha1') throw new ConformanceError(`APIService v1alpha1.metrics.smi-spec.io names ${service.spec?.group}/${service.spec?.version}`);
      const groups = await get<{ groups: Array<{ name: string }> }>(ctx, '/apis');
      if (!groups.groups.some((g) => g.name === 'metrics.smi-spec.io')) throw new ConformanceError('/apis does not list metrics.smi-spec.io');
      const resources = await get<{ resources: Array<{ name: string; verbs?: string[] }> }>(ctx, BASE);
      for (const name of ['pods', 'namespaces']) {
        const r = resources.resources.find((x) => x.name === name);
        if (!r || !['get', 'list'].every((v) => r.verbs?.includes(v))) throw new ConformanceError(`${BASE} does not serve ${name} with get and list: ${JSON.stringify(resources.resources)}`);
      }
    },
  }),
  smiTest({
    id: 'smi.metrics.pod-counts',
    title: 'Traffic Metrics: success and failure counts of a pod agree with the traffic sent',
    spec: spec('metrics', 'Specification', 'success_count and failure_count of the requests a resource handled'),
    profile: 'core',
    operations: ['TrafficMetrics'],
    requires: METRICS,
    async run(ctx) {
      const { deltas } = await countedTraffic(ctx, { 'pod server': podMetrics(ctx, 'server') });
      const { metrics: tm, counts } = deltas['pod server']!;
      if (tm.kind !== 'TrafficMetrics' || tm.resource.name !== 'server') throw new ConformanceError(`expected TrafficMetrics of pod server, got ${tm.kind} of ${JSON.stringify(tm.resource)}`);
      expectNoProblems(countProblems('pod server', counts));
    },
  }),
  smiTest({
    id: 'smi.metrics.latency-quantiles',
    title: 'Traffic Metrics: p50, p90 and p99 latencies are present, with a unit, and ordered',
    spec: spec('metrics', 'Specification', 'p99_response_latency, p90_response_latency, p50_response_latency'),
    profile: 'core',
    operations: ['TrafficMetrics'],
    requires: METRICS,
    async run(ctx) {
      const { deltas } = await countedTraffic(ctx, { 'pod server': podMetrics(ctx, 'server') });
      const tm = deltas['pod server']!.metrics;
      const [p50, p90, p99] = ['p50', 'p90', 'p99'].map((q) => metric(tm, `${q}_response_latency`));
      const units = tm.metrics.filter((m) => m.name.endsWith('_response_latency')).map((m) => m.unit);
      if ([p50, p90, p99].some((v) => !Number.isFinite(v) || v! < 0)) throw new ConformanceError(`latencies missing or not quantities: ${JSON.stringify(tm.metrics)}`);
      if (units.length !== 3 || units.some((u) => !u)) throw new ConformanceError(`latencies without a unit: ${JSON.stringify(tm.metrics)}`);
      if (!(p50! <= p90! && p90! <= p99!)) throw new ConformanceError(`quantiles out of order: p50=${p50} p90=${p90} p99=${p99}`);
    },
  }),
  smiTest({
    id: 'smi.metrics.edges',
    title: 'Traffic Metrics: the edges of a pod name its peer, the direction and the counts',
    spec: spec('metrics', 'Edges', 'edges describe traffic between a resource and its peers, direction to or from'),
    profile: 'core',
    operations: ['TrafficMetrics'],
    requires: METRICS,
    async run(ctx) {
      const { app, deltas } = await countedTraffic(ctx, { 'edge from client': edgeOf(ctx, 'server', 'from') });
      expectNoProblems(countProblems('edge from client', deltas['edge from client']!.counts));
      const inbound = await get<{ items: TrafficMetrics[] }>(ctx, `${BASE}/namespaces/${app.namespace}/pods/server/edges`);
      const from = inbound.items.filter((e) => e.edge?.direction === 'from');
      if (from.length !== 1 || from[0]!.edge?.resource?.name !== 'client' || from[0]!.edge.resource.namespace !== app.namespace) throw new ConformanceError(`server's edges should be one "from" edge with pod client: ${JSON.stringify(inbound.items.map((e) => e.edge))}`);
      const outbound = await get<{ items: TrafficMetrics[] }>(ctx, `${BASE}/namespaces/${app.namespace}/pods/client/edges`);
      const to = outbound.items.filter((e) => e.edge?.direction === 'to');
      if (to.length !== 1 || to[0]!.edge?.resource?.name !== 'server') throw new ConformanceError(`client's edges should be one "to" edge with pod server: ${JSON.stringify(outbound.items.map((e) => e.edge))}`);
    },
  }),
  smiTest({
    id: 'smi.metrics.deployment',
    title: 'Traffic Metrics: a Deployment counts the traffic of all its pods',
    spec: spec('metrics', 'Specification', 'TrafficMetrics for deployments, the sum of their pods'),
    profile: 'extended',
    operations: ['TrafficMetrics', 'Deployment'],
    requires: [...METRICS, SmiFeature.deploymentMetrics],
    tags: ['Feature:DeploymentMetrics'],
    async run(ctx) {
      let pods: string[] = [];
      const deploymentOf = (app: TestApp) => get<TrafficMetrics>(ctx, `${BASE}/namespaces/${app.namespace}/deployments/web`);
      const { app, deltas } = await countedTraffic(ctx, { 'deployment web': deploymentOf }, async () => {
        const app = await testApp(ctx);
        await app.serviceAccount('server');
        await app.serviceAccount('client');
        pods = await app.deployment('web', 'server', { app: 'web' }, 2);
        await app.service('web', { app: 'web' });
        const client = await app.client('client', 'client');
        await app.ready('client');
        return { app, client, service: 'web' };
      });
      const { metrics: tm, counts } = deltas['deployment web']!;
      if (tm.resource.kind !== 'Deployment' || tm.resource.name !== 'web') throw new ConformanceError(`expected TrafficMetrics of Deployment web, got ${JSON.stringify(tm.resource)}`);
      expectNoProblems(countProblems('deployment web', counts));
      // Both replicas served (the Service balances them), so the Deployment's figures must be the sum of its pods'.
      const perPod = await Promise.all(pods.map((pod) => get<TrafficMetrics>(ctx, `${BASE}/namespaces/${app.namespace}/pods/${pod}`)));
      const sum = perPod.reduce((n, p) => ({ success: n.success + countsOf(p).success, failure: n.failure + countsOf(p).failure }), { success: 0, failure: 0 });
      const whole = countsOf(tm);
      if (whole.success !== sum.success || whole.failure !== sum.failure) throw new ConformanceError(`Deployment web counts ${JSON.stringify(whole)}, its pods ${pods.join(', ')} together ${JSON.stringify(sum)}`);
    },
  }),
  smiTest({
    id: 'smi.metrics.namespace',
    title: 'Traffic Metrics: a namespace counts the traffic of its pods',
    spec: spec('metrics', 'Specification', 'TrafficMetrics for namespaces'),
    profile: 'core',
    operations: ['TrafficMetrics'],
    requires: METRICS,
    async run(ctx) {
      const { deltas } = await countedTraffic(ctx, { namespace: (app) => get<TrafficMetrics>(ctx, `${BASE}/namespaces/${app.namespace}`) });
      expectNoProblems(countProblems('namespace', deltas.namespace!.counts));
    },
  }),
  smiTest({
    id: 'smi.metrics.label-selector',
    title: 'Traffic Metrics: listing pods by label selector gives exactly the selected pods',
    spec: spec('metrics', 'Specification', 'TrafficMetricsList by label selector'),
    profile: 'core',
    operations: ['TrafficMetrics'],
    requires: METRICS,
    async run(ctx) {
      const { app } = await countedTraffic(ctx, {});
      const list = await get<{ kind: string; items: TrafficMetrics[] }>(ctx, `${BASE}/namespaces/${app.namespace}/pods?labelSelector=${encodeURIComponent('app=server')}`);
      const names = list.items.map((i) => i.resource.name).sort();
      if (list.kind !== 'TrafficMetricsList' || JSON.stringify(names) !== JSON.stringify(['server'])) throw new ConformanceError(`app=server should select pod server only, got ${list.kind} of ${JSON.stringify(names)}`);
    },
  }),
];
