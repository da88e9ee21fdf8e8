// Checks of the cloud options that need nothing but the options (exit 2, naming the flag).
import { UsageError } from '../../core/errors.js';
import { validateKubeTarget } from '../../kube-kit/target.js';
import type { CloudOptions } from './options.js';
import { podCidrAllocator } from './pod-cidrs.js';

export function validateCloudOptions(options: CloudOptions): void {
  validateKubeTarget(options);
  podCidrAllocator(options.clusterCidr);
  const external = options.kubeconfig || options.inCluster;
  if (options.referenceFault && external) throw new UsageError('--reference-fault applies to the embedded reference only; drop --kubeconfig/--in-cluster', { field: '--reference-fault' });
  if (options.cloudControl && !external) throw new UsageError('--cloud-control needs --kubeconfig or --in-cluster: the embedded cluster brings its own cloud', { field: '--cloud-control' });
}
