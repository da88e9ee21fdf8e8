// The pod network: Debian's bridge, host-local and loopback plugins, one conflist written by the
// harness. The bridge and every pod address live inside the cluster's network namespace.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const POD_SUBNET = '10.244.0.0/24';
export const POD_BRIDGE = 'cni0';

/** Writes the conflist into `confDir`; host-local keeps its leases in `ipamDir`. */
export function writeCniConfig(confDir: string, ipamDir: string): void {
  mkdirSync(confDir, { recursive: true });
  const conflist = {
    cniVersion: '1.0.0',
    name: 'conformal-pods',
    plugins: [
      {
        type: 'bridge',
        bridge: POD_BRIDGE,
        // The bridge holds the gateway address, so pods reach the node address; nothing is masqueraded.
        isGateway: true,
        ipMasq: false,
        ipam: { type: 'host-local', dataDir: ipamDir, ranges: [[{ subnet: POD_SUBNET }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'loopback' },
    ],
  };
  writeFileSync(join(confDir, '10-conformal-pods.conflist'), JSON.stringify(conflist, null, 2));
}
