// The target-cluster settings every Kubernetes-API suite (cloud, capi, smi) shares: which cluster,
// through which kubeconfig context, or the cluster the run is itself a Pod of.
import { z } from 'zod';
import type { FlagSpec } from '../core/plugin.js';
import { checkedDurationFlag, durationField as duration } from '../core/settings.js';

/** Fields spread into each Kubernetes-API interface's options schema. */
export const kubeTargetFields = {
  /** kubeconfig file of the cluster under test; unset (and no inCluster) -> the embedded in-memory cluster. */
  kubeconfig: z.string().min(1).optional(),
  /** Context of the kubeconfig to use; its current context when unset. */
  context: z.string().min(1).optional(),
  /** Use the service account of the Pod conformal runs in (a Job in the cluster under test). */
  inCluster: z.boolean().default(false),
  /** How long the cluster may take to answer /version before the run gives up (exit 3). */
  connectTimeout: duration('connectTimeout').default(15_000),
};

export interface KubeTargetOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly inCluster: boolean;
  readonly connectTimeout: number;
}

export const kubeTargetFlags: readonly FlagSpec[] = [
  { flags: '--kubeconfig <file>', key: 'kubeconfig', description: 'kubeconfig of the cluster under test (unset: the embedded in-memory cluster with the reference implementation)' },
  { flags: '--context <name>', key: 'context', description: 'kubeconfig context to use (its current context)' },
  { flags: '--in-cluster', key: 'inCluster', description: "use the service account of the Pod conformal runs in (run as a Job in the cluster under test)" },
  { flags: '--connect-timeout <duration>', key: 'connectTimeout', description: 'how long the cluster may take to answer /version (15s)', parse: checkedDurationFlag('--connect-timeout') },
];
