// Upstream Cluster API (core manager, CAPD's inMemory backend and the kubeadm bootstrap and control
// plane managers, built by .ci/setup/81-capi-peer.sh) as a peer: a Cluster on a DevCluster and a
// MachineDeployment of 2 replicas, with no control plane and with a KubeadmControlPlane, on a real
// kube-apiserver with etcd and on conformal's in-memory API server. How far upstream gets is
// recorded in docs/capi/upstream.md and pinned here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawKubeClient, type KubeEndpoint } from '../../../bench/kube-client.js';
import { startRealApiServer } from '../../../bench/kube-real-apiserver.js';
import { startKubeServer } from '../../../src/kube/index.js';
import { capiPeerTools, startCapiPeer, type CapiPeer } from '../../support/capi-peer.js';
import { repeatedCiRun } from '../../support/real-tools.js';
import { KUBEADM_SMOKE_CLUSTER, kubeadmSmokeObjects, SMOKE_CLUSTER, smokeObjects } from './smoke-objects.js';

const tools = capiPeerTools({ kubeadm: true });
const NS = 'capi-smoke';

interface Server {
  name: string;
  /** Nothing of Node runs in it but this test's client: CI's second run (Node 24) skips it. */
  goOnly: boolean;
  start(): Promise<KubeEndpoint & { close(): Promise<void> }>;
}

const servers: Server[] = [
  { name: 'real kube-apiserver', goOnly: true, start: () => startRealApiServer(tools!.apiserver, tools!.etcd) },
  { name: 'in-memory API server', goOnly: false, start: () => startKubeServer() },
];

