// The one-node cluster of one-node.test.ts with conformal's reference CRI runtime (`conformal
// reference cri`, the built CLI) as kubelet's runtime instead of containerd: the same kubelet
// v1.37.2 must get the same pod life from it. Where it does not, docs/cri/kubelet.md records what
// kubelet asked, what containerd does and what the reference does.
import { existsSync } from 'node:fs';
import { describe } from 'vitest';
import { packagePath } from '../../../src/core/paths.js';
import { referenceRuntime } from '../../support/cluster/runtime.js';
import { lifecycleChecks } from './lifecycle-checks.js';
import { clusterToolsFromEnv, teardownCheck, useCluster } from './cluster-fixture.js';
import { podChecks } from './pod-checks.js';

const tools = clusterToolsFromEnv();
const isRoot = process.getuid?.() === 0;
const built = existsSync(packagePath('dist', 'build-complete'));
if (process.env.CI === 'true' && !isRoot) throw new Error('the one-node cluster test needs root under CI');
if (process.env.CI === 'true' && !built) throw new Error('the reference CRI cluster test runs the built CLI: npm run build first');

describe.skipIf(!tools || !isRoot || !built)('one-node cluster: kubelet v1.37.2 with the reference CRI runtime', () => {
  const cluster = useCluster(
    () => tools!,
    () => referenceRuntime({ cni: true }),
  );

  const expected = { runtimeVersion: /^conformal-reference:\/\// };
  podChecks(cluster, expected);
  lifecycleChecks(cluster, expected);

  teardownCheck(cluster, ['kubelet --config', 'kube-apiserver', 'reference cri']);
});
