// A real one-node Kubernetes v1.37.2 cluster (test/support/cluster) with containerd as kubelet's
// runtime, once Debian's 1.6 and once 2.4 built from source: the node turns Ready, a pod from
// conformal's test image registry runs, its log and exec go through kube-apiserver and kubelet, its
// deletion completes, and teardown leaves nothing on the host. Needs root and the tools
// .ci/setup/30-kube.sh, 40-cri.sh, 42-containerd2.sh, 50-cni.sh, 70-image.sh and 80-go-peers.sh
// install (docs/kube/cluster.md).
import { describe, expect, it } from 'vitest';
import { containerdRuntime } from '../../support/cluster/runtime.js';
import { requireTool } from '../../support/real-tools.js';
import { lifecycleChecks } from './lifecycle-checks.js';
import { clusterToolsFromEnv, teardownCheck, useCluster } from './cluster-fixture.js';
import { podChecks } from './pod-checks.js';

const tools = clusterToolsFromEnv();
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('the one-node cluster test needs root under CI');

// Debian's containerd with Debian's runc 1.1.5, and the 2.x line current Kubernetes releases
// target with runc 1.5 (both built from source), under the same kubelet.
const runtimes = [
  { title: 'containerd 1.6', binary: requireTool('CONFORMAL_CONTAINERD'), runc: requireTool('CONFORMAL_RUNC'), configVersion: 2, runtimeVersion: /^containerd:\/\/1\.6\./ },
  { title: 'containerd 2.4 and runc 1.5', binary: requireTool('CONFORMAL_CONTAINERD2'), runc: requireTool('CONFORMAL_RUNC_UPSTREAM'), configVersion: 4, runtimeVersion: /^containerd:\/\/v?2\.4\./ },
] as const;

for (const runtime of runtimes) {
  describe.skipIf(!tools || !runtime.binary || !runtime.runc || !isRoot)(`one-node cluster: kubelet v1.37.2 with ${runtime.title}`, () => {
    const cluster = useCluster(
      () => tools!,
      () => containerdRuntime(runtime.binary!, runtime.runc!, runtime.configVersion),
    );

    const expected = { runtimeVersion: runtime.runtimeVersion };
    podChecks(cluster, expected);
    lifecycleChecks(cluster, expected);

    it("ran the pod's sandbox from the registry's pause image (containerd's sandbox image)", () => {
      expect(cluster().images.registry.requests.some((r) => r.path.includes('/conformal/pause/manifests/'))).toBe(true);
    });

    teardownCheck(cluster, ['kubelet --config', 'kube-apiserver', 'containerd --config']);
  });
}
