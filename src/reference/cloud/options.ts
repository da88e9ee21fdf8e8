// Options of the reference cloud and the periods its controllers run at. Upstream's defaults are
// seconds to minutes; the embedded ones are sub-second so a whole suite run takes seconds.
import { UsageError } from '../../core/errors.js';
import type { CloudFaultName } from './faults.js';
import { parseCidr, type Cidr } from './ip.js';
import { SILENT, type Logger } from './kube-client.js';

export interface ReferenceCloudTiming {
  /** cloud-node-lifecycle-controller's pass over NotReady nodes (upstream NodeMonitorPeriod 5 s). */
  nodeMonitorPeriodMs: number;
  /** cloud-node-controller's address refresh of initialised nodes (upstream NodeStatusUpdateFrequency 5 min). */
  nodeStatusUpdateMs: number;
  /** route_controller's periodic reconcile, besides the one node changes trigger (upstream 10 s). */
  routeReconcileMs: number;
  /** service-controller's resync of Services needing cleanup (upstream 30 s). */
  serviceResyncMs: number;
  /** service-controller's periodic check of load-balancer backends (upstream 100 s). */
  nodeSyncMs: number;
  /** First retry delay of a failed sync, doubled per failure (upstream 5 s). */
  retryBaseMs: number;
  /** Longest retry delay (upstream 300 s). */
  retryMaxMs: number;
  /** Node agent's Lease renewal (kubelet 10 s). */
  leaseRenewMs: number;
}

export const EMBEDDED_TIMING: Readonly<ReferenceCloudTiming> = {
  nodeMonitorPeriodMs: 200,
  nodeStatusUpdateMs: 1000,
  routeReconcileMs: 500,
  serviceResyncMs: 500,
  nodeSyncMs: 500,
  retryBaseMs: 100,
  retryMaxMs: 2000,
  leaseRenewMs: 2000,
};

export interface ReferenceCloudOptions {
  /** kubeconfig YAML of the API server; the CCM and the node agent are its clients. */
  kubeconfig: string;
  /** A fault-injected variant (for conformal's own tests); absent = correct. */
  fault?: CloudFaultName;
  /** Nodes the node agent registers at start (default 2, in two zones). */
  standingNodes?: number;
  /** Default 10.244.0.0/16; standing nodes get podCIDRs 10.244.0.0/24, 10.244.1.0/24, … */
  clusterCIDR?: string;
  timing?: Partial<ReferenceCloudTiming>;
  log?: Logger;
}

export interface ResolvedOptions {
  kubeconfig: string;
  fault: CloudFaultName | undefined;
  standingNodes: number;
  clusterCIDR: Cidr;
  timing: ReferenceCloudTiming;
  log: Logger;
}

export function resolveOptions(options: ReferenceCloudOptions): ResolvedOptions {
  const clusterCIDR = parseCidr(options.clusterCIDR ?? '10.244.0.0/16');
  if (!clusterCIDR || clusterCIDR.prefix > 24) throw new UsageError(`clusterCIDR ${options.clusterCIDR} is not an IPv4 CIDR of /24 or larger`, { field: 'clusterCIDR' });
  const standingNodes = options.standingNodes ?? 2;
  if (!Number.isInteger(standingNodes) || standingNodes < 0 || standingNodes > 2 ** (24 - clusterCIDR.prefix)) {
    throw new UsageError(`standingNodes must be a whole number that fits the cluster CIDR, not ${standingNodes}`, { field: 'standingNodes' });
  }
  return {
    kubeconfig: options.kubeconfig,
    fault: options.fault,
    standingNodes,
    clusterCIDR,
    timing: { ...EMBEDDED_TIMING, ...options.timing },
    log: options.log ?? SILENT,
  };
}
