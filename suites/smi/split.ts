// Traffic Split v1alpha4: clients of the root service are spread over the backends by relative
// weight (checked as Gateway API does: ±5 points over 500 requests, retried), weight 0 gets
// nothing, A/B matches send only matching requests to the backends, a backend sharing no port
// with the root service is left out, and changes take effect within the consistency window.
import { ConformanceError } from '../../src/core/errors.js';
import type { ClientPod } from '../../src/interfaces/smi/traffic.js';
import { allowedEventually, eventually, expectWeights } from './checks.js';
import { smiTest, spec, SPLIT, type SmiContext, type SmiTest } from './define.js';
import { HTTP_PORT, testApp, type PortSpec, type TestApp } from './fixtures.js';

const HTTP: readonly PortSpec[] = [{ port: HTTP_PORT, protocol: 'http' }];

/** Root service `web` (its own pod web-root) and backends web-v1, web-v2 (pods of the same names); traffic allowed. */
async function splitApp(ctx: SmiContext, extra: Array<{ name: string; ports: readonly PortSpec[] }> = []): Promise<{ app: TestApp; client: ClientPod }> {
  const app = await testApp(ctx);
  await app.serviceAccount('server');
  await app.serviceAccount('client');
  const versions = [{ name: 'root', ports: HTTP }, { name: 'v1', ports: HTTP }, { name: 'v2', ports: HTTP }, ...extra];
  for (const v of versions) {
    await app.server(`web-${v.name}`, 'server', { app: 'web', version: v.name }, v.ports);
    await app.service(v.name === 'root' ? 'web' : `web-${v.name}`, { app: 'web', version: v.name }, v.ports);
  }
  const client = await app.client('client', 'client');
  await app.ready(...versions.map((v) => `web-${v.name}`), 'client');
  await app.routeGroup('all', [{ name: 'any', pathRegex: '.*', methods: ['*'] }]);
  await app.allow('client-to-web', 'server', ['client'], [{ kind: 'HTTPRouteGroup', name: 'all' }]);
  await allowedEventually(ctx, app.request(client, 'web', 'http', HTTP_PORT), 'the root service answers');
  return { app, client };
}

/** Waits until requests stop reaching the root service's own pod: the split is in force. */
async function splitInForce(ctx: SmiContext, app: TestApp, client: ClientPod, backends: string[]): Promise<void> {
  await eventually(ctx, app.request(client, 'web', 'http', HTTP_PORT), (r) => r.ok && backends.includes(r.backend ?? ''), `requests for web reach ${backends.join(' or ')}`);
}

async function expectOnly(ctx: SmiContext, app: TestApp, client: ClientPod, backend: string): Promise<void> {
  await splitInForce(ctx, app, client, [backend]);
  await expectWeights(ctx, app.request(client, 'web', 'http', HTTP_PORT), { [backend]: 1 });
}

/** Every split test is core, sends HTTP through a TrafficSplit and may take two minutes (500 requests, retried). */
const splitTest = (definition: Omit<SmiTest, 'profile' | 'operations' | 'requires' | 'timeoutMs'>): SmiTest =>
  smiTest({ profile: 'core', operations: ['HTTP', 'TrafficSplit'], requires: SPLIT, timeoutMs: 120_000, ...definition });

