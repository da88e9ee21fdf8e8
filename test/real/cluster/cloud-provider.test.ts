// The cloud-provider path for real: kubelet v1.37.2 with --cloud-provider=external on the one-node
// cluster (containerd 1.6), upstream's cloud-controller-manager with its fake cloud
// (test/go-peers/cmd/ccm) started inside the cluster's namespaces with the cluster's kubeconfig. The
// real kubelet's Node registers tainted and without addresses, and the CCM initialises it with what
// the fake cloud says of its instance; then `conformal run cloud --kubeconfig` runs against that
// cluster and every test must end as upstream-expected.ts records for this CCM (ONE_NODE_CLUSTER_EXPECTED:
// upstream's results, with any difference explained). Needs root and the tools of one-node.test.ts plus CONFORMAL_CCM_PEER (docs/cloud/upstream-ccm.md).
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../src/core/deadline.js';
import { CloudControlClient, type Instance } from '../../../src/interfaces/cloud/cloud-control.js';
import { INSTANCE_TYPE_LABEL, REGION_LABEL, UNINITIALIZED_TAINT, ZONE_LABEL } from '../../../src/interfaces/cloud/well-known.js';
import { startUpstreamCcm, type UpstreamCcm } from '../../support/ccm-peer.js';
import { CLOUD_CLUSTER_CIDR, type Cluster } from '../../support/cluster/cluster.js';
import { POD_SUBNET } from '../../support/cluster/cni.js';
import { forwardFromNamespace, type NamespacePort } from '../../support/cluster/forward.js';
import { containerdRuntime } from '../../support/cluster/runtime.js';
import { requireTool } from '../../support/real-tools.js';
import { ONE_NODE_CLUSTER_EXPECTED } from '../cloud/upstream-expected.js';
import { clusterToolsFromEnv, suiteMismatches, teardownCheck, useCluster } from './cluster-fixture.js';

const tools = clusterToolsFromEnv();
const containerd = requireTool('CONFORMAL_CONTAINERD');
const runc = requireTool('CONFORMAL_RUNC');
const ccmPeer = requireTool('CONFORMAL_CCM_PEER');
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('the cloud-provider cluster test needs root under CI');

interface NodeObject {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { providerID?: string; podCIDR?: string; taints?: Array<{ key: string; value?: string; effect: string }> };
  status: { addresses?: Array<{ type: string; address: string }>; conditions?: Array<{ type: string; status: string; reason?: string }> };
}

const POD = 'conformal-waits-for-the-cloud';

interface PodObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

