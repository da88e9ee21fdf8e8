// The reference management plane on the in-memory API server: a Cluster with a MachineDeployment
// reaches Running Machines with Nodes, and scaling to zero removes Machines, clones and Nodes.
import { CustomObjectsApi, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeServer, type KubeServer } from '../../../src/kube/index.js';
import { RefKinds, startReferenceCapi, type ReferenceCapi } from '../../../src/reference/capi/index.js';

let server: KubeServer;
let capi: ReferenceCapi;

beforeAll(async () => {
  server = await startKubeServer();
  capi = await startReferenceCapi({ kubeconfig: server.kubeconfig, ...(process.env.CAPI_DEBUG ? { log: { info: console.log, warn: console.log, debug: console.log } } : {}) });
}, 30_000);
afterAll(async () => {
  await capi?.close();
  await server?.close();
});

async function until<T>(what: string, read: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out: ${what}: ${JSON.stringify(await read().catch(() => 'x'))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('reference Cluster API controllers', () => {
  it('a MachineDeployment of 3 reaches Running with Nodes, and 0 removes everything', async () => {
    const kc = server.kubeConfig();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = 'md';
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const create = (kind: { group: string; version: string; plural: string; kind: string }, body: Record<string, unknown>) =>
      custom.createNamespacedCustomObject({ group: kind.group, version: kind.version, plural: kind.plural, namespace, body: { apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, ...body } });
    const capiKind = (kind: string, plural: string) => ({ group: 'cluster.x-k8s.io', version: 'v1beta2', kind, plural });
    await create(RefKinds.infraCluster, { metadata: { name: 'c1' }, spec: {} });
    await create(capiKind('Cluster', 'clusters'), { metadata: { name: 'c1' }, spec: { infrastructureRef: { apiGroup: RefKinds.infraCluster.group, kind: 'ConformalCluster', name: 'c1' } } });
    await create(RefKinds.infraMachineTemplate, { metadata: { name: 'workers' }, spec: { template: { spec: {} } } });
    await create(RefKinds.bootstrapConfigTemplate, { metadata: { name: 'workers' }, spec: { template: { spec: {} } } });
    const template = {
      metadata: { labels: { pool: 'workers' } },
      spec: {
        clusterName: 'c1',
        infrastructureRef: { apiGroup: RefKinds.infraMachineTemplate.group, kind: 'ConformalMachineTemplate', name: 'workers' },
        bootstrap: { configRef: { apiGroup: RefKinds.bootstrapConfigTemplate.group, kind: 'ConformalConfigTemplate', name: 'workers' } },
      },
    };
    await create(capiKind('MachineDeployment', 'machinedeployments'), { metadata: { name: 'md' }, spec: { clusterName: 'c1', replicas: 3, selector: { matchLabels: { pool: 'workers' } }, template } });
    const machines = () => custom.listNamespacedCustomObject({ group: 'cluster.x-k8s.io', version: 'v1beta2', plural: 'machines', namespace }) as Promise<{ items: Array<{ status?: { phase?: string; nodeRef?: { name: string } } }> }>;
    const running = await until('3 Running machines', async () => {
      const items = (await machines()).items;
      return items.length === 3 && items.every((m) => m.status?.phase === 'Running' && m.status.nodeRef) ? items : undefined;
    });
    const nodes = (await core.listNode()).items.map((n) => n.metadata!.name);
    for (const m of running) expect(nodes).toContain(m.status!.nodeRef!.name);
    expect(capi.inventory().machines).toHaveLength(3);

    await custom.patchNamespacedCustomObject({ group: 'cluster.x-k8s.io', version: 'v1beta2', plural: 'machinedeployments', namespace, name: 'md', body: { spec: { replicas: 0 } } }, (await import('../../../src/reference/cloud/kube-client.js')).MERGE_PATCH);
    await until('no machine', async () => ((await machines()).items.length === 0 ? true : undefined));
    await until('no infra machine, node or cloud machine', async () => {
      const infra = (await custom.listNamespacedCustomObject({ group: RefKinds.infraMachine.group, version: 'v1beta2', plural: RefKinds.infraMachine.plural, namespace })) as { items: unknown[] };
      return infra.items.length === 0 && (await core.listNode()).items.length === 0 && capi.inventory().machines.length === 0 ? true : undefined;
    });
  }, 30_000);
});