for (const server of servers) {
  describe.skipIf(!tools || (server.goOnly && repeatedCiRun))(`upstream Cluster API on the ${server.name}`, () => {
    let endpoint: KubeEndpoint & { close(): Promise<void> };
    let peer: CapiPeer | undefined;
    let client: RawKubeClient;
    beforeAll(async () => {
      endpoint = await server.start();
      client = new RawKubeClient(endpoint, 8);
      peer = await startCapiPeer({ ...tools!.peer, endpoint });
    }, 180_000);
    afterAll(async () => {
      await peer?.close();
      await endpoint?.close();
    });

    it('a MachineDeployment of 2 replicas gets 2 Machines whose DevMachines are provisioned; Running needs a control plane', async () => {
      expect((await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } })).code).toBe(201);
      for (const { path, body } of smokeObjects(NS)) {
        const created = await client.request('POST', path, body);
        expect(created.code, `${path}: ${JSON.stringify(created.body).slice(0, 400)}`).toBe(201);
      }
      const machines = `/apis/cluster.x-k8s.io/v1beta2/namespaces/${NS}/machines`;
      let items: SmokeMachine[] = [];
      const deadline = Date.now() + 60_000;
      const provisioned = (m: SmokeMachine) => m.status?.phase === 'Provisioned' && m.spec.providerID === `in-memory://${m.metadata.name}`;
      while (Date.now() < deadline) {
        items = ((await client.request('GET', machines)).body.items ?? []) as SmokeMachine[];
        if (items.length === 2 && items.every(provisioned)) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const seen = items.map((m) => `${m.metadata.name} ${m.status?.phase} ${m.spec.providerID ?? '-'}`).join('; ');
      if (process.env.CONFORMAL_CAPI_LOGS) (await import('node:fs')).writeFileSync(`${process.env.CONFORMAL_CAPI_LOGS}-${server.name.split(' ')[0]}.log`, peer!.logs());
      expect(items.length, seen).toBe(2);
      expect(items.every(provisioned), seen).toBe(true);
      const cluster = await client.request('GET', `/apis/cluster.x-k8s.io/v1beta2/namespaces/${NS}/clusters/${SMOKE_CLUSTER}`);
      const condition = (conditions: SmokeCondition[] | undefined, type: string) => conditions?.find((c) => c.type === type);
      expect(cluster.body.status?.phase).toBe('Provisioned');
      expect(condition(cluster.body.status?.conditions, 'InfrastructureReady')?.status).toBe('True');
      // Where upstream stops without a control plane provider: no <cluster>-kubeconfig Secret, so no
      // connection to the workload cluster, no Node reference, no Running phase (docs/capi/upstream.md).
      expect(condition(cluster.body.status?.conditions, 'ControlPlaneInitialized')?.status).toBe('False');
      const machine = await client.request('GET', `${machines}/${items[0]!.metadata.name}`);
      expect(condition(machine.body.status?.conditions, 'NodeHealthy')?.message).toBe('Waiting for Cluster control plane to be initialized');
    }, 150_000);

    it('with a KubeadmControlPlane and KubeadmConfigTemplate workers, the control plane Machine and both workers are Running with a Node', async () => {
      const ns = 'capi-kubeadm';
      expect((await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).code).toBe(201);
      for (const { path, body } of kubeadmSmokeObjects(ns)) {
        const created = await client.request('POST', path, body);
        expect(created.code, `${path}: ${JSON.stringify(created.body).slice(0, 400)}`).toBe(201);
      }
      const machines = `/apis/cluster.x-k8s.io/v1beta2/namespaces/${ns}/machines`;
      const running = (m: SmokeMachine) => m.status?.phase === 'Running' && m.status.nodeRef?.name === m.metadata.name && m.spec.providerID === `in-memory://${m.metadata.name}`;
      let items: SmokeMachine[] = [];
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        items = ((await client.request('GET', machines)).body.items ?? []) as SmokeMachine[];
        if (items.length === 3 && items.every(running)) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const seen = items.map((m) => `${m.metadata.name} ${m.status?.phase} ${m.status?.nodeRef?.name ?? '-'}`).join('; ');
      if (process.env.CONFORMAL_CAPI_LOGS) (await import('node:fs')).writeFileSync(`${process.env.CONFORMAL_CAPI_LOGS}-kubeadm-${server.name.split(' ')[0]}.log`, peer!.logs());
      expect(items.length, seen).toBe(3);
      expect(items.every(running), seen).toBe(true);
      expect(items.filter((m) => m.metadata.labels?.['cluster.x-k8s.io/control-plane'] === '').length, seen).toBe(1);
      const cluster = await client.request('GET', `/apis/cluster.x-k8s.io/v1beta2/namespaces/${ns}/clusters/${KUBEADM_SMOKE_CLUSTER}`);
      expect(cluster.body.status?.initialization?.controlPlaneInitialized).toBe(true);
      // KCP wrote the workload cluster's kubeconfig, which core's cluster cache connects with.
      expect((await client.request('GET', `/api/v1/namespaces/${ns}/secrets/${KUBEADM_SMOKE_CLUSTER}-kubeconfig`)).code).toBe(200);
    }, 180_000);

    it('the Cluster reads back in v1beta1 through upstream\'s conversion webhook', async () => {
      const old = await client.request('GET', `/apis/cluster.x-k8s.io/v1beta1/namespaces/${NS}/clusters/${SMOKE_CLUSTER}`);
      expect(old.code, JSON.stringify(old.body).slice(0, 400)).toBe(200);
      expect(old.body.apiVersion).toBe('cluster.x-k8s.io/v1beta1');
      // v1beta1 refers with an ObjectReference (apiVersion), v1beta2 with a ContractVersionedObjectReference (apiGroup).
      expect(old.body.spec.infrastructureRef).toMatchObject({ apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'DevCluster', name: SMOKE_CLUSTER });
      expect(old.body.status?.infrastructureReady).toBe(true);
    });
  });
}

interface SmokeCondition {
  type: string;
  status: string;
  message?: string;
}

interface SmokeMachine {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { providerID?: string };
  status?: { phase?: string; nodeRef?: { name?: string } };
}