function podManifest(image: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: 'default' },
    spec: { containers: [{ name: 'main', image, imagePullPolicy: 'IfNotPresent', command: ['/bin/sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"] }], terminationGracePeriodSeconds: 5 },
  });
}

/** Polls `probe` every 250 ms to 1 s until it answers, for at most `ms`. */
const until = <T>(probe: () => Promise<T | undefined>, description: string, ms: number) => waitFor(probe, { signal: AbortSignal.timeout(ms), description, intervalMs: 250, maxIntervalMs: 1000 });
const getNode = (c: Cluster) => c.kubectl.json<NodeObject>(['get', 'node', c.nodeName], AbortSignal.timeout(30_000));
const getPod = (c: Cluster) => c.kubectl.json<PodObject>(['get', 'pod', POD, '--namespace=default'], AbortSignal.timeout(30_000));
/** What `pick` finds in the Node (or the pod), once it finds something. */
const nodeUntil = <T>(c: Cluster, pick: (node: NodeObject) => T | undefined, description: string, ms: number) => until(async () => pick(await getNode(c)), description, ms);
const podUntil = <T>(c: Cluster, pick: (pod: PodObject) => T | undefined, description: string, ms: number) => until(async () => pick(await getPod(c)), description, ms);
const tainted = (node: NodeObject) => (node.spec.taints ?? []).some((t) => t.key === UNINITIALIZED_TAINT);
const condition = (node: NodeObject, type: string) => node.status.conditions?.find((c) => c.type === type);

describe.skipIf(!tools || !containerd || !runc || !ccmPeer || !isRoot)("cloud provider on a one-node cluster: kubelet --cloud-provider=external, upstream's CCM", () => {
  const cluster = useCluster(
    () => tools!,
    () => containerdRuntime(containerd!, runc!, 2),
    undefined,
    { cloudProvider: 'external' },
  );
  let before: NodeObject;
  let ccm: UpstreamCcm | undefined;
  let cloudControl: NamespacePort | undefined;
  let instance: Instance;
  let work: string | undefined;
  let pendingPod: PodObject;

  beforeAll(async () => {
    const c = cluster();
    // The Node as kubelet registered it, Ready, before any CCM runs.
    before = await getNode(c);
    // A pod applied now cannot be scheduled: the only node carries the uninitialized NoSchedule taint.
    await c.kubectl.run(['apply', '-f', '-'], AbortSignal.timeout(30_000), { input: podManifest(c.images.images.busybox!) });
    pendingPod = await podUntil(c, (pod) => (pod.status?.conditions?.some((x) => x.type === 'PodScheduled' && x.reason === 'Unschedulable') ? pod : undefined), `pod ${POD} reported Unschedulable`, 30_000);
    const signal = AbortSignal.timeout(90_000);
    ccm = await startUpstreamCcm({ binary: ccmPeer!, kubeconfig: c.kubeconfigFile, wrap: c.namespaces.enter, signal });
    const port = Number(new URL(ccm.cloudControlUrl).port);
    cloudControl = await forwardFromNamespace({ port, dir: c.stateDir, enter: c.namespaces.enter, signal });
    // The cloud's instance behind the real node, as a cloud creates the machine kubelet runs on.
    instance = await new CloudControlClient(cloudControl.url).createInstance({ nodeName: c.nodeName }, signal);
  }, 120_000);

  const stopCcm = async () => {
    await cloudControl?.close();
    await ccm?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  };
  afterAll(stopCcm, 60_000);

  it('kubelet registers its Node tainted uninitialized, Ready, without providerID or IP addresses; no pod is scheduled on it', () => {
    const c = cluster();
    // Its only taint, so the pod below waits for nothing else.
    expect(before.spec.taints).toEqual([{ key: UNINITIALIZED_TAINT, value: 'true', effect: 'NoSchedule' }]);
    expect(condition(before, 'Ready')?.status).toBe('True');
    expect(before.spec.providerID).toBeUndefined();
    // Only its name: the IP addresses are the CCM's to set.
    expect(before.status.addresses).toEqual([{ type: 'Hostname', address: c.nodeName }]);
    expect(pendingPod.status?.conditions?.find((x) => x.type === 'PodScheduled')?.message).toMatch(/1 node\(s\) had untolerated taint/);
    // No --node-ip: no provided-node-ip annotation the cloud's addresses would have to contain.
    expect(before.metadata.annotations?.['alpha.kubernetes.io/provided-node-ip']).toBeUndefined();
    // kube-controller-manager's first /24 of the cluster CIDR: the CNI's pod range.
    expect(CLOUD_CLUSTER_CIDR).toBe('10.244.0.0/16');
    expect(before.spec.podCIDR).toBe(POD_SUBNET);
  });

  it("the CCM initialises the real node with its instance's providerID, labels and addresses", async () => {
    const c = cluster();
    const node = await nodeUntil(c, (n) => (tainted(n) ? undefined : n), `node ${c.nodeName} without ${UNINITIALIZED_TAINT}`, 60_000);
    expect(instance.providerID).toBe('fake://i-00000001');
    expect(node.spec.providerID).toBe(instance.providerID);
    expect(node.metadata.labels).toMatchObject({
      [INSTANCE_TYPE_LABEL]: 'fake.standard',
      'beta.kubernetes.io/instance-type': 'fake.standard',
      [ZONE_LABEL]: 'fake-region-1a',
      'failure-domain.beta.kubernetes.io/zone': 'fake-region-1a',
      [REGION_LABEL]: 'fake-region-1',
      'failure-domain.beta.kubernetes.io/region': 'fake-region-1',
    });
    const addresses = await nodeUntil(c, (n) => (n.status.addresses?.some((a) => a.type === 'InternalIP') ? n.status.addresses : undefined), `an InternalIP on node ${c.nodeName}`, 30_000);
    // The cloud's addresses, and the Hostname kubelet reported (the fake gives none of that type, so the CCM keeps it).
    expect(addresses).toEqual([...instance.addresses, { type: 'Hostname', address: c.nodeName }]);
    expect(instance.addresses).toEqual([
      { type: 'InternalIP', address: '192.0.2.1' },
      { type: 'ExternalIP', address: '198.51.100.1' },
    ]);
    expect(condition(node, 'Ready')?.status).toBe('True');
    const events = await c.kubectl.json<{ items: Array<{ reason: string; involvedObject: { name: string } }> }>(['get', 'events', '--namespace=default', `--field-selector=involvedObject.name=${c.nodeName}`], AbortSignal.timeout(30_000));
    expect(events.items.map((e) => e.reason)).toContain('Synced');
  }, 120_000);

  it('the pod that waited is scheduled on the initialised node and runs', async () => {
    const c = cluster();
    const pod = await podUntil(c, (p) => (p.status?.phase === 'Running' ? p : undefined), `pod ${POD} Running`, 60_000);
    expect(pod.spec?.nodeName).toBe(c.nodeName);
    expect(pod.status?.podIP).toMatch(/^10\.244\.0\.\d+$/);
  }, 90_000);

  it("the route controller routes the node's pod CIDR: NetworkUnavailable=False/RouteCreated", async () => {
    const c = cluster();
    const network = await nodeUntil(c, (n) => (condition(n, 'NetworkUnavailable')?.reason === 'RouteCreated' ? condition(n, 'NetworkUnavailable') : undefined), `NetworkUnavailable=False/RouteCreated on node ${c.nodeName}`, 60_000);
    expect(network.status).toBe('False');
    const routes = (await (await fetch(`${cloudControl!.url}/v1/routes`, { signal: AbortSignal.timeout(10_000) })).json()) as { items: Array<{ targetNode: string; destinationCIDR: string }> };
    expect(routes.items.map((r) => [r.targetNode, r.destinationCIDR])).toContainEqual([c.nodeName, before.spec.podCIDR]);
  }, 90_000);

  it('`conformal run cloud --kubeconfig` ends every test as upstream-expected.ts records for the one-node cluster', async () => {
    const c = cluster();
    work = mkdtempSync(join(c.stateDir, 'suite-'));
    const reportDir = join(work, 'report');
    // The settings of upstream-suite.test.ts; cloud-control listens inside the namespaces too.
    const { mismatches, output } = await suiteMismatches(c, ['cloud', '--kubeconfig', c.kubeconfigFile, '--cloud-control', ccm!.cloudControlUrl, '--parallel', '8', '--timeout', '45s'], reportDir, ONE_NODE_CLUSTER_EXPECTED, 600_000);
    expect(mismatches, `${mismatches.join('\n')}\n${output}`).toEqual([]);
  }, 660_000);

  it('the real node is still initialised, Ready and routed after the suite', async () => {
    const c = cluster();
    const node = await getNode(c);
    expect(tainted(node)).toBe(false);
    expect(node.spec.providerID).toBe(instance.providerID);
    expect(condition(node, 'Ready')?.status).toBe('True');
    expect(condition(node, 'NetworkUnavailable')?.reason).toBe('RouteCreated');
  });

  // The CCM runs in the cluster's namespaces: the check must see it there, then it stops before the cluster.
  teardownCheck(cluster, ['kubelet --config', 'kube-apiserver', 'containerd --config', 'ccm --kubeconfig', 'loopback-forward.mjs'], stopCcm);
});
