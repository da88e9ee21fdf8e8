// The smi suite's in-cluster path for real: `conformal run smi --kubeconfig --mesh traefik-mesh` on
// the one-node cluster (kubelet v1.37.2, containerd), its test workloads real pods scheduled by
// kube-scheduler and run by kubelet and containerd, its traffic the `client` binary exec-ed in the
// client pod (kube-apiserver → kubelet → containerd). Traefik Mesh v1.4.8 runs as in a cluster: its
// controller as a process inside the cluster's namespaces (as the CCM of cloud-provider.test.ts), its
// Traefik proxy as a pod with upstream's proxy labels and arguments. What a cluster's add-ons would
// do is done by real or small stand-ins, all inside the cluster's namespaces: kube-proxy v1.37.2
// (iptables mode) carries Service ClusterIPs, and cluster-dns (test/go-peers/cmd/cluster-dns)
// answers `<svc>.<ns>.svc.cluster.local` and `<svc>.<ns>.traefik.mesh` as CoreDNS with Traefik
// Mesh's rewrite would. The test images are built here and served by the cluster's registry.
// Every test must end as ONE_NODE_CLUSTER_EXPECTED records (docs/smi/traefik-mesh.md).
// Needs root, the tools of one-node.test.ts, CONFORMAL_KUBE_PROXY, CONFORMAL_SMI_ECHO,
// CONFORMAL_CLUSTER_DNS (.ci/setup/80-go-peers.sh) and Traefik Mesh (.ci/setup/82-traefik-mesh.sh).
import { execFile as execFileCb } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../src/core/deadline.js';
import { buildImage, layerOf, tarDirectory } from '../../../src/registry/oci-image.js';
import { busyboxRootfsLayer } from '../../../src/registry/test-image-set.js';
import { type Cluster } from '../../support/cluster/cluster.js';
import { POD_SUBNET } from '../../support/cluster/cni.js';
import { startComponent, type Component } from '../../support/cluster/component.js';
import { NODE_IP } from '../../support/cluster/namespaces.js';
import { containerdRuntime } from '../../support/cluster/runtime.js';
import { repeatedCiRun, requireTool } from '../../support/real-tools.js';
import { HTTP_ENTRYPOINTS, meshControllerArgs, TCP_ENTRYPOINTS, traefikMeshTools, UDP_ENTRYPOINTS } from '../../support/traefik-mesh.js';
import { ONE_NODE_CLUSTER_EXPECTED } from '../smi/traefik-mesh-expected.js';
import { clusterToolsFromEnv, suiteMismatches, teardownCheck, useCluster } from './cluster-fixture.js';

const execFile = promisify(execFileCb);
const tools = clusterToolsFromEnv();
const containerd = requireTool('CONFORMAL_CONTAINERD');
const runc = requireTool('CONFORMAL_RUNC');
const kubeProxy = requireTool('CONFORMAL_KUBE_PROXY');
const smiEcho = requireTool('CONFORMAL_SMI_ECHO');
const clusterDns = requireTool('CONFORMAL_CLUSTER_DNS');
const mesh = traefikMeshTools();
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('the smi cluster test needs root under CI');
const REPO = join(import.meta.dirname ?? '.', '../../..');

const MESH_NAMESPACE = 'traefik-mesh';
const CONTROLLER_PORT = 9000;

interface PodObject {
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string }> };
}

/** An image of busybox plus `files` (path in the image -> file on the host) and symlinks (path -> target), with `entrypoint`. */
async function imageWith(busybox: string, files: Record<string, string>, links: Record<string, string>, entrypoint: string[], dir: string) {
  const root = mkdtempSync(join(dir, 'image-'));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    copyFileSync(source, join(root, path));
    chmodSync(join(root, path), 0o755);
  }
  for (const [path, target] of Object.entries(links)) symlinkSync(target, join(root, path));
  const layer = layerOf(await tarDirectory(root));
  rmSync(root, { recursive: true, force: true });
  return buildImage([await busyboxRootfsLayer(busybox), layer], { entrypoint });
}

