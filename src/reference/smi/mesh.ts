// The reference mesh's controller: a real client of the API server (HTTPS, kubeconfig) that
// installs the SMI CRDs, watches SMI objects, Services, Pods, Deployments and ReplicaSets (making
// the pods of a Deployment, workloads.ts), runs a data-plane workload per
// Pod (reporting it Running, as a kubelet would, once its proxies listen) and registers the
// metrics API as an APIService.
import { ApiException, KubernetesObjectApi, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { KubeClient, MERGE_PATCH, SharedInformer, type Logger } from '../cloud/kube-client.js';
import { smiCrds } from './crds.js';
import { DataPlane } from './dataplane.js';
import { faultPredicate, type SmiFaultName } from './faults.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { keyOf, type HTTPRouteGroup, type MeshState, type Pod, type PortRoute, type Service, type TrafficSplit, type TrafficTarget, type Workload } from './model.js';
import { WorkloadController } from './workloads.js';

export const METRICS_NAMESPACE = 'smi-metrics';
export const METRICS_SERVICE = 'smi-metrics';

type Obj = KubernetesObject & { metadata: { name: string; namespace?: string } };

export class ReferenceMesh {
  readonly client: KubeClient;
  readonly dataPlane: DataPlane;
  private readonly objects: KubernetesObjectApi;
  private readonly faulty: (name: SmiFaultName) => boolean;
  private readonly informers: SharedInformer<Obj>[] = [];
  private metricsServer: MetricsServer | undefined;
  private readonly state = {
    targets: new Map<string, TrafficTarget>(),
    routeGroups: new Map<string, HTTPRouteGroup>(),
    tcpRoutes: new Map<string, PortRoute>(),
    udpRoutes: new Map<string, PortRoute>(),
    splits: new Map<string, TrafficSplit>(),
    services: new Map<string, Service>(),
    pods: new Map<string, Pod>(),
    deployments: new Map<string, Workload>(),
    replicaSets: new Map<string, Workload>(),
  };
  private readonly workloads: WorkloadController;

  constructor(kubeconfig: string, fault: string | undefined, private readonly log: Logger) {
    this.client = new KubeClient(kubeconfig);
    this.objects = KubernetesObjectApi.makeApiClient(this.client.config);
    this.faulty = faultPredicate(fault);
    this.dataPlane = new DataPlane(() => this.snapshot(), this.faulty);
    this.workloads = new WorkloadController(this.objects, () => this.snapshot(), log);
  }

  snapshot(): MeshState {
    return this.state;
  }

  async start(): Promise<void> {
    for (const crd of smiCrds(this.faulty)) await this.ensure(crd as unknown as Obj);
    this.watch<TrafficTarget>('access.smi-spec.io/v1alpha3', 'TrafficTarget', 'traffictargets', this.state.targets, this.faulty('deletion-not-revoking'));
    this.watch<HTTPRouteGroup>('specs.smi-spec.io/v1alpha4', 'HTTPRouteGroup', 'httproutegroups', this.state.routeGroups);
    this.watch<PortRoute>('specs.smi-spec.io/v1alpha4', 'TCPRoute', 'tcproutes', this.state.tcpRoutes);
    this.watch<PortRoute>('specs.smi-spec.io/v1alpha4', 'UDPRoute', 'udproutes', this.state.udpRoutes);
    this.watch<TrafficSplit>('split.smi-spec.io/v1alpha4', 'TrafficSplit', 'trafficsplits', this.state.splits);
    this.watch<Service>('v1', 'Service', 'services', this.state.services);
    const pods = this.watch<Pod>('v1', 'Pod', 'pods', this.state.pods);
    pods.on({ add: (p) => void this.podChanged(p as unknown as Pod), update: (p) => void this.podChanged(p as unknown as Pod), delete: (p) => void this.dataPlane.stop(p) });
    const deployments = this.watch<Workload>('apps/v1', 'Deployment', 'deployments', this.state.deployments);
    const deploymentChanged = (d: Obj) => void this.workloads.deploymentChanged(d as unknown as Workload);
    deployments.on({ add: deploymentChanged, update: deploymentChanged });
    const replicaSets = this.watch<Workload>('apps/v1', 'ReplicaSet', 'replicasets', this.state.replicaSets);
    const replicaSetChanged = (rs: Obj) => void this.workloads.replicaSetChanged(rs as unknown as Workload);
    replicaSets.on({ add: replicaSetChanged, update: replicaSetChanged });
    // Each informer's CRD may be fresh: its first list can race the CRD being served, so retry.
    for (const informer of this.informers) await retry(() => informer.start());
    await this.registerMetrics();
  }

  async stop(): Promise<void> {
    for (const informer of this.informers) await informer.stop().catch(() => undefined);
    await this.dataPlane.close();
    await this.metricsServer?.close();
    this.client.close();
  }

  private watch<T>(apiVersion: string, kind: string, plural: string, into: Map<string, T>, keepDeleted = false): SharedInformer<Obj> {
    const path = apiVersion === 'v1' ? `/api/v1/${plural}` : `/apis/${apiVersion}/${plural}`;
    const informer = new SharedInformer<Obj>(this.client.config, path, () => this.objects.list(apiVersion, kind) as Promise<KubernetesListObject<Obj>>, this.log);
    // The split-updates-ignored fault keeps the first version of every TrafficSplit.
    const frozen = kind === 'TrafficSplit' && this.faulty('split-updates-ignored');
    const set = (o: Obj) => void (frozen && into.has(keyOf(o.metadata)) ? undefined : into.set(keyOf(o.metadata), o as unknown as T));
    informer.on({ add: set, update: set, delete: (o) => void (keepDeleted || into.delete(keyOf(o.metadata))) });
    this.informers.push(informer);
    return informer;
  }

  private async podChanged(pod: Pod): Promise<void> {
    if ((pod.metadata as { deletionTimestamp?: string }).deletionTimestamp) return;
    try {
      await this.dataPlane.start(pod);
      if (pod.status?.phase === 'Running') return;
      const now = new Date().toISOString();
      await this.client.core.patchNamespacedPodStatus(
        {
          name: pod.metadata.name,
          namespace: pod.metadata.namespace!,
          body: { status: { phase: 'Running', podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }], startTime: now, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }, { type: 'ContainersReady', status: 'True', lastTransitionTime: now }] } },
        },
        MERGE_PATCH,
      );
    } catch (error) {
      this.log.warn(`pod ${keyOf(pod.metadata)}: ${(error as Error).message}`);
    }
  }

  private async ensure(object: Obj): Promise<void> {
    try {
      await this.objects.create(object);
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    }
  }

  /** The metrics API behind an APIService whose Service names the loopback server (Endpoints may not hold loopback addresses). */
  private async registerMetrics(): Promise<void> {
    this.metricsServer = await startMetricsServer(this.dataPlane.metrics, () => this.snapshot(), this.faulty);
    const ns = METRICS_NAMESPACE;
    await this.ensure({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await this.ensure({ apiVersion: 'v1', kind: 'Service', metadata: { name: METRICS_SERVICE, namespace: ns }, spec: { type: 'ExternalName', externalName: 'localhost' } } as Obj);
    await this.ensure({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1alpha1.metrics.smi-spec.io' },
      // An ExternalName Service is reached at the APIService's own port; the serving certificate is
      // self-signed for 127.0.0.1, not for the Service's DNS name.
      spec: { group: 'metrics.smi-spec.io', version: 'v1alpha1', service: { namespace: ns, name: METRICS_SERVICE, port: this.metricsServer.port }, insecureSkipTLSVerify: true, groupPriorityMinimum: 100, versionPriority: 100 },
    } as Obj);
  }
}

async function retry(attempt: () => Promise<void>, times = 50): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= times) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
