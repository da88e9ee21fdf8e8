// The reference management plane on the in-memory API server: a Cluster with a MachineDeployment
// reaches Running Machines with Nodes, and scaling to zero removes Machines, clones and Nodes; a
// Cluster with a ConformalControlPlane gets Running control-plane Machines, a kubeconfig whose
// client certificate its CA signed, the CA in <cluster>-ca, its Machines spread over the failure
// domains and following the machine template's metadata in place, and the initialization
// surfaced; deleting it removes all.
import { X509Certificate } from 'node:crypto';
import { CustomObjectsApi, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
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

  it('a ConformalControlPlane of 3 reaches Running Machines one per failure domain, a kubeconfig signed by its CA kept in <cluster>-ca, template metadata in place and an initialized Cluster; 1 and deletion remove Machines and Secrets', async () => {
    const kc = server.kubeConfig();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = 'cp';
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const kinds = {
      cluster: { group: 'cluster.x-k8s.io', version: 'v1beta2', kind: 'Cluster', plural: 'clusters' },
    };
    const create = (kind: { group: string; version: string; plural: string; kind: string }, body: Record<string, unknown>) =>
      custom.createNamespacedCustomObject({ group: kind.group, version: kind.version, plural: kind.plural, namespace, body: { apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, ...body } });
    const read = (kind: { group: string; version: string; plural: string }, name: string) =>
      custom.getNamespacedCustomObject({ group: kind.group, version: kind.version, plural: kind.plural, namespace, name }).catch(() => undefined) as Promise<{ spec?: Record<string, any>; status?: Record<string, any> } | undefined>;
    const ref = (k: { group: string; kind: string }, name: string) => ({ apiGroup: k.group, kind: k.kind, name });
    await create(RefKinds.infraCluster, { metadata: { name: 'c1' }, spec: {} });
    await create(RefKinds.infraMachineTemplate, { metadata: { name: 'cp' }, spec: { template: { spec: {} } } });
    await create(kinds.cluster, { metadata: { name: 'c1' }, spec: { infrastructureRef: ref(RefKinds.infraCluster, 'c1'), controlPlaneRef: ref(RefKinds.controlPlane, 'c1') } });
    await create(RefKinds.controlPlane, { metadata: { name: 'c1' }, spec: { replicas: 3, version: 'v1.34.2', machineTemplate: { metadata: { labels: { tier: 'cp' } }, spec: { infrastructureRef: ref(RefKinds.infraMachineTemplate, 'cp') } } } });
    type Machine = { metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: { failureDomain?: string; deletion?: { nodeDrainTimeoutSeconds?: number } }; status?: { phase?: string } };
    const machines = async () => ((await custom.listNamespacedCustomObject({ group: 'cluster.x-k8s.io', version: 'v1beta2', plural: 'machines', namespace })) as { items: Machine[] }).items;
    await until('3 Running control-plane machines, all ready', async () => {
      const cp = await read(RefKinds.controlPlane, 'c1');
      const items = await machines();
      return items.length === 3 && items.every((m) => m.status?.phase === 'Running' && m.metadata.labels?.['cluster.x-k8s.io/control-plane'] === '') && cp?.status?.readyReplicas === 3 ? true : undefined;
    });
    const cluster = await until('the Cluster with controlPlaneInitialized', async () => {
      const c = await read(kinds.cluster, 'c1');
      return c?.status?.initialization?.controlPlaneInitialized === true ? c : undefined;
    });
    expect(cluster.status!.conditions.find((c: { type: string }) => c.type === 'ControlPlaneInitialized')?.status).toBe('True');
    const secret = await core.readNamespacedSecret({ name: 'c1-kubeconfig', namespace });
    expect(secret.type).toBe('cluster.x-k8s.io/secret');
    const workload = new KubeConfig();
    workload.loadFromString(Buffer.from(secret.data!.value!, 'base64').toString('utf8'));
    expect(workload.getCurrentCluster()?.server).toBe(`https://${cluster.spec!.controlPlaneEndpoint.host}:${cluster.spec!.controlPlaneEndpoint.port}`);
    const ca = new X509Certificate(Buffer.from(workload.getCurrentCluster()!.caData!, 'base64'));
    const client = new X509Certificate(Buffer.from(workload.getCurrentUser()!.certData!, 'base64'));
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(client.validTo) - Date.now()).toBeLessThan(31 * 24 * 3600 * 1000);
    // The cluster certificate: <cluster>-ca holds that CA, typed and labelled as the contract asks.
    const caSecret = await core.readNamespacedSecret({ name: 'c1-ca', namespace });
    expect(caSecret.type).toBe('cluster.x-k8s.io/secret');
    expect(caSecret.metadata?.labels?.['cluster.x-k8s.io/cluster-name']).toBe('c1');
    expect(new X509Certificate(Buffer.from(caSecret.data!['tls.crt']!, 'base64')).fingerprint256).toBe(ca.fingerprint256);

    // One Machine in each failure domain flagged controlPlane, each with the machine template's label.
    const three = await machines();
    expect(three.map((m) => m.spec?.failureDomain).sort()).toEqual(['zone-a', 'zone-b', 'zone-c']);
    expect(three.map((m) => m.metadata.labels?.tier)).toEqual(['cp', 'cp', 'cp']);
    // A change of the machine template's metadata and timeouts reaches the same Machines in place.
    await custom.patchNamespacedCustomObject(
      { group: RefKinds.controlPlane.group, version: 'v1beta2', plural: RefKinds.controlPlane.plural, namespace, name: 'c1', body: { spec: { machineTemplate: { metadata: { labels: { tier: 'cp2' }, annotations: { note: 'x' } }, spec: { deletion: { nodeDrainTimeoutSeconds: 5 } } } } } },
      (await import('../../../src/reference/cloud/kube-client.js')).MERGE_PATCH,
    );
    const updated = await until('the machine template change on the 3 Machines', async () => {
      const items = await machines();
      return items.every((m) => m.metadata.labels?.tier === 'cp2' && m.metadata.annotations?.note === 'x' && m.spec?.deletion?.nodeDrainTimeoutSeconds === 5) ? items : undefined;
    });
    expect(updated.map((m) => m.metadata.name).sort()).toEqual(three.map((m) => m.metadata.name).sort());

    await custom.patchNamespacedCustomObject({ group: RefKinds.controlPlane.group, version: 'v1beta2', plural: RefKinds.controlPlane.plural, namespace, name: 'c1', body: { spec: { replicas: 1 } } }, (await import('../../../src/reference/cloud/kube-client.js')).MERGE_PATCH);
    await until('1 control-plane machine', async () => ((await machines()).length === 1 ? true : undefined));
    await custom.deleteNamespacedCustomObject({ group: 'cluster.x-k8s.io', version: 'v1beta2', plural: 'clusters', namespace, name: 'c1' });
    await until('the Cluster, its control plane and machines gone', async () =>
      (await read(kinds.cluster, 'c1')) === undefined && (await read(RefKinds.controlPlane, 'c1')) === undefined && (await machines()).length === 0 ? true : undefined,
    );
    for (const name of ['c1-kubeconfig', 'c1-ca']) await expect(core.readNamespacedSecret({ name, namespace })).rejects.toThrow();
  }, 30_000);
});
