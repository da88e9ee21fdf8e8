// The smoke workload for upstream Cluster API (docs/capi/upstream.md): a Cluster on a DevCluster
// (CAPD's inMemory backend) and a MachineDeployment of 2 DevMachines. Written complete, as upstream's
// defaulting webhooks would leave them, because no admission webhooks are installed.
const INFRA = 'infrastructure.cluster.x-k8s.io';
const CORE = 'cluster.x-k8s.io';
const BOOTSTRAP = 'bootstrap.cluster.x-k8s.io';
const CONTROL_PLANE = 'controlplane.cluster.x-k8s.io';

export const SMOKE_CLUSTER = 'smoke';

/** Fast simulated provisioning: every step of the in-memory machine takes one second. */
const provisioning = { provisioning: { startupDuration: '1s' } };

export function smokeObjects(namespace: string): { path: string; body: Record<string, unknown> }[] {
  const name = SMOKE_CLUSTER;
  const labels = { 'cluster.x-k8s.io/cluster-name': name, 'cluster.x-k8s.io/deployment-name': 'workers' };
  const metadata = (n: string) => ({ name: n, namespace });
  return [
    { path: `/api/v1/namespaces/${namespace}/secrets`, body: { apiVersion: 'v1', kind: 'Secret', metadata: { ...metadata('bootstrap-data'), labels: { 'cluster.x-k8s.io/cluster-name': name } }, data: { value: Buffer.from('#!/bin/sh\n').toString('base64') } } },
    // CAPD v1.14.2's inMemory backend writes into metadata.annotations without creating the map
    // (inmemorycluster_backend.go:67): a DevCluster without annotations panics its reconciler.
    { path: `/apis/${INFRA}/v1beta2/namespaces/${namespace}/devclusters`, body: { apiVersion: `${INFRA}/v1beta2`, kind: 'DevCluster', metadata: { ...metadata(name), annotations: { 'conformal.dev/smoke': 'true' } }, spec: { backend: { inMemory: {} } } } },
    {
      path: `/apis/${INFRA}/v1beta2/namespaces/${namespace}/devmachinetemplates`,
      body: { apiVersion: `${INFRA}/v1beta2`, kind: 'DevMachineTemplate', metadata: metadata('workers'), spec: { template: { metadata: { annotations: { 'conformal.dev/smoke': 'true' } }, spec: { backend: { inMemory: { vm: provisioning, node: provisioning, apiServer: provisioning, etcd: provisioning } } } } } },
    },
    {
      path: `/apis/${CORE}/v1beta2/namespaces/${namespace}/clusters`,
      body: { apiVersion: `${CORE}/v1beta2`, kind: 'Cluster', metadata: metadata(name), spec: { infrastructureRef: { apiGroup: INFRA, kind: 'DevCluster', name } } },
    },
    {
      path: `/apis/${CORE}/v1beta2/namespaces/${namespace}/machinedeployments`,
      body: {
        apiVersion: `${CORE}/v1beta2`,
        kind: 'MachineDeployment',
        metadata: { ...metadata('workers'), labels: { 'cluster.x-k8s.io/cluster-name': name } },
        spec: {
          clusterName: name,
          replicas: 2,
          // The defaulting webhook's values: without a strategy type the controller stops ("unexpected deployment strategy type").
          rollout: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
          deletion: { order: 'Random' },
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { clusterName: name, version: 'v1.33.0', bootstrap: { dataSecretName: 'bootstrap-data' }, infrastructureRef: { apiGroup: INFRA, kind: 'DevMachineTemplate', name: 'workers' } },
          },
        },
      },
    },
  ];
}

export const KUBEADM_SMOKE_CLUSTER = 'smoke-kubeadm';

/**
 * The same DevCluster and DevMachines with upstream's kubeadm providers, shaped after CAPD's
 * in-memory flavor (test/infrastructure/docker/templates/clusterclass-in-memory.yaml) without the
 * ClusterClass: a KubeadmControlPlane of one replica owns the control plane, and the
 * MachineDeployment's 2 workers are bootstrapped by a KubeadmConfigTemplate.
 */
export function kubeadmSmokeObjects(namespace: string): { path: string; body: Record<string, unknown> }[] {
  const name = KUBEADM_SMOKE_CLUSTER;
  const [, devCluster, machineTemplate, cluster, deployment] = smokeObjects(namespace).map((o) => structuredClone(o));
  const ref = (apiGroup: string, kind: string, n: string) => ({ apiGroup, kind, name: n });
  const node = { nodeRegistration: { criSocket: 'unix:///var/run/containerd/containerd.sock' } };
  const version = 'v1.32.13';
  Object.assign(devCluster!.body.metadata as object, { name });
  Object.assign(cluster!.body.metadata as object, { name });
  Object.assign(cluster!.body.spec as object, { infrastructureRef: ref(INFRA, 'DevCluster', name), controlPlaneRef: ref(CONTROL_PLANE, 'KubeadmControlPlane', name) });
  const md = deployment!.body as { metadata: { labels: Record<string, string> }; spec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  md.metadata.labels['cluster.x-k8s.io/cluster-name'] = name;
  md.spec.clusterName = name;
  md.spec.template.metadata.labels['cluster.x-k8s.io/cluster-name'] = name;
  md.spec.template.spec = { clusterName: name, version, bootstrap: { configRef: ref(BOOTSTRAP, 'KubeadmConfigTemplate', 'workers') }, infrastructureRef: ref(INFRA, 'DevMachineTemplate', 'workers') };
  return [
    devCluster!,
    machineTemplate!,
    {
      path: `/apis/${CONTROL_PLANE}/v1beta2/namespaces/${namespace}/kubeadmcontrolplanes`,
      body: {
        apiVersion: `${CONTROL_PLANE}/v1beta2`,
        kind: 'KubeadmControlPlane',
        metadata: { name, namespace },
        spec: {
          replicas: 1,
          version,
          machineTemplate: { spec: { infrastructureRef: ref(INFRA, 'DevMachineTemplate', 'workers') } },
          kubeadmConfigSpec: { clusterConfiguration: { apiServer: { certSANs: ['localhost', '127.0.0.1', '0.0.0.0'] } }, initConfiguration: node, joinConfiguration: node },
        },
      },
    },
    {
      path: `/apis/${BOOTSTRAP}/v1beta2/namespaces/${namespace}/kubeadmconfigtemplates`,
      body: { apiVersion: `${BOOTSTRAP}/v1beta2`, kind: 'KubeadmConfigTemplate', metadata: { name: 'workers', namespace }, spec: { template: { spec: { joinConfiguration: node } } } },
    },
    cluster!,
    deployment!,
  ];
}
