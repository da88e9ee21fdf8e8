// Checks of the smi options that need nothing but the options (exit 2, naming the flag).
import { UsageError } from '../../core/errors.js';
import { validateKubeTarget } from '../../kube-kit/target.js';
import type { SmiOptions } from './options.js';

export function validateSmiOptions(options: SmiOptions): void {
  validateKubeTarget(options);
  const external = options.kubeconfig || options.inCluster;
  if (options.referenceFault && external) throw new UsageError('--reference-fault applies to the embedded reference only; drop --kubeconfig/--in-cluster', { field: '--reference-fault' });
  if (options.mesh && !external) throw new UsageError('--mesh needs --kubeconfig or --in-cluster: the embedded cluster brings its own mesh', { field: '--mesh' });
  if (options.trafficEndpoint && !external) throw new UsageError('--traffic-endpoint needs --kubeconfig or --in-cluster: the embedded cluster sends through its own data plane', { field: '--traffic-endpoint' });
  if (options.trafficEndpoint && !/^https?:\/\//.test(options.trafficEndpoint)) throw new UsageError(`--traffic-endpoint must be an http(s) URL, got "${options.trafficEndpoint}"`, { field: '--traffic-endpoint' });
  const both = (options.supportedFeatures ?? []).filter((f) => options.exemptFeatures.includes(f));
  if (both.length > 0) throw new UsageError(`--supported-features and --exempt-features both name ${both.join(', ')}`, { field: '--exempt-features' });
}
