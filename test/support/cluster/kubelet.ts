// kubelet: its KubeletConfiguration and flags, every directory it can be told about under the state
// dir (root dir, certificates, pod logs, resolv.conf), started inside the cluster's namespaces.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startComponent, type Component } from './component.js';
import type { ClusterCredentials } from './credentials.js';
import { NODE_IP } from './namespaces.js';

export const KUBELET_PORT = 10250;

export interface KubeletOptions {
  readonly binary: string;
  readonly dir: string;
  readonly nodeName: string;
  readonly credentials: ClusterCredentials;
  /** unix:///path of the CRI runtime. */
  readonly runtimeEndpoint: string;
  /** The cgroup every pod goes under (createCgroup made it). */
  readonly cgroupRoot: string;
  /**
   * 'external': kubelet registers its Node with the node.cloudprovider.kubernetes.io/uninitialized
   * taint and leaves its addresses to a cloud-controller-manager. No --node-ip then: a CCM refuses to
   * initialise a Node whose kubelet-provided IP is not among the cloud's addresses for it.
   */
  readonly cloudProvider?: 'external';
  /** clusterDNS for pods (domain cluster.local); unset: none. */
  readonly clusterDns?: string;
  enter(argv: readonly string[]): string[];
}

export function kubeletConfiguration(options: KubeletOptions): object {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: NODE_IP,
    port: KUBELET_PORT,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    // kube-apiserver's client certificate (O=system:masters) is the only way in; what it may do is asked of kube-apiserver.
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: options.credentials.caFile } },
    authorization: { mode: 'Webhook' },
    containerRuntimeEndpoint: options.runtimeEndpoint,
    // The host is cgroup v1 (hybrid): kubelet 1.35+ refuses it unless told not to, and warns that v1 support is deprecated.
    failCgroupV1: false,
    // No systemd on the host: kubelet manages cgroups through the filesystem, under a root of the cluster's own.
    cgroupDriver: 'cgroupfs',
    cgroupRoot: options.cgroupRoot,
    failSwapOn: false,
    resolvConf: join(options.dir, 'resolv.conf'),
    podLogsDir: join(options.dir, 'pod-logs'),
    registerNode: true,
    ...(options.clusterDns ? { clusterDNS: [options.clusterDns], clusterDomain: 'cluster.local' } : {}),
  };
}

export function startKubelet(options: KubeletOptions): Component {
  mkdirSync(join(options.dir, 'root'), { recursive: true });
  mkdirSync(join(options.dir, 'pod-logs'), { recursive: true });
  // Pods get no name servers: nothing outside the namespace is theirs to ask.
  writeFileSync(join(options.dir, 'resolv.conf'), '');
  const config = join(options.dir, 'config.yaml');
  writeFileSync(config, stringify(kubeletConfiguration(options)));
  return startComponent('kubelet', options.enter([
    options.binary,
    `--config=${config}`,
    `--kubeconfig=${options.credentials.kubeconfigFile}`,
    `--root-dir=${join(options.dir, 'root')}`,
    `--cert-dir=${join(options.dir, 'pki')}`,
    ...(options.cloudProvider === 'external' ? ['--cloud-provider=external'] : [`--node-ip=${NODE_IP}`]),
    `--hostname-override=${options.nodeName}`,
    '--v=2',
  ]));
}
