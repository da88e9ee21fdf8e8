// The part of kube-controller-manager the embedded cluster lacks for the suite's Deployments: each
// Deployment gets one ReplicaSet for its template (named with a pod-template-hash, owned by the
// Deployment) and the ReplicaSet its missing Pods (owned by it), so the metrics of a Deployment can
// be checked as in a cluster. Scale-up only: no rollouts, no scale-down; deletion is the garbage
// collector's, through the owner references.
import { createHash, randomBytes } from 'node:crypto';
import { ApiException, type KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../cloud/kube-client.js';
import { keyOf, type MeshState, type Workload } from './model.js';

const HASH_LABEL = 'pod-template-hash';

/** A short hash of the template, as the Deployment controller labels a ReplicaSet and its pods. */
export function templateHash(template: Workload['spec']['template']): string {
  return createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
}

const ownerRef = (kind: string, apiVersion: string, meta: Workload['metadata']) => ({ apiVersion, kind, name: meta.name, uid: meta.uid!, controller: true, blockOwnerDeletion: true });

export class WorkloadController {
  /** Pods made per ReplicaSet uid: the pod informer may not have seen them yet when the ReplicaSet changes again. */
  private readonly made = new Map<string, number>();

  constructor(private readonly objects: KubernetesObjectApi, private readonly state: () => MeshState, private readonly log: Logger) {}

  /** The ReplicaSet of the Deployment's current template, created when missing. */
  async deploymentChanged(deployment: Workload): Promise<void> {
    if (!deployment.metadata.uid) return;
    const hash = templateHash(deployment.spec.template);
    const name = `${deployment.metadata.name}-${hash}`;
    if (this.state().replicaSets.has(`${deployment.metadata.namespace}/${name}`)) return;
    const labels = { ...deployment.spec.template.metadata?.labels, [HASH_LABEL]: hash };
    await this.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: deployment.metadata.namespace, labels, ownerReferences: [ownerRef('Deployment', 'apps/v1', deployment.metadata)] },
      spec: {
        replicas: deployment.spec.replicas ?? 1,
        selector: { matchLabels: { ...deployment.spec.selector?.matchLabels, [HASH_LABEL]: hash } },
        template: { ...deployment.spec.template, metadata: { ...deployment.spec.template.metadata, labels } },
      },
    });
  }

  /** Pods up to the ReplicaSet's replicas. */
  async replicaSetChanged(rs: Workload): Promise<void> {
    if (!rs.metadata.uid) return;
    const uid = rs.metadata.uid;
    const seen = [...this.state().pods.values()].filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === uid)).length;
    for (let i = Math.max(seen, this.made.get(uid) ?? 0); i < (rs.spec.replicas ?? 1); i++) {
      this.made.set(uid, i + 1);
      await this.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${rs.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`, namespace: rs.metadata.namespace, labels: rs.spec.template.metadata?.labels ?? {}, annotations: rs.spec.template.metadata?.annotations ?? {}, ownerReferences: [ownerRef('ReplicaSet', 'apps/v1', rs.metadata)] },
        spec: rs.spec.template.spec,
      });
    }
  }

  private async create(object: KubernetesObject & { spec: unknown }): Promise<void> {
    try {
      await this.objects.create(object);
    } catch (error) {
      // 409: made already; 403/404: its namespace is going away.
      if (error instanceof ApiException && [403, 404, 409].includes(error.code)) return;
      this.log.warn(`creating ${object.kind} ${keyOf(object.metadata as Workload['metadata'])}: ${(error as Error).message}`);
    }
  }
}
