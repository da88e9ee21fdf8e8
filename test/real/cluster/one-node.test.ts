// A real one-node Kubernetes v1.37.2 cluster (test/support/cluster) with Debian's containerd 1.6 as
// kubelet's runtime: the node turns Ready, a pod from conformal's test image registry runs, its
// log and exec go through kube-apiserver and kubelet, its deletion completes, and teardown leaves
// nothing on the host. Needs root and the tools .ci/setup/30-kube.sh, 40-cri.sh, 50-cni.sh,
// 70-image.sh and 80-go-peers.sh install (docs/kube/cluster.md).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster, type ClusterTools } from '../../support/cluster/cluster.js';
import { containerdRuntime } from '../../support/cluster/runtime.js';
import { requireTool } from '../../support/real-tools.js';
import { clusterToolsFromEnv, podChecks } from './pod-checks.js';

const tools: ClusterTools | undefined = clusterToolsFromEnv();
const containerd = requireTool('CONFORMAL_CONTAINERD');
const runc = requireTool('CONFORMAL_RUNC');
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('the one-node cluster test needs root under CI');

describe.skipIf(!tools || !containerd || !runc || !isRoot)('one-node cluster: kubelet v1.37.2 with containerd 1.6', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ tools: tools!, runtime: containerdRuntime(containerd!, runc!) });
    process.stdout.write(`cluster started: ${JSON.stringify(cluster.startTimes)}\n`);
  }, 150_000);

  afterEach((context) => {
    if (context.task.result?.state === 'fail' && cluster) process.stderr.write(`${cluster.logs()}\n--- ${cluster.runtime.name} ---\n${cluster.runtime.log().slice(-3000)}\n`);
  });

  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  podChecks(() => cluster, { runtimeVersion: /^containerd:\/\/1\.6\./ });

  it('leaves nothing on the host after teardown', async () => {
    // The check is not blind: on the running cluster it sees the components, the namespace, the cgroup and the state dir.
    const running = (await cluster.leftovers()).join('\n');
    for (const expected of ['kubelet --config', 'kube-apiserver', 'containerd --config', `network namespace ${cluster.namespaces.netnsName}`, `state dir ${cluster.stateDir}`, 'cgroup /sys/fs/cgroup/']) expect(running).toContain(expected);
    await cluster.stop();
    process.stdout.write(`cluster stopped: ${JSON.stringify(cluster.stopTimes)}\n`);
    expect(await cluster.leftovers()).toEqual([]);
  }, 120_000);
});
