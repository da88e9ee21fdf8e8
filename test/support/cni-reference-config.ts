// The network config of conformal-ref delegating to an IPAM plugin (its own, by default), as the
// tests that execute the reference plugins directly write it: state and address store under `dir`.
import { join } from 'node:path';
import { REFERENCE_IPAM_TYPE, REFERENCE_TYPE } from '../../src/interfaces/cni/target.js';

export interface DelegatingConfigOptions {
  readonly name: string;
  /** Where the plugin keeps its state (`state/`) and the IPAM plugin its addresses (`ipam/`). */
  readonly dir: string;
  /** conformal-ref runs its own IPAM code in-process instead of executing the delegate. */
  readonly inProcess?: boolean;
  readonly ipamType?: string;
}

export function delegatingConfig({ name, dir, inProcess = false, ipamType = REFERENCE_IPAM_TYPE }: DelegatingConfigOptions) {
  return {
    cniVersion: '1.1.0',
    name,
    type: REFERENCE_TYPE,
    dataDir: join(dir, 'state'),
    ...(inProcess ? { ipamInProcess: true } : {}),
    ipam: { type: ipamType, dataDir: join(dir, 'ipam'), ranges: [{ subnet: '198.18.0.0/24', gateway: '198.18.0.1' }] },
  };
}
