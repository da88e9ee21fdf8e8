// What a one-node cluster must do whatever CRI runtime kubelet uses: node Ready, a pod from the
// test image registry Running with an address from the bridge range, `kubectl logs` and
// `kubectl exec` through kube-apiserver and kubelet, and a pod deletion that completes (the sandbox
// gone from the runtime too). Shared by the containerd and reference-runtime tests.
import { expect, it } from 'vitest';
import { waitFor } from '../../../src/core/deadline.js';
import { CriClient } from '../../../src/interfaces/cri/client.js';
import type { PodSandbox } from '../../../src/interfaces/cri/types.js';
import type { Cluster, ClusterTools } from '../../support/cluster/cluster.js';
import { POD_SUBNET } from '../../support/cluster/cni.js';
import { NODE_IP } from '../../support/cluster/namespaces.js';
import { requireTool } from '../../support/real-tools.js';

const POD = 'conformal-busybox';
const POD_TIMEOUT_MS = 60_000;

/** The cluster's tools from their CONFORMAL_* variables; undefined (skip) locally when one is missing, a failure under CI. */
export function clusterToolsFromEnv(): ClusterTools | undefined {
  const tools = {
    etcd: requireTool('CONFORMAL_ETCD'),
    apiserver: requireTool('CONFORMAL_KUBE_APISERVER'),
    controllerManager: requireTool('CONFORMAL_KUBE_CONTROLLER_MANAGER'),
    scheduler: requireTool('CONFORMAL_KUBE_SCHEDULER'),
    kubelet: requireTool('CONFORMAL_KUBELET'),
    kubectl: requireTool('CONFORMAL_KUBECTL'),
    busybox: requireTool('CONFORMAL_BUSYBOX'),
    cniBinDir: requireTool('CONFORMAL_CNI_PLUGINS_DIR'),
  };
  return Object.values(tools).every((value) => value !== undefined) ? (tools as ClusterTools) : undefined;
}

interface PodObject {
  status?: {
    phase?: string;
    podIP?: string;
    containerStatuses?: Array<{ state?: Record<string, { reason?: string; message?: string }> }>;
  };
}

interface NodeObject {
  status?: {
    conditions?: Array<{ type: string; status: string }>;
    addresses?: Array<{ type: string; address: string }>;
    nodeInfo?: { kubeletVersion?: string; containerRuntimeVersion?: string };
  };
}

function podManifest(image: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: 'default' },
    spec: {
      // The image comes from the cluster's own registry: pulled once, then kept.
      containers: [{ name: 'main', image, imagePullPolicy: 'IfNotPresent', command: ['/bin/sh', '-c', "trap 'exit 0' TERM; echo conformal-pod-started; while true; do sleep 1; done"] }],
      terminationGracePeriodSeconds: 5,
    },
  });
}

function inSubnet(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const toNumber = (address: string) => address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const mask = 2 ** 32 - 2 ** (32 - Number(bits));
  return ip.split('.').length === 4 && (toNumber(ip) & mask) >>> 0 === (toNumber(base) & mask) >>> 0;
}

export function podChecks(cluster: () => Cluster, expected: { runtimeVersion: RegExp }): void {
  it('registers its node with the node address and turns it Ready', async () => {
    const c = cluster();
    const node = await c.kubectl.json<NodeObject>(['get', 'node', c.nodeName], AbortSignal.timeout(15_000));
    expect(node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe('True');
    expect(node.status?.addresses).toContainEqual({ type: 'InternalIP', address: NODE_IP });
    expect(node.status?.nodeInfo?.kubeletVersion).toBe('v1.37.2');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(expected.runtimeVersion);
  });

  it('runs a pod from the test image registry to Running with an address from the bridge range', async () => {
    const c = cluster();
    const signal = AbortSignal.timeout(POD_TIMEOUT_MS);
    await c.kubectl.run(['apply', '-f', '-'], signal, { input: podManifest(c.images.images.busybox) });
    const pod = await waitFor(
      async () => {
        const latest = await c.kubectl.json<PodObject>(['get', 'pod', POD, '--namespace=default'], signal);
        lastSeen = JSON.stringify(latest.status?.containerStatuses?.[0]?.state ?? latest.status?.phase);
        return latest.status?.phase === 'Running' ? latest : undefined;
      },
      { signal, description: `pod ${POD} Running`, intervalMs: 250, lastSeen: () => lastSeen },
    );
    expect(pod.status?.podIP, `pod IP from ${POD_SUBNET}`).toSatisfy((ip: string) => inSubnet(ip, POD_SUBNET));
    // The runtime pulled both images from the cluster's registry.
    const pulled = c.images.registry.requests.filter((r) => r.path.includes('/manifests/')).map((r) => r.path);
    expect(pulled.some((path) => path.includes('conformal/busybox'))).toBe(true);
    expect(pulled.some((path) => path.includes('conformal/pause'))).toBe(true);
  }, POD_TIMEOUT_MS + 5000);

  it('serves the container log through kube-apiserver (kubectl logs)', async () => {
    const log = await cluster().kubectl.run(['logs', POD, '--namespace=default'], AbortSignal.timeout(20_000));
    expect(log).toContain('conformal-pod-started');
  });

  it('runs a command in the container (kubectl exec)', async () => {
    const out = await cluster().kubectl.run(['exec', POD, '--namespace=default', '--', '/bin/sh', '-c', 'echo exec-$((6 * 7)); cat /proc/1/cmdline | tr "\\0" " "'], AbortSignal.timeout(20_000));
    expect(out).toContain('exec-42');
    // It ran beside the container's own process, in its PID namespace.
    expect(out).toContain('conformal-pod-started');
  });

  it('deletes the pod: gone from the API and from the runtime', async () => {
    const c = cluster();
    const signal = AbortSignal.timeout(60_000);
    await c.kubectl.run(['delete', 'pod', POD, '--namespace=default', '--wait=true', '--timeout=50s'], signal, { timeoutMs: 55_000 });
    const left = await c.kubectl.run(['get', 'pods', '--namespace=default', '-o', 'name'], signal);
    expect(left.trim()).toBe('');
    // kubelet stops the sandbox at once and removes it at its next garbage collection (every minute).
    const client = new CriClient({ runtimeEndpoint: c.runtime.endpoint });
    try {
      const running = async () => ((await client.runtime<{ items?: PodSandbox[] }>('ListPodSandbox', {}, signal)).items ?? []).filter((p) => p.metadata.name === POD && p.state === 'SANDBOX_READY');
      await waitFor(async () => ((await running()).length === 0 ? true : undefined), { signal, description: `the runtime to hold no ready sandbox of ${POD}`, intervalMs: 250 });
    } finally {
      client.close();
    }
  }, 65_000);
}

let lastSeen = '';