export const splitTests: readonly SmiTest[] = [
  splitTest({
    id: 'smi.split.weights',
    title: 'Traffic Split: a 70/30 split is within 5 points over 500 requests',
    spec: spec('split', 'Specification', 'backends receive traffic in proportion to their weights'),
    async run(ctx) {
      const { app, client } = await splitApp(ctx);
      await app.split('web', 'web', [{ service: 'web-v1', weight: 70 }, { service: 'web-v2', weight: 30 }]);
      await splitInForce(ctx, app, client, ['web-v1', 'web-v2']);
      await expectWeights(ctx, app.request(client, 'web', 'http', HTTP_PORT), { 'web-v1': 70, 'web-v2': 30 });
    },
  }),
  splitTest({
    id: 'smi.split.all-or-nothing',
    title: 'Traffic Split: 100/0 sends everything to the first backend, 0/100 everything to the second',
    spec: spec('split', 'Specification', 'a backend of weight 0 receives no traffic'),
    async run(ctx) {
      const { app, client } = await splitApp(ctx);
      const split = await app.split('web', 'web', [{ service: 'web-v1', weight: 100 }, { service: 'web-v2', weight: 0 }]);
      await expectOnly(ctx, app, client, 'web-v1');
      await app.replace({ ...split, spec: { service: 'web', backends: [{ service: 'web-v1', weight: 0 }, { service: 'web-v2', weight: 100 }] } } as typeof split);
      await expectOnly(ctx, app, client, 'web-v2');
    },
  }),
  splitTest({
    id: 'smi.split.relative-weights',
    title: 'Traffic Split: weights are relative, 1000/500 is two thirds and one third',
    spec: spec('split', 'Specification', 'weights are relative to the sum of the weights of all backends'),
    async run(ctx) {
      const { app, client } = await splitApp(ctx);
      await app.split('web', 'web', [{ service: 'web-v1', weight: 1000 }, { service: 'web-v2', weight: 500 }]);
      await splitInForce(ctx, app, client, ['web-v1', 'web-v2']);
      await expectWeights(ctx, app.request(client, 'web', 'http', HTTP_PORT), { 'web-v1': 1000, 'web-v2': 500 });
    },
  }),
  splitTest({
    id: 'smi.split.ab-matches',
    title: 'Traffic Split: with matches, matching requests go to the backends and the rest to the root service',
    spec: spec('split', 'A/B testing', 'requests that match none of the route groups are sent to the root service'),
    async run(ctx) {
      const { app, client } = await splitApp(ctx);
      await app.routeGroup('canary', [{ name: 'canary', headers: { 'x-canary': 'true' } }]);
      await app.split('web', 'web', [{ service: 'web-v2', weight: 100 }], [{ kind: 'HTTPRouteGroup', name: 'canary' }]);
      const canary = app.request(client, 'web', 'http', HTTP_PORT, { headers: { 'x-canary': 'true' } });
      await eventually(ctx, canary, (r) => r.ok && r.backend === 'web-v2', 'a request with x-canary: true reaches web-v2');
      await expectWeights(ctx, canary, { 'web-v2': 1 });
      await expectWeights(ctx, app.request(client, 'web', 'http', HTTP_PORT), { 'web-root': 1 });
    },
  }),
  splitTest({
    id: 'smi.split.port-mismatch-excluded',
    title: 'Traffic Split: a backend that shares no port with the root service gets no traffic',
    spec: spec('split', 'Ports', 'a backend service must share a port with the root service, otherwise it is excluded'),
    async run(ctx) {
      const { app, client } = await splitApp(ctx, [{ name: 'v3', ports: [{ port: 8080, protocol: 'http' }] }]);
      await app.split('web', 'web', [{ service: 'web-v1', weight: 50 }, { service: 'web-v3', weight: 50 }]);
      await splitInForce(ctx, app, client, ['web-v1', 'web-v3']);
      await expectWeights(ctx, app.request(client, 'web', 'http', HTTP_PORT), { 'web-v1': 1 });
    },
  }),
  splitTest({
    id: 'smi.split.update-within-window',
    title: 'Traffic Split: a changed split takes effect within the consistency window',
    spec: spec('split', 'Specification', 'the split in force is the current TrafficSplit'),
    async run(ctx) {
      const { app, client } = await splitApp(ctx);
      const split = await app.split('web', 'web', [{ service: 'web-v1', weight: 1 }]);
      await splitInForce(ctx, app, client, ['web-v1']);
      const started = Date.now();
      await app.replace({ ...split, spec: { service: 'web', backends: [{ service: 'web-v2', weight: 1 }] } } as typeof split);
      await splitInForce(ctx, app, client, ['web-v2']);
      ctx.measure('split_update_seconds', (Date.now() - started) / 1000);
      const counts = await ctx.env.traffic.send(app.request(client, 'web', 'http', HTTP_PORT), 20, ctx.signal);
      const stale = counts.filter((r) => r.backend !== 'web-v2');
      if (stale.length > 0) throw new ConformanceError(`${stale.length} of 20 requests after the update did not reach web-v2`);
    },
  }),
];