/** Upstream's proxy DaemonSet (integration/testdata/traefik-mesh/proxy.yaml) as one pod on the node's network. */
function proxyPod(image: string): object {
  const entry = (name: string, port: number, udp = false) => (udp ? [`--entryPoints.${name}.address=:${port}/udp`] : [`--entryPoints.${name}.address=:${port}`, `--entryPoints.${name}.forwardedHeaders.insecure=true`]);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'traefik-mesh-proxy', namespace: MESH_NAMESPACE, labels: { app: 'maesh', component: 'maesh-mesh' } },
    spec: {
      // The node's network: the controller listens there, and the proxy reaches every pod over the bridge.
      hostNetwork: true,
      dnsPolicy: 'ClusterFirstWithHostNet',
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: 'traefik-mesh-proxy',
          image,
          imagePullPolicy: 'IfNotPresent',
          args: [
            '--entryPoints.readiness.address=:1081',
            '--entryPoints.liveness.address=:1082',
            ...Array.from({ length: HTTP_ENTRYPOINTS }, (_, i) => entry(`http-${5000 + i}`, 5000 + i)).flat(),
            ...Array.from({ length: TCP_ENTRYPOINTS }, (_, i) => entry(`tcp-${10000 + i}`, 10000 + i)).flat(),
            ...Array.from({ length: UDP_ENTRYPOINTS }, (_, i) => entry(`udp-${15000 + i}`, 15000 + i, true)).flat(),
            `--providers.http.endpoint=http://${NODE_IP}:${CONTROLLER_PORT}/api/configuration/current`,
            '--providers.http.pollInterval=100ms',
            '--providers.http.pollTimeout=100ms',
            '--api.dashboard=false',
            '--api.insecure',
            '--ping',
            // No calls home from a test run.
            '--global.checkNewVersion=false',
            '--global.sendAnonymousUsage=false',
          ],
          readinessProbe: { httpGet: { path: '/ping', port: 1081 }, initialDelaySeconds: 1, periodSeconds: 1 },
        },
      ],
    },
  };
}

const until = <T>(probe: () => Promise<T | undefined>, description: string, ms: number) => waitFor(probe, { signal: AbortSignal.timeout(ms), description, intervalMs: 250, maxIntervalMs: 1000 });

