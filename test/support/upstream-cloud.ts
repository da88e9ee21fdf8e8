// A cluster whose CCM is upstream's (test/go-peers/cmd/ccm with the fake cloud): an API server —
// a real kube-apiserver with etcd, or conformal's in-memory one — the CCM as its client, and two
// standing nodes registered as kubelets would, so the suite's tests of existing nodes have nodes to
// look at. Used by the CI comparison (test/real/cloud/upstream-suite.test.ts) and `npm run bench`.
import { CoreV1Api, type KubeConfig, type V1Node } from '@kubernetes/client-node';
import { startRealApiServer } from '../../bench/kube-real-apiserver.js';
import { kubeconfigYaml } from '../../src/kube/kubeconfig.js';
import { startKubeServer } from '../../src/kube/index.js';
import { CloudControlClient } from '../../src/interfaces/cloud/cloud-control.js';
import { UNINITIALIZED_TAINT } from '../../src/interfaces/cloud/well-known.js';
import { deadlineSignal } from '../../src/core/deadline.js';
import { observe } from '../../src/kube-kit/observe.js';
import { Resources } from '../../src/kube-kit/resource.js';
import { Ledger } from '../../src/core/ledger.js';
import { clientConfig } from '../../src/kube/kubeconfig.js';
import { startUpstreamCcm } from './ccm-peer.js';

export interface UpstreamCluster {
  readonly kubeconfig: string;
  readonly cloudControlUrl: string;
  readonly server: 'kube-apiserver' | 'in-memory';
  ccmLogs(): string;
  close(): Promise<void>;
}

const STANDING_NODES = 2;

/** Registers the standing nodes as kubelets with --cloud-provider=external would, and waits until the CCM initialised and routed them. */
async function standingNodes(kc: KubeConfig, cloud: CloudControlClient, signal: AbortSignal): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const ledger = new Ledger();
  const nodes = await observe<V1Node>(kc, Resources.nodes, ledger);
  try {
    const names: string[] = [];
    for (let i = 0; i < STANDING_NODES; i++) {
      const name = `standing-${i}`;
      names.push(name);
      await cloud.createInstance({ nodeName: name }, signal);
      const podCIDR = `10.244.${i}.0/24`;
      await core.createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { podCIDR, podCIDRs: [podCIDR], taints: [{ key: UNINITIALIZED_TAINT, value: 'true', effect: 'NoSchedule' }] } } });
      // The CCM writes the Node at the same time: read, modify, write, again on a conflict.
      for (let attempt = 0; ; attempt++) {
        const node = await core.readNodeStatus({ name });
        const now = new Date();
        node.status = { ...node.status, addresses: node.status?.addresses?.length ? node.status.addresses : [{ type: 'Hostname', address: name }], conditions: [...(node.status?.conditions ?? []).filter((c) => c.type !== 'Ready'), { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'standing node', lastHeartbeatTime: now, lastTransitionTime: now }] };
        try {
          await core.replaceNodeStatus({ name, body: node });
          break;
        } catch (error) {
          if (attempt >= 10 || (error as { code?: number }).code !== 409) throw error;
        }
      }
    }
    const settled = (n: V1Node | undefined) =>
      !!n && !(n.spec?.taints ?? []).some((t) => t.key === UNINITIALIZED_TAINT) && (n.status?.conditions ?? []).some((c) => c.type === 'NetworkUnavailable' && c.reason === 'RouteCreated');
    await nodes.until((latest) => (names.every((name) => settled(latest.get(`/${name}`))) ? true : undefined), 'the standing nodes initialised and routed by the CCM', signal);
  } finally {
    await ledger.drain(AbortSignal.timeout(5000));
  }
}

export async function startUpstreamCluster(options: { ccm: string; apiserver?: string; etcd?: string; timeoutMs?: number }): Promise<UpstreamCluster> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  const deadline = deadlineSignal(options.timeoutMs ?? 120_000, 'starting the upstream CCM cluster');
  try {
    let kubeconfig: string;
    let server: UpstreamCluster['server'];
    if (options.apiserver && options.etcd) {
      const real = await startRealApiServer(options.apiserver, options.etcd);
      closers.push(() => real.close());
      kubeconfig = kubeconfigYaml(real.url, real.token, real.caCert);
      server = 'kube-apiserver';
    } else {
      const ours = await startKubeServer();
      closers.push(() => ours.close());
      kubeconfig = ours.kubeconfig;
      server = 'in-memory';
    }
    const ccm = await startUpstreamCcm({ binary: options.ccm, kubeconfig, signal: deadline.signal });
    closers.push(() => ccm.close());
    await standingNodes(clientConfig(kubeconfig), new CloudControlClient(ccm.cloudControlUrl), deadline.signal);
    return { kubeconfig, cloudControlUrl: ccm.cloudControlUrl, server, ccmLogs: () => ccm.logs(), close };
  } catch (error) {
    await close();
    throw error;
  } finally {
    deadline.dispose();
  }
}
