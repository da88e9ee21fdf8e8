// What the CSI options alone can tell, checked before a run writes or starts anything: endpoint
// syntax, flags that only apply to the embedded reference, fault names, parameter and secret files.
import { UsageError } from '../../core/errors.js';
import { parseEndpoint } from '../../transport/grpc.js';
import { CSI_FAULT_NAMES } from '../../reference/csi/faults.js';
import type { CsiOptions } from './options.js';
import { resolveCsiOptions } from './resolve.js';

export interface Targets {
  readonly controller: string;
  readonly node: string;
  readonly description: string;
}

type EndpointOptions = Pick<CsiOptions, 'referenceDisable' | 'referenceFault' | 'endpoint' | 'controllerEndpoint' | 'nodeEndpoint'>;

/** No endpoint of any kind: the run starts the embedded reference driver. */
export function isEmbedded(options: Pick<CsiOptions, 'endpoint' | 'controllerEndpoint' | 'nodeEndpoint'>): boolean {
  return !options.endpoint && !options.controllerEndpoint && !options.nodeEndpoint;
}

/** The driver's controller and node addresses; UsageError naming the flag for anything malformed. */
export function externalTargets(options: EndpointOptions): Targets {
  if (options.referenceDisable.length > 0) throw new UsageError('--reference-disable applies only to the embedded reference (no --endpoint)', { field: '--reference-disable' });
  if (options.referenceFault) throw new UsageError('--reference-fault applies only to the embedded reference (no --endpoint)', { field: '--reference-fault' });
  const controllerFlag = options.controllerEndpoint ? '--controller-endpoint' : '--endpoint';
  const nodeFlag = options.nodeEndpoint ? '--node-endpoint' : '--endpoint';
  const controllerRaw = options.controllerEndpoint ?? options.endpoint;
  const nodeRaw = options.nodeEndpoint ?? options.endpoint;
  if (!controllerRaw) throw new UsageError('--node-endpoint needs --endpoint or --controller-endpoint as well', { field: '--endpoint' });
  if (!nodeRaw) throw new UsageError('--controller-endpoint needs --endpoint or --node-endpoint as well', { field: '--node-endpoint' });
  parseEndpoint(controllerRaw, controllerFlag);
  parseEndpoint(nodeRaw, nodeFlag);
  // Addresses stay as the user wrote them: messages about them must be recognisable.
  return { controller: controllerRaw, node: nodeRaw, description: controllerRaw === nodeRaw ? controllerRaw : `controller ${controllerRaw}, node ${nodeRaw}` };
}

export function validateCsiOptions(options: CsiOptions): void {
  const embedded = isEmbedded(options);
  resolveCsiOptions(options, embedded); // reads the parameter and secret files: ConfigError naming the option
  if (!embedded) externalTargets(options);
  else if (options.referenceFault && !CSI_FAULT_NAMES.includes(options.referenceFault)) {
    throw new UsageError(`--reference-fault must be one of ${CSI_FAULT_NAMES.join(', ')}, got "${options.referenceFault}"`, { field: '--reference-fault' });
  }
}
