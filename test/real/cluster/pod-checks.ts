// What a one-node cluster must do whatever CRI runtime kubelet uses: node Ready, a pod from the
// test image registry Running with an address from the bridge range, `kubectl logs` and
// `kubectl exec` and `kubectl port-forward` through kube-apiserver and kubelet, and a pod deletion that completes (the sandbox
// gone from the runtime too). Shared by the containerd and reference-runtime tests.
import { expect, it } from 'vitest';
import { waitFor } from '../../../src/core/deadline.js';
import { CriClient } from '../../../src/interfaces/cri/client.js';
import type { PodSandbox } from '../../../src/interfaces/cri/types.js';
import type { Cluster } from '../../support/cluster/cluster.js';
import { POD_SUBNET } from '../../support/cluster/cni.js';
import { startComponent } from '../../support/cluster/component.js';
import { execArgv } from '../../support/cluster/exec.js';
import { requireTool } from '../../support/real-tools.js';
import { NODE_IP } from '../../support/cluster/namespaces.js';

const POD = 'conformal-busybox';
const POD_HTTP_PORT = 8080;
const POD_TIMEOUT_MS = 60_000;

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
      // busybox httpd in the foreground is the pod's server for the port-forward check: it serves
      // /etc, so GET /hostname answers the pod's hostname.
      containers: [{ name: 'main', image, imagePullPolicy: 'IfNotPresent', command: ['/bin/sh', '-c', `echo conformal-pod-started; httpd -f -p ${POD_HTTP_PORT} -h /etc`] }],
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

/** The checks, by the name docs/cri/kubelet.md uses for them. */
export type PodCheck = 'node-ready' | 'pod-running' | 'pod-ip-from-cni' | 'logs' | 'exec' | 'port-forward' | 'delete' | 'readiness-probe' | 'restart' | 'identity';

export interface PodCheckExpectations {
  /** What Node.status.nodeInfo.containerRuntimeVersion must match. */
  readonly runtimeVersion: RegExp;
  /**
   * Checks the runtime is known to fail, each with the reason docs/cri/kubelet.md gives: they run
   * as `it.fails`, so the day one passes, the test says the record is out of date.
   */
  readonly knownDifferences?: Partial<Record<PodCheck, string>>;
}

let lastSeen = '';
/** The running pod's address, once pod-ip-from-cni has seen it answer. */
let podIp: string | undefined;

/** One ping from inside the cluster's network namespace; true when it was answered within `waitS` seconds. */
async function pingOnce(c: Cluster, ip: string, waitS: number): Promise<boolean> {
  const argv = c.namespaces.enter([requireTool('CONFORMAL_BUSYBOX')!, 'ping', '-c', '1', '-W', String(waitS), ip]);
  return execArgv(argv, AbortSignal.timeout((waitS + 10) * 1000), { timeoutMs: (waitS + 5) * 1000 }).then(
    (out) => out.includes('1 packets received'),
    () => false,
  );
}

/** `it`, or `it.fails` for a check the expectations list as a known difference. */
export function checkFor(expected: PodCheckExpectations): (id: PodCheck, title: string, body: () => Promise<void>, timeoutMs?: number) => void {
  return (id, title, body, timeoutMs) => {
    const known = expected.knownDifferences?.[id];
    if (known) it.fails(`${title} [known difference, docs/cri/kubelet.md: ${known}]`, body, timeoutMs);
    else it(title, body, timeoutMs);
  };
}

export function podChecks(cluster: () => Cluster, expected: PodCheckExpectations): void {
  const check = checkFor(expected);

  check('node-ready', 'registers its node with the node address and turns it Ready', async () => {
    const c = cluster();
    const node = await c.kubectl.json<NodeObject>(['get', 'node', c.nodeName], AbortSignal.timeout(15_000));
    expect(node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe('True');
    expect(node.status?.addresses).toContainEqual({ type: 'InternalIP', address: NODE_IP });
    expect(node.status?.nodeInfo?.kubeletVersion).toBe('v1.37.2');
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(expected.runtimeVersion);
  });

  check('pod-running', 'runs a pod from the test image registry to Running', async () => {
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
    expect(pod.status?.podIP).toBeTruthy();
    // The runtime pulled the image from the cluster's registry.
    const pulled = c.images.registry.requests.filter((r) => r.path.includes('/manifests/')).map((r) => r.path);
    expect(pulled.some((path) => path.includes('conformal/busybox'))).toBe(true);
  }, POD_TIMEOUT_MS + 5000);

  check('pod-ip-from-cni', `gives the pod an address from the CNI bridge range (${POD_SUBNET})`, async () => {
    const c = cluster();
    const pod = await c.kubectl.json<PodObject>(['get', 'pod', POD, '--namespace=default'], AbortSignal.timeout(15_000));
    const ip = pod.status?.podIP ?? '';
    expect(ip, `pod IP from ${POD_SUBNET}`).toSatisfy((address: string) => inSubnet(address, POD_SUBNET));
    // An interface holds it: the pod's kernel answers a ping from the node (inside the cluster's network namespace).
    expect(await pingOnce(c, ip, 5), `${ip} answers a ping from the node`).toBe(true);
    podIp = ip;
  });

  check('logs', 'serves the container log through kube-apiserver (kubectl logs)', async () => {
    const log = await cluster().kubectl.run(['logs', POD, '--namespace=default'], AbortSignal.timeout(20_000));
    expect(log).toContain('conformal-pod-started');
  });

  check('exec', 'runs a command in the container (kubectl exec)', async () => {
    // Only programs the image has (test-image-set.ts): the command must mean the same to any runtime.
    const out = await cluster().kubectl.run(['exec', POD, '--namespace=default', '--', '/bin/sh', '-c', 'echo exec-ok; hostname'], AbortSignal.timeout(20_000));
    // It ran in the pod: the sandbox's hostname is the pod's name.
    expect(out.split('\n')).toEqual(['exec-ok', POD, '']);
  });

  check('port-forward', 'forwards a local port to the pod (kubectl port-forward)', async () => {
    const c = cluster();
    const signal = AbortSignal.timeout(45_000);
    // kubectl picks a free local port inside the cluster's network namespace and says which.
    const forward = startComponent(
      'kubectl port-forward',
      c.namespaces.enter([requireTool('CONFORMAL_KUBECTL')!, `--kubeconfig=${c.kubeconfigFile}`, 'port-forward', `pod/${POD}`, '--namespace=default', '--address=127.0.0.1', `:${POD_HTTP_PORT}`]),
    );
    let port: string | undefined;
    await forward.ready(async () => (port = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(forward.log())?.[1]), 'kubectl port-forward listening', signal);
    try {
      // Through kube-apiserver, kubelet and the runtime's streaming server to the pod's httpd.
      const page = await execArgv(c.namespaces.enter([requireTool('CONFORMAL_BUSYBOX')!, 'wget', '-q', '-O', '-', `http://127.0.0.1:${port}/hostname`]), signal, { timeoutMs: 20_000 });
      expect(page.trim()).toBe(POD);
    } finally {
      await forward.stop();
    }
  }, 50_000);

  check('delete', 'deletes the pod: gone from the API and from the runtime', async () => {
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
    // The stopped sandbox's network is gone (CNI DEL ran): its address no longer answers.
    if (podIp) {
      const answers = async () => (await pingOnce(c, podIp!, 1)) ? undefined : true;
      await waitFor(answers, { signal, description: `${podIp} (the deleted pod's address) to stop answering`, intervalMs: 500 });
    }
  }, 65_000);
}
