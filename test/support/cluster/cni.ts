// The pod network, one conflist written by the harness: Debian's bridge, host-local and loopback
// plugins, or conformal's reference plugin in bridge mode (docs/cni/reference.md). Either way the
// bridge and every pod address live inside the cluster's network namespace.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../../../src/core/paths.js';
import { REFERENCE_EXECUTABLES, REFERENCE_IPAM_TYPE, REFERENCE_TYPE, referenceBundle } from '../../../src/interfaces/cni/target.js';

export const POD_SUBNET = '10.244.0.0/24';
export const POD_GATEWAY = '10.244.0.1';
export const POD_BRIDGE = 'cni0';

/** Which plugins give pods their network. */
export type PodNetwork = 'debian-bridge' | 'conformal-reference';

export interface PodNetworkFiles {
  /** The directory holding the conflist (containerd's conf_dir). */
  readonly confDir: string;
  /** The plugins' directory (containerd's bin_dir). */
  readonly binDir: string;
}

function writeConflist(confDir: string, plugins: unknown[]): void {
  mkdirSync(confDir, { recursive: true });
  // 1.0.0: the newest version containerd 1.6's libcni accepts.
  writeFileSync(join(confDir, '10-conformal-pods.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'conformal-pods', plugins }, null, 2));
}

/**
 * Writes the network's conflist and, for the reference, a plugin directory of links under
 * `stateDir/cni`; `debianBinDir` holds Debian's plugins (loopback is always taken from there:
 * containerd sets up each pod's `lo` with it, whatever the conflist says).
 */
export function writePodNetwork(network: PodNetwork, stateDir: string, debianBinDir: string): PodNetworkFiles {
  const confDir = join(stateDir, 'cni', 'net.d');
  if (network === 'debian-bridge') {
    writeConflist(confDir, [
      {
        type: 'bridge',
        bridge: POD_BRIDGE,
        // The bridge holds the gateway address, so pods reach the node address; nothing is masqueraded.
        isGateway: true,
        ipMasq: false,
        ipam: { type: 'host-local', dataDir: join(stateDir, 'cni', 'ipam'), ranges: [[{ subnet: POD_SUBNET }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'loopback' },
    ]);
    return { confDir, binDir: debianBinDir };
  }
  const binDir = join(stateDir, 'cni', 'bin');
  mkdirSync(binDir, { recursive: true });
  for (const { type, script } of REFERENCE_EXECUTABLES) {
    if (!existsSync(referenceBundle(type))) throw new Error(`the reference CNI plugin is not built (${referenceBundle(type)} missing); run \`npm run build\``);
    symlinkSync(packagePath(script), join(binDir, type));
  }
  symlinkSync(join(debianBinDir, 'loopback'), join(binDir, 'loopback'));
  writeConflist(confDir, [
    {
      type: REFERENCE_TYPE,
      mode: 'bridge',
      bridge: POD_BRIDGE,
      dataDir: join(stateDir, 'cni', 'ref-state'),
      // The IPAM runs inside the plugin's process: one Node start less per ADD and DEL.
      ipamInProcess: true,
      // The reference IPAM takes the gateway as given (host-local would pick the first address).
      ipam: { type: REFERENCE_IPAM_TYPE, dataDir: join(stateDir, 'cni', 'ipam'), ranges: [{ subnet: POD_SUBNET, gateway: POD_GATEWAY }] },
    },
  ]);
  return { confDir, binDir };
}
