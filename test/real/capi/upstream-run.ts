// What test/real/capi/upstream-suite.test.ts (bare kube-apiserver, in-memory API server) and
// test/real/cluster/capi.test.ts (one-node cluster) run against upstream Cluster API: the same
// templates and `conformal run capi` arguments, and docs/capi/upstream.md's suite table the results
// are asserted against, one column per management cluster.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MACHINE_KUBERNETES_VERSION } from '../../../src/interfaces/capi/well-known.js';

// The templates a user of CAPD's inMemory backend would give: a DevCluster with the inMemory
// backend, and a DevMachine whose simulated VM, Node, API server and etcd each take 1 s. Whole
// objects, as a vendor writes them: CAPD v1.14.2's inMemory backend writes into an
// InfraCluster's annotations map and panics when there is none (kubectl apply and ClusterClass
// always leave one), so the template carries an annotation, which conformal keeps.
const TEMPLATE_META = ['metadata:', '  annotations:', '    conformal.io/template: upstream-ci'];
const CLUSTER_TEMPLATE = ['kind: DevCluster', ...TEMPLATE_META, 'spec:', '  backend:', '    inMemory: {}'].join('\n') + '\n';
const MACHINE_TEMPLATE = ['kind: DevMachine', ...TEMPLATE_META, 'spec:', '  backend:', '    inMemory:', ...['vm', 'node', 'apiServer', 'etcd'].flatMap((step) => [`      ${step}:`, '        provisioning:', "          startupDuration: '1s'"])].join('\n') + '\n';
// The KubeadmConfig spec of a worker in CAPD's in-memory flavor (templates/clusterclass-in-memory.yaml's
// KubeadmConfigTemplate): join with containerd's socket, no disk-pressure eviction.
const BOOTSTRAP_TEMPLATE = [
  'joinConfiguration:',
  '  nodeRegistration:',
  '    criSocket: unix:///var/run/containerd/containerd.sock',
  '    kubeletExtraArgs:',
  '      - name: eviction-hard',
  "        value: 'nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%'",
].join('\n') + '\n';
// A KubeadmControlPlane as CAPD's in-memory flavor has it, without the ClusterClass: the Kubernetes
// version of the bootstrap profile's control plane Machine, the simulated API server's names as
// certificate SANs, containerd's socket. conformal adds spec.replicas and
// spec.machineTemplate.spec.infrastructureRef (a DevMachineTemplate from machine.yaml).
const NODE_REGISTRATION = ['      nodeRegistration:', '        criSocket: unix:///var/run/containerd/containerd.sock'];
const CONTROL_PLANE_TEMPLATE = [
  'kind: KubeadmControlPlane',
  'spec:',
  `  version: ${MACHINE_KUBERNETES_VERSION}`,
  '  kubeadmConfigSpec:',
  '    clusterConfiguration:',
  '      apiServer:',
  "        certSANs: [localhost, '127.0.0.1', '0.0.0.0']",
  '    initConfiguration:',
  ...NODE_REGISTRATION,
  '    joinConfiguration:',
  ...NODE_REGISTRATION,
].join('\n') + '\n';

// A test whose Cluster has a KubeadmControlPlane waits for it to initialize through the simulated
// workload cluster, 34 to 96 s with four tests at a time on a loaded 2-vCPU machine
// (docs/capi/upstream.md): past the default 60 s deadline.
export const TEST_TIMEOUT = '180s';

/** Writes the four templates into `dir` and gives `conformal run capi`'s arguments (paths absolute: the CLI may run in a mount namespace started in /). */
export function upstreamRunArgs(dir: string, kubeconfigPath: string, reportDir: string): string[] {
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  return [
    'run', 'capi', '--kubeconfig', kubeconfigPath,
    '--infrastructure', 'DevCluster/DevMachine', '--cluster-template', file('cluster.yaml', CLUSTER_TEMPLATE), '--machine-template', file('machine.yaml', MACHINE_TEMPLATE),
    '--bootstrap', 'KubeadmConfig', '--bootstrap-template', file('bootstrap.yaml', BOOTSTRAP_TEMPLATE),
    '--control-plane', 'KubeadmControlPlane', '--control-plane-template', file('control-plane.yaml', CONTROL_PLANE_TEMPLATE),
    '--timeout', TEST_TIMEOUT, '--report-dir', reportDir,
  ];
}

export interface Row {
  readonly inMemory: string;
  readonly real: string;
  readonly cluster: string;
  readonly reason: string;
}

/** docs/capi/upstream.md's suite table: `| \`id\` | in-memory API server | kube-apiserver | one-node cluster | reason |`. */
export function suiteTable(markdown: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const m of markdown.slice(markdown.indexOf('<!-- suite-table -->')).matchAll(/^\| `(capi\.[^`]+)` \| (\w+) \| (\w+) \| (\w+) \|(.*)\|$/gm)) {
    rows.set(m[1]!, { inMemory: m[2]!, real: m[3]!, cluster: m[4]!, reason: m[5]!.trim() });
  }
  return rows;
}
