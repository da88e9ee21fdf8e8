// A real one-node Kubernetes v1.37.2 cluster (test/support/cluster) with Debian's containerd 1.6 as
// kubelet's runtime: the node turns Ready, a pod from conformal's test image registry runs, its
// log and exec go through kube-apiserver and kubelet, its deletion completes, and teardown leaves
// nothing on the host. Needs root and the tools .ci/setup/30-kube.sh, 40-cri.sh, 50-cni.sh,
// 70-image.sh and 80-go-peers.sh install (docs/kube/cluster.md).
import { describe, expect, it } from 'vitest';
import { containerdRuntime } from '../../support/cluster/runtime.js';
import { requireTool } from '../../support/real-tools.js';
import { lifecycleChecks } from './lifecycle-checks.js';
import { clusterToolsFromEnv, teardownCheck, useCluster } from './cluster-fixture.js';
import { podChecks } from './pod-checks.js';

const tools = clusterToolsFromEnv();
const containerd = requireTool('CONFORMAL_CONTAINERD');
const runc = requireTool('CONFORMAL_RUNC');
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('the one-node cluster test needs root under CI');

describe.skipIf(!tools || !containerd || !runc || !isRoot)('one-node cluster: kubelet v1.37.2 with containerd 1.6', () => {
  const cluster = useCluster(
    () => tools!,
    () => containerdRuntime(containerd!, runc!),
  );

  const expected = { runtimeVersion: /^containerd:\/\/1\.6\./ };
  podChecks(cluster, expected);
  lifecycleChecks(cluster, expected);

  it("ran the pod's sandbox from the registry's pause image (containerd's sandbox_image)", () => {
    expect(cluster().images.registry.requests.some((r) => r.path.includes('/conformal/pause/manifests/'))).toBe(true);
  });

  teardownCheck(cluster, ['kubelet --config', 'kube-apiserver', 'containerd --config']);
});
