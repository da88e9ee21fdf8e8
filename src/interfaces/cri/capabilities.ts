// Capabilities of a CRI target, discovered once per run. Most CRI RPCs are required; these
// name what depends on the test images at hand or on where the runtime runs.
import type { CapabilityInfo } from '../../core/plugin.js';

export const CriCapability = {
  /** The runtime runs on this machine: host paths (log directory, mounts) are shared with the harness. */
  nodeLocal: 'node.local',
  /** The harness runs as root on the runtime's node: it can make host mounts (propagation tests). */
  nodeRoot: 'node.root',
  imageDigest: 'image.digest-reference',
  imageAlias: 'image.second-tag',
  imageUser: 'image.user',
  imageScratch: 'image.scratch-repository',
  /** hostPort mappings on 127.0.0.1 reach the pod (declared with --host-ports; always for the reference). */
  hostPorts: 'network.host-port',
  /** The runtime advertises the handler given by --runtime-handler (or none was given). */
  runtimeHandler: 'runtime.handler',
} as const;

export const capabilityCatalog: readonly CapabilityInfo[] = [
  { name: CriCapability.nodeLocal, description: 'the runtime is reached over a unix socket on this machine, so host-path mounts and container log files can be checked' },
  { name: CriCapability.nodeRoot, description: 'node.local and the harness runs as root, so it can make host mounts to test mount propagation' },
  { name: CriCapability.imageDigest, description: 'a test image reference by digest is available (busyboxDigest)' },
  { name: CriCapability.imageAlias, description: 'a second tag of the busybox test image is available (busyboxAlias)' },
  { name: CriCapability.imageUser, description: 'a test image whose config sets User 1000 is available (userImage)' },
  { name: CriCapability.imageScratch, description: 'a repository where each tag is a distinct small image is available (scratchRepository), for pull/remove tests' },
  { name: CriCapability.hostPorts, description: 'hostPort mappings on 127.0.0.1 reach the pod (--host-ports; the embedded reference always)' },
  { name: CriCapability.runtimeHandler, description: 'Status lists the runtime handler the run uses' },
];
