// Capabilities of a CRI target, discovered once per run. Most CRI RPCs are required; these
// name what depends on the test images at hand or on where the runtime runs.
import type { CapabilityInfo, ProfileDefinition } from '../../core/plugin.js';

export const CriCapability = {
  /** The runtime runs on the machine conformal runs on: host paths (log directory, mounts) are shared with the harness. */
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
  /** Status says the run's runtime handler supports user namespaces (its features.user_namespaces). */
  userNamespaces: 'runtime.user-namespaces',
} as const;

// node.* and image.* describe where the harness runs and the images conformal's loopback registry
// always serves: environment. Only --host-ports is something the user must say.
export const capabilityCatalog: readonly CapabilityInfo[] = [
  { name: CriCapability.nodeLocal, kind: 'environment', description: 'the runtime is reached over a unix socket on the machine conformal runs on, so host-path mounts and container log files can be checked' },
  { name: CriCapability.nodeRoot, kind: 'environment', description: 'node.local and the harness runs as root, so it can make host mounts to test mount propagation' },
  { name: CriCapability.imageDigest, kind: 'environment', description: 'a test image reference by digest is available (busyboxDigest)' },
  { name: CriCapability.imageAlias, kind: 'environment', description: 'a second tag of the busybox test image is available (busyboxAlias)' },
  { name: CriCapability.imageUser, kind: 'environment', description: 'a test image whose config sets User 1000 is available (userImage)' },
  { name: CriCapability.imageScratch, kind: 'environment', description: 'a repository where each tag is a distinct small image is available (scratchRepository), for pull/remove tests' },
  { name: CriCapability.hostPorts, kind: 'setting', flag: '--host-ports', description: 'hostPort mappings on 127.0.0.1 reach the pod (the embedded reference always)' },
  { name: CriCapability.runtimeHandler, kind: 'environment', description: 'Status lists the runtime handler the run uses (--runtime-handler, or none given)' },
  { name: CriCapability.userNamespaces, kind: 'feature', description: "Status reports user_namespaces among the features of the run's runtime handler" },
];

/** The CRI has one profile: every RPC of RuntimeService and ImageService is part of it. */
export const criProfiles: readonly ProfileDefinition[] = [
  { name: 'runtime', description: 'RuntimeService and ImageService: every container runtime', claimedBy: [] },
];
