// What every cloud test receives as ctx.env.
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { CloudControlClient, CloudInfo } from './cloud-control.js';

export interface CloudEnv {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  /** Short id of the run; every object the suite creates carries it in a label. */
  readonly runId: string;
  /** The cluster is the embedded in-memory one with the reference CCM. */
  readonly embedded: boolean;
  /** The cloud-control endpoint, when given (always for the embedded reference). */
  readonly cloud?: CloudControlClient;
  readonly info?: CloudInfo;
  /** The CCM's cluster CIDR; pod CIDRs of registered nodes come from it. */
  readonly clusterCidr: string;
  /** A /24 of the cluster CIDR no other test of this run uses. */
  nextPodCidr(): string;
}
