// conformal's reference CNI plugin as a real cluster's network: containerd 1.6 under kubelet
// v1.37.2 calls the plugin (bridge mode, docs/cni/reference.md) for every pod. Pods get addresses
// from the cluster's range, reach each other over the bridge inside the cluster's network
// namespace, and a pod's deletion runs DEL (its veth host end goes); teardown leaves nothing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../src/core/deadline.js';
import { containerdRuntime } from '../../support/cluster/runtime.js';
import { requireTool } from '../../support/real-tools.js';
import { clusterToolsFromEnv, teardownCheck, useCluster } from './cluster-fixture.js';
import { podChecks } from './pod-checks.js';

const run = promisify(execFile);
const tools = clusterToolsFromEnv();
const containerd = requireTool('CONFORMAL_CONTAINERD');
const runc = requireTool('CONFORMAL_RUNC');
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('the one-node cluster test needs root under CI');
// containerd hands its environment to every plugin: no V8 code cache written outside the state dir.
process.env.CONFORMAL_CODE_CACHE = '0';

/** The host ends of the reference's veths (bridge mode names them cnf + 8 hex digits). */
async function hostEnds(netns: string): Promise<string[]> {
  const { stdout } = await run('ip', ['-n', netns, '-o', 'link', 'show']);
  return [...stdout.matchAll(/^\d+: (cnf[0-9a-f]{8})[@:]/gm)].map((m) => m[1]!);
}

function server(name: string, image: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'main', image, imagePullPolicy: 'IfNotPresent', command: ['/bin/sh', '-c', `mkdir -p /www && echo pong-from-${name} > /www/index.html && exec httpd -f -p 8080 -h /www`] }],
      terminationGracePeriodSeconds: 1,
    },
  });
}

describe.skipIf(!tools || !containerd || !runc || !isRoot)("one-node cluster: conformal's reference CNI plugin as the pod network", () => {
  const cluster = useCluster(
    () => tools!,
    () => containerdRuntime(containerd!, runc!),
    'conformal-reference',
  );

  podChecks(cluster, { runtimeVersion: /^containerd:\/\/1\.6\./ });

  it('connects two pods: one reaches the other on its pod IP; deleting one removes its host end only', async () => {
    const c = cluster();
    const signal = AbortSignal.timeout(90_000);
    const ips: string[] = [];
    for (const name of ['net-a', 'net-b']) {
      await c.kubectl.run(['apply', '-f', '-'], signal, { input: server(name, c.images.images.busybox!) });
    }
    for (const name of ['net-a', 'net-b']) {
      const ip = await waitFor(
        async () => {
          const pod = await c.kubectl.json<{ status?: { phase?: string; podIP?: string } }>(['get', 'pod', name, '--namespace=default'], signal);
          return pod.status?.phase === 'Running' ? pod.status.podIP : undefined;
        },
        { signal, description: `pod ${name} Running`, intervalMs: 250 },
      );
      ips.push(ip);
    }
    expect(new Set(ips).size).toBe(2);
    expect(await hostEnds(c.namespaces.netnsName)).toHaveLength(2);
    // httpd may still be binding: ask again until it answers or the deadline passes.
    const answer = await waitFor(
      async () => {
        const out = await c.kubectl.run(['exec', 'net-a', '--namespace=default', '--', '/bin/sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ips[1]} 8080`], signal).catch(() => '');
        return out.includes('pong-from-net-b') ? out : undefined;
      },
      { signal, description: `net-a to reach net-b at ${ips[1]}:8080`, intervalMs: 500 },
    );
    expect(answer).toContain('200 OK');
    const before = await hostEnds(c.namespaces.netnsName);
    await c.kubectl.run(['delete', 'pod', 'net-a', '--namespace=default', '--wait=true', '--timeout=50s'], signal, { timeoutMs: 55_000 });
    // kubelet stops the sandbox on deletion; containerd's CNI DEL takes its host end away, and only
    // its: net-b stays running into teardown, which must take it down too.
    const after = await waitFor(
      async () => {
        const left = await hostEnds(c.namespaces.netnsName);
        return left.length === 1 ? left : undefined;
      },
      { signal, description: "net-a's veth host end removed", intervalMs: 250 },
    );
    expect(before).toContain(after[0]);
  }, 100_000);

  teardownCheck(cluster, ['kubelet --config', 'kube-apiserver', 'containerd --config']);
});
