// Traefik Mesh v1.4.8 (an upstream SMI implementation) run for real against conformal's in-memory
// API server and a real kube-apiserver with etcd: a client pod's request through the Traefik proxy
// reaches a server pod; a TrafficSplit shifts traffic between backends; in ACL mode traffic is
// denied until a TrafficTarget allows the calling pod's ServiceAccount. The proof that the peer the
// SMI suite compares against really behaves as a mesh on both servers (docs/smi/traefik-mesh.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawKubeClient } from '../../../bench/kube-client.js';
import { getVia, loopbackBlock, publishService, startLoopbackPod, type HttpAnswer, type LoopbackPod } from '../../support/loopback-workloads.js';
import { onBothApiServers, startTraefikMesh, traefikMeshTools, TRAEFIK_MESH_SMI, type ApiServerUnderTest, type TraefikMesh } from '../../support/traefik-mesh.js';

const tools = traefikMeshTools();

const STEP_MS = 60_000;
const PORT = 80;
const TARGET_PORT = 8080;

/** Polls `get` until `accept` holds; the last answer is in the error. */
async function answerUntil(what: string, get: () => Promise<HttpAnswer>, accept: (a: HttpAnswer) => boolean, timeoutMs = 30_000): Promise<HttpAnswer> {
  const until = Date.now() + timeoutMs;
  let last: HttpAnswer | Error | undefined;
  for (;;) {
    try {
      last = await get();
      if (accept(last)) return last;
    } catch (error) {
      last = error as Error;
    }
    if (Date.now() > until) throw new Error(`${what}: last answer ${last instanceof Error ? last.message : `${last?.status} ${last?.body.slice(0, 300)}`}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A TrafficSplit of apex Service `service` (also its name) over `backends` (Service → weight). */
async function createSplit(kube: RawKubeClient, ns: string, service: string, backends: Record<string, number>): Promise<void> {
  const created = await kube.request('POST', `/apis/${TRAEFIK_MESH_SMI.split}/namespaces/${ns}/trafficsplits`, {
    apiVersion: TRAEFIK_MESH_SMI.split,
    kind: 'TrafficSplit',
    metadata: { name: service, namespace: ns },
    spec: { service, backends: Object.entries(backends).map(([name, weight]) => ({ service: name, weight })) },
  });
  expect(created.code, JSON.stringify(created.body)).toBe(201);
}

const podOf = (answer: HttpAnswer) => (JSON.parse(answer.body) as { pod: string }).pod;

function describeTraefikMesh(serverName: string, start: () => Promise<ApiServerUnderTest>): void {
  describe(`Traefik Mesh v1.4.8 on ${serverName}`, () => {
    let cluster: ApiServerUnderTest;
    let kube: RawKubeClient;
    const pods: LoopbackPod[] = [];
    const ip = loopbackBlock();

    beforeAll(async () => {
      cluster = await start();
      kube = new RawKubeClient(cluster.endpoint, 8);
    }, 120_000);
    afterAll(async () => {
      await Promise.all(pods.map((p) => p.close()));
      kube?.close();
      await cluster?.close();
    });

    async function pod(namespace: string, name: string, serviceAccount: string, host: number, port?: number): Promise<LoopbackPod> {
      const started = await startLoopbackPod(kube, { namespace, name, serviceAccount, ip: ip(host), port });
      pods.push(started);
      return started;
    }

    describe('without ACL', () => {
      const ns = 'mesh-open';
      let mesh: TraefikMesh;
      let client: LoopbackPod;
      let v1: LoopbackPod;
      let v2: LoopbackPod;
      const call = (service: string, path: string) => getVia(mesh.trafficProxy, `http://${service}.${ns}.traefik.mesh:${PORT}${path}`, client.ip);

      beforeAll(async () => {
        mesh = await startTraefikMesh({ ...tools!, endpoint: cluster.endpoint, acl: false });
        client = await pod(ns, 'client', 'client', 10);
        v1 = await pod(ns, 'web-v1', 'web', 21, TARGET_PORT);
        v2 = await pod(ns, 'web-v2', 'web', 22, TARGET_PORT);
        await publishService(kube, { namespace: 'kube-system', name: 'web-v1', port: PORT, targetPort: TARGET_PORT, pods: [v1] });
        await publishService(kube, { namespace: ns, name: 'web-v1', port: PORT, targetPort: TARGET_PORT, pods: [v1] });
        await publishService(kube, { namespace: ns, name: 'web-v2', port: PORT, targetPort: TARGET_PORT, pods: [v2] });
        // The apex of the split: no pods of its own.
        await publishService(kube, { namespace: ns, name: 'web', port: PORT, targetPort: TARGET_PORT, pods: [] });
      }, 120_000);
      afterAll(async () => {
        await mesh?.close();
        // Left in place, this split would break the ACL mesh below: no pod may call it there, and
        // an empty IP allow-list makes Traefik refuse the controller's whole configuration.
        await kube?.request('DELETE', `/apis/${TRAEFIK_MESH_SMI.split}/namespaces/${ns}/trafficsplits/web`);
      });

      it('a request from the client pod through the proxy reaches the server pod of the Service', async () => {
        const answer = await answerUntil('web-v1 through the mesh', () => call('web-v1', '/hello'), (a) => a.status === 200);
        expect(podOf(answer)).toBe('web-v1');
        expect(v1.received).toContain('/hello');
        expect(v2.received).not.toContain('/hello');
        // Traefik Mesh leaves kube-system out of the mesh: the same Service there, published before
        // the one that now routes, has no route (Traefik's 404).
        const unmeshed = await getVia(mesh.trafficProxy, `http://web-v1.kube-system.traefik.mesh:${PORT}/hello`, client.ip);
        expect(unmeshed.status, unmeshed.body).toBe(404);
        expect(unmeshed.body).toContain('404 page not found');
      }, STEP_MS);

      it('a TrafficSplit sends the apex Service’s traffic to its backends by weight', async () => {
        await createSplit(kube, ns, 'web', { 'web-v1': 3, 'web-v2': 1 });
        await answerUntil('web (split) through the mesh', () => call('web', '/split'), (a) => a.status === 200);
        const counts = new Map<string, number>();
        for (let i = 0; i < 40; i++) {
          const answer = await call('web', '/split');
          expect(answer.status, answer.body).toBe(200);
          counts.set(podOf(answer), (counts.get(podOf(answer)) ?? 0) + 1);
        }
        // Traefik's weighted round robin is deterministic: 3:1 gives 30 and 10 of 40.
        expect(counts.get('web-v1') ?? 0).toBeGreaterThanOrEqual(25);
        expect(counts.get('web-v2') ?? 0).toBeGreaterThanOrEqual(5);
        expect(counts.get('web-v1')! + counts.get('web-v2')!).toBe(40);

        // Shifting all weight to v2 moves the traffic there.
        const current = await kube.request('GET', `/apis/${TRAEFIK_MESH_SMI.split}/namespaces/${ns}/trafficsplits/web`);
        const shifted = await kube.request('PUT', `/apis/${TRAEFIK_MESH_SMI.split}/namespaces/${ns}/trafficsplits/web`, {
          ...current.body,
          spec: { service: 'web', backends: [{ service: 'web-v2', weight: 1 }] },
        });
        expect(shifted.code, JSON.stringify(shifted.body)).toBe(200);
        await answerUntil('web (shifted) through the mesh', async () => {
          const answers = await Promise.all([1, 2, 3, 4].map(() => call('web', '/shifted')));
          return answers.find((a) => a.status !== 200 || podOf(a) !== 'web-v2') ?? answers[0]!;
        }, (a) => a.status === 200 && podOf(a) === 'web-v2');
      }, STEP_MS);
    });

    describe('with ACL', () => {
      const ns = 'mesh-acl';
      let mesh: TraefikMesh;
      let client: LoopbackPod;
      let stranger: LoopbackPod;
      const call = (from: LoopbackPod, path: string, service = 'api') => getVia(mesh.trafficProxy, `http://${service}.${ns}.traefik.mesh:${PORT}${path}`, from.ip);
      /** A TrafficTarget from ServiceAccount client to api, for one match of one HTTPRouteGroup. */
      const allowClient = async (name = 'client-to-api', group = 'api-routes', match = 'everything') => {
        const target = await kube.request('POST', `/apis/${TRAEFIK_MESH_SMI.access}/namespaces/${ns}/traffictargets`, {
          apiVersion: TRAEFIK_MESH_SMI.access,
          kind: 'TrafficTarget',
          metadata: { name, namespace: ns },
          spec: {
            destination: { kind: 'ServiceAccount', name: 'api', namespace: ns },
            rules: [{ kind: 'HTTPRouteGroup', name: group, matches: [match] }],
            sources: [{ kind: 'ServiceAccount', name: 'client', namespace: ns }],
          },
        });
        expect(target.code, JSON.stringify(target.body)).toBe(201);
      };

      beforeAll(async () => {
        mesh = await startTraefikMesh({ ...tools!, endpoint: cluster.endpoint, acl: true });
        client = await pod(ns, 'client', 'client', 30);
        stranger = await pod(ns, 'stranger', 'stranger', 31);
        const api = await pod(ns, 'api', 'api', 40, TARGET_PORT);
        await publishService(kube, { namespace: ns, name: 'api', port: PORT, targetPort: TARGET_PORT, pods: [api] });
        await mesh.waitForProxyConfig('a router for Service api', (data) => Object.values(data.routers ?? {}).some((r) => r.rule?.includes(`api.${ns}.traefik.mesh`)));
      }, 120_000);
      afterAll(async () => {
        await mesh?.close();
      });

      it('denies every pod by default, allows the sources a TrafficTarget names, and denies again once it is deleted', async () => {
        expect((await call(client, '/denied')).status).toBe(403);
        const group = await kube.request('POST', `/apis/${TRAEFIK_MESH_SMI.specs}/namespaces/${ns}/httproutegroups`, {
          apiVersion: TRAEFIK_MESH_SMI.specs,
          kind: 'HTTPRouteGroup',
          metadata: { name: 'api-routes', namespace: ns },
          spec: { matches: [{ name: 'everything', pathRegex: '/.*', methods: ['*'] }] },
        });
        expect(group.code, JSON.stringify(group.body)).toBe(201);
        await allowClient();
        const allowed = await answerUntil('client → api once allowed', () => call(client, '/allowed'), (a) => a.status === 200);
        expect(podOf(allowed)).toBe('api');
        expect((await call(stranger, '/stranger')).status).toBe(403);

        const deleted = await kube.request('DELETE', `/apis/${TRAEFIK_MESH_SMI.access}/namespaces/${ns}/traffictargets/client-to-api`);
        expect(deleted.code).toBe(200);
        await answerUntil('client → api once the TrafficTarget is gone', () => call(client, '/again'), (a) => a.status === 403);
      }, STEP_MS);

      it('a TrafficSplit is open to the pods allowed to every backend, through a second proxy hop', async () => {
        await allowClient();
        const apiB = await pod(ns, 'api-b', 'api', 41, TARGET_PORT);
        await publishService(kube, { namespace: ns, name: 'api-b', port: PORT, targetPort: TARGET_PORT, pods: [apiB] });
        await publishService(kube, { namespace: ns, name: 'shop', port: PORT, targetPort: TARGET_PORT, pods: [] });
        await createSplit(kube, ns, 'shop', { api: 1, 'api-b': 1 });
        await answerUntil('client → shop (split)', () => call(client, '/shop', 'shop'), (a) => a.status === 200);
        const seen = new Set<string>();
        for (let i = 0; i < 6; i++) {
          const answer = await call(client, '/shop', 'shop');
          expect(answer.status, answer.body).toBe(200);
          seen.add(podOf(answer));
        }
        expect([...seen].sort()).toEqual(['api', 'api-b']);
        // The backends are reached by name through the proxy again; the second hop admits the
        // request by the client's address in X-Forwarded-For, so a stranger stays out.
        expect((await call(stranger, '/shop', 'shop')).status).toBe(403);
        expect((await call(stranger, '/direct', 'api-b')).status).toBe(403);
      }, STEP_MS);

      it('a TrafficTarget allows only the paths of the HTTPRouteGroup matches it names', async () => {
        const removed = await kube.request('DELETE', `/apis/${TRAEFIK_MESH_SMI.access}/namespaces/${ns}/traffictargets/client-to-api`);
        expect(removed.code).toBe(200);
        const group = await kube.request('POST', `/apis/${TRAEFIK_MESH_SMI.specs}/namespaces/${ns}/httproutegroups`, {
          apiVersion: TRAEFIK_MESH_SMI.specs,
          kind: 'HTTPRouteGroup',
          metadata: { name: 'metrics', namespace: ns },
          spec: { matches: [{ name: 'metrics', pathRegex: '/metrics', methods: ['GET'] }, { name: 'health', pathRegex: '/healthz', methods: ['GET'] }] },
        });
        expect(group.code, JSON.stringify(group.body)).toBe(201);
        await allowClient('client-metrics', 'metrics', 'metrics');
        // Once only the narrower target is in force, /allowed (open before) is refused.
        await answerUntil('client → api /allowed refused', () => call(client, '/allowed'), (a) => a.status === 403);
        const metrics = await answerUntil('client → api /metrics', () => call(client, '/metrics'), (a) => a.status === 200);
        expect(podOf(metrics)).toBe('api');
        // The group's other match is not named by the target.
        expect((await call(client, '/healthz')).status).toBe(403);
        expect((await call(stranger, '/metrics')).status).toBe(403);
      }, STEP_MS);
    });
  });
}

onBothApiServers('Traefik Mesh', tools !== undefined, describeTraefikMesh);