// CI's second run (Node 24) leaves it out: the suite's Node side runs under that Node against the
// API servers (test/real/smi/suite-traefik-mesh.test.ts); what this adds is Go programs and pods.
describe.skipIf(!tools || !containerd || !runc || !kubeProxy || !smiEcho || !clusterDns || !mesh || !isRoot || repeatedCiRun)('smi suite on a one-node cluster: real pods, exec traffic, Traefik Mesh', () => {
  const cluster = useCluster(
    () => tools!,
    () => containerdRuntime(containerd!, runc!, 2),
    undefined,
    { clusterDns: NODE_IP },
  );
  const started: Component[] = [];
  let echoImage: string;
  let work: string | undefined;

  beforeAll(async () => {
    const c = cluster();
    work = mkdtempSync(join(c.stateDir, 'smi-'));
    const echo = await imageWith(tools!.busybox, { 'usr/local/bin/smi-echo': smiEcho! }, { 'usr/local/bin/client': 'smi-echo' }, ['/usr/local/bin/smi-echo'], work);
    c.images.registry.push('conformal/smi-echo', '1.0', echo);
    echoImage = `${c.images.host}/conformal/smi-echo:1.0`;
    // The Traefik build links glibc dynamically: the image carries the libraries ldd names, at their paths.
    const libraries = [...(await execFile('ldd', [mesh!.traefikBinary])).stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
    const traefik = await imageWith(tools!.busybox, { 'usr/local/bin/traefik': mesh!.traefikBinary, ...Object.fromEntries(libraries.map((lib) => [lib.slice(1), realpathSync(lib)])) }, {}, ['/usr/local/bin/traefik'], work);
    c.images.registry.push('conformal/traefik', 'v2.8.3', traefik);

    const signal = AbortSignal.timeout(120_000);
    // Service ClusterIPs, as on any cluster: kube-proxy, pod traffic (the cluster CIDR) not masqueraded, so the mesh sees pod addresses.
    const proxy = startComponent('kube-proxy', c.namespaces.enter([
      kubeProxy!,
      `--kubeconfig=${c.kubeconfigFile}`,
      `--hostname-override=${c.nodeName}`,
      '--proxy-mode=iptables',
      `--cluster-cidr=${POD_SUBNET}`,
      '--conntrack-max-per-core=0',
      '--conntrack-tcp-timeout-established=0',
      '--conntrack-tcp-timeout-close-wait=0',
      '--healthz-bind-address=127.0.0.1:10256',
      '--metrics-bind-address=127.0.0.1:10249',
      '--v=2',
    ]));
    started.push(proxy);
    // Its health port is inside the namespaces; its log says when it has programmed the Services.
    await proxy.until(async () => (/"Caches are synced" controller="service config"/.test(proxy.log()) ? true : undefined), 'its service config synced', signal);
    const dns = startComponent('cluster-dns', c.namespaces.enter([clusterDns!, `--kubeconfig=${c.kubeconfigFile}`, `--listen=${NODE_IP}:53`, `--mesh-namespace=${MESH_NAMESPACE}`]));
    started.push(dns);
    await dns.until(async () => (/answering on/.test(dns.log()) ? true : undefined), 'answering', signal);

    await c.kubectl.run(['create', 'namespace', MESH_NAMESPACE], signal);
    await c.kubectl.run(['apply', '-f', mesh!.crdDir], signal);
    await c.kubectl.run(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s'], signal);
    // In-cluster settings would win over --kubeconfig.
    const { KUBERNETES_SERVICE_HOST: _h, KUBERNETES_SERVICE_PORT: _p, ...env } = process.env;
    // The proxy pod reaches the controller's API at the node address.
    const controller = startComponent('mesh controller', c.namespaces.enter([mesh!.meshBinary, ...meshControllerArgs(c.kubeconfigFile, MESH_NAMESPACE, CONTROLLER_PORT, true, NODE_IP)]), env);
    started.push(controller);
    // Its API answers inside the namespaces only: asked from there, as the proxy will.
    const readiness = c.namespaces.enter([tools!.busybox, 'wget', '-q', '-O', '-', `http://${NODE_IP}:${CONTROLLER_PORT}/api/status/readiness`]);
    await controller.until(() => execFile(readiness[0]!, readiness.slice(1), { timeout: 5000 }).then(() => true, () => undefined), '/api/status/readiness answering 200', signal);
    await c.kubectl.run(['apply', '-f', '-'], signal, { input: JSON.stringify(proxyPod(`${c.images.host}/conformal/traefik:v2.8.3`)) });
    await until(async () => {
      const pod = await c.kubectl.json<PodObject>(['get', 'pod', 'traefik-mesh-proxy', `--namespace=${MESH_NAMESPACE}`], signal);
      return pod.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ? pod : undefined;
    }, 'the Traefik proxy pod Ready', 90_000);
  }, 240_000);

  const stopAll = async () => {
    for (const component of started.splice(0).reverse()) await component.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  };
  afterAll(stopAll, 60_000);

  it('`conformal run smi --kubeconfig --mesh traefik-mesh` ends every test as traefik-mesh-expected.ts records for the one-node cluster', async () => {
    const c = cluster();
    const reportDir = join(work!, 'report');
    const { mismatches, output } = await suiteMismatches(c, ['smi', '--kubeconfig', c.kubeconfigFile, '--mesh', 'traefik-mesh', '--server-image', echoImage, '--client-image', echoImage, '--parallel', '4', '--timeout', '120s'], reportDir, ONE_NODE_CLUSTER_EXPECTED, 900_000);
    expect(mismatches, `${mismatches.join('\n')}\n${output}`).toEqual([]);
  }, 960_000);

  it('the traffic went through the mesh by name: the suite pods resolved `.traefik.mesh` names, the proxy pod stayed Ready', async () => {
    const c = cluster();
    const dns = started.find((s) => s.name === 'cluster-dns')!;
    expect(dns.log()).toMatch(/TypeA server\.smi-[a-z0-9-]+\.traefik\.mesh\. -> true/);
    const pod = await c.kubectl.json<PodObject>(['get', 'pod', 'traefik-mesh-proxy', `--namespace=${MESH_NAMESPACE}`], AbortSignal.timeout(30_000));
    expect(pod.spec?.nodeName).toBe(c.nodeName);
    expect(pod.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('True');
  });

  teardownCheck(cluster, ['kubelet --config', 'kube-apiserver', 'containerd --config', 'kube-proxy --kubeconfig', 'cluster-dns --kubeconfig', 'mesh --kubeconfig'], stopAll);
});

describe('docs/smi/traefik-mesh.md', () => {
  it('states, test by test, the one-node cluster results the test above asserts', async () => {
    const text = readFileSync(join(REPO, 'docs/smi/traefik-mesh.md'), 'utf8');
    const rows = Object.fromEntries([...text.matchAll(/^\| `(smi\.[^`]+)` \| \w+ \| \w+ \| (\w+) \|/gm)].map((m) => [m[1], m[2]]));
    expect(rows).toEqual(Object.fromEntries(Object.entries(ONE_NODE_CLUSTER_EXPECTED).map(([id, row]) => [id, row.status])));
  });
});
