// etcd, kube-apiserver, kube-controller-manager and kube-scheduler, as a kubeadm control plane would
// run them but as child processes inside the cluster's namespaces: etcd on the namespace's
// loopback, kube-apiserver on the node address, the controllers talking to it with the one
// kubeconfig. Each start waits (with the deadline it is given) for the component to serve.
import { join } from 'node:path';
import { startComponent, type Component } from './component.js';
import type { ClusterCredentials } from './credentials.js';
import type { Kubectl } from './kubectl.js';
import { NODE_IP } from './namespaces.js';

export const APISERVER_PORT = 6443;
export const SERVICE_CIDR = '10.96.0.0/16';

export interface ControlPlaneBinaries {
  readonly etcd: string;
  readonly apiserver: string;
  readonly controllerManager: string;
  readonly scheduler: string;
}

export interface ControlPlaneContext {
  readonly binaries: ControlPlaneBinaries;
  readonly stateDir: string;
  readonly credentials: ClusterCredentials;
  readonly kubectl: Kubectl;
  /** When set, kube-controller-manager gives each Node a /24 of it as spec.podCIDR (the first, 10.244.0.0/24, is the CNI's pod range). */
  readonly clusterCidr?: string;
  enter(argv: readonly string[]): string[];
}

export async function startEtcd(context: ControlPlaneContext, signal: AbortSignal): Promise<Component> {
  const etcd = startComponent('etcd', context.enter([
    context.binaries.etcd,
    '--name=conformal',
    `--data-dir=${join(context.stateDir, 'etcd')}`,
    '--listen-client-urls=http://127.0.0.1:2379',
    '--advertise-client-urls=http://127.0.0.1:2379',
    '--listen-peer-urls=http://127.0.0.1:2380',
    '--initial-advertise-peer-urls=http://127.0.0.1:2380',
    '--initial-cluster=conformal=http://127.0.0.1:2380',
    // A test cluster lives for a minute: durability is not worth the fsync latency.
    '--unsafe-no-fsync',
  ]));
  return etcd.ready(async () => (/ready to serve client requests/.test(etcd.log()) ? true : undefined), 'serving clients on 127.0.0.1:2379', signal);
}

export async function startApiserver(context: ControlPlaneContext, signal: AbortSignal): Promise<Component> {
  const c = context.credentials;
  const apiserver = startComponent('kube-apiserver', context.enter([
    context.binaries.apiserver,
    '--etcd-servers=http://127.0.0.1:2379',
    `--advertise-address=${NODE_IP}`,
    `--bind-address=${NODE_IP}`,
    `--secure-port=${APISERVER_PORT}`,
    `--cert-dir=${join(context.stateDir, 'apiserver')}`,
    `--tls-cert-file=${c.apiserverCertFile}`,
    `--tls-private-key-file=${c.apiserverKeyFile}`,
    `--client-ca-file=${c.caFile}`,
    // As kubeadm sets them: the controllers read these from extension-apiserver-authentication and log errors without.
    `--requestheader-client-ca-file=${c.caFile}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--token-auth-file=${c.tokenFile}`,
    '--anonymous-auth=false',
    '--authorization-mode=Node,RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${c.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${c.serviceAccountPrivateKeyFile}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    `--kubelet-client-certificate=${c.kubeletClientCertFile}`,
    `--kubelet-client-key=${c.kubeletClientKeyFile}`,
    // The node's name resolves nowhere: logs and exec go to the address kubelet reports.
    '--kubelet-preferred-address-types=InternalIP',
    '--v=1',
  ]));
  return apiserver.ready(async () => ((await context.kubectl.run(['get', '--raw=/readyz'], signal, { timeoutMs: 5000 })).trim() === 'ok' ? true : undefined), 'GET /readyz answering ok', signal);
}

export async function startControllerManager(context: ControlPlaneContext, signal: AbortSignal): Promise<Component> {
  const c = context.credentials;
  const manager = startComponent('kube-controller-manager', context.enter([
    context.binaries.controllerManager,
    `--kubeconfig=${c.kubeconfigFile}`,
    `--authentication-kubeconfig=${c.kubeconfigFile}`,
    `--authorization-kubeconfig=${c.kubeconfigFile}`,
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    '--controllers=*',
    `--service-account-private-key-file=${c.serviceAccountPrivateKeyFile}`,
    // Published in every namespace as kube-root-ca.crt, which each pod's service-account volume projects.
    `--root-ca-file=${c.caFile}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    ...(context.clusterCidr ? ['--allocate-node-cidrs=true', `--cluster-cidr=${context.clusterCidr}`, '--node-cidr-mask-size=24'] : []),
    '--v=1',
  ]));
  // Pods are admitted only once their namespace's default ServiceAccount exists.
  return manager.ready(
    async () => ((await context.kubectl.run(['get', 'serviceaccount/default', 'configmap/kube-root-ca.crt', '--namespace=default', '-o', 'name'], signal, { timeoutMs: 5000 })).trim().split('\n').length === 2 ? true : undefined),
    "the default namespace's ServiceAccount and kube-root-ca.crt created",
    signal,
  );
}

export async function startScheduler(context: ControlPlaneContext, signal: AbortSignal): Promise<Component> {
  const kubeconfig = context.credentials.kubeconfigFile;
  const scheduler = startComponent('kube-scheduler', context.enter([
    context.binaries.scheduler,
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    '--v=1',
  ]));
  // Whether it schedules shows when the first pod is bound; here it has to be up and serving.
  return scheduler.ready(async () => (/Serving securely on 127\.0\.0\.1:10259/.test(scheduler.log()) ? true : undefined), 'serving on 127.0.0.1:10259', signal);
}
