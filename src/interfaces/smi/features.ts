// Features of a mesh's SMI support, as Gateway API names them: discovered from the served API
// groups and versions, or set with --supported-features / --exempt-features.
import type { CapabilityInfo, ProfileDefinition } from '../../core/plugin.js';

export const SmiFeature = {
  access: 'TrafficAccess',
  specs: 'TrafficSpecs',
  split: 'TrafficSplit',
  metrics: 'TrafficMetrics',
  tcp: 'TCPRoute',
  udp: 'UDPRoute',
  /** The metrics API serves TrafficMetrics of Deployments (its resource list names deployments). */
  deploymentMetrics: 'DeploymentMetrics',
  /** The suite may send from a pod whose own proxy is bypassed (a pod outside the mesh). */
  bypass: 'ProxyBypass',
} as const;

export const ALL_FEATURES: readonly string[] = Object.values(SmiFeature);

/** The group/version each API is served at in SMI v0.6.0. */
export const SMI_API_VERSIONS = {
  access: 'access.smi-spec.io/v1alpha3',
  specs: 'specs.smi-spec.io/v1alpha4',
  split: 'split.smi-spec.io/v1alpha4',
  metrics: 'metrics.smi-spec.io/v1alpha1',
} as const;

export const smiCapabilityCatalog: readonly CapabilityInfo[] = [
  { name: SmiFeature.access, kind: 'claim', description: 'TrafficTarget is served: access.smi-spec.io/v1alpha3, or v1alpha2 (discovered, or --supported-features)' },
  { name: SmiFeature.specs, kind: 'claim', description: 'HTTPRouteGroup and TCPRoute are served: specs.smi-spec.io/v1alpha4, or v1alpha3' },
  { name: SmiFeature.split, kind: 'claim', description: 'TrafficSplit is served: split.smi-spec.io/v1alpha4, or v1alpha3' },
  { name: SmiFeature.metrics, kind: 'claim', description: 'metrics.smi-spec.io/v1alpha1 is served through an APIService' },
  { name: SmiFeature.tcp, kind: 'feature', description: 'the mesh enforces TCPRoute ports (discovered with specs v1alpha4, where TCPRoute has ports)' },
  { name: SmiFeature.udp, kind: 'feature', description: 'the mesh carries and enforces UDP (discovered with specs v1alpha4, where UDPRoute exists)' },
  { name: SmiFeature.deploymentMetrics, kind: 'feature', description: 'TrafficMetrics of Deployments are served (discovered from the metrics API resource list)' },
  { name: SmiFeature.bypass, kind: 'feature', description: 'a client can reach a server without its own proxy, so server-side enforcement can be shown (the embedded reference; in a cluster only with --supported-features)' },
];

export const smiProfiles: readonly ProfileDefinition[] = [
  // Every test allows its own traffic with TrafficTargets, so every profile stands on access and specs.
  { name: 'access', description: 'Traffic Access with Traffic Specs: default deny, TrafficTargets and route matches', claimedBy: [SmiFeature.access, SmiFeature.specs] },
  { name: 'split', description: 'Traffic Split: weighted backends and A/B matches', claimedBy: [SmiFeature.access, SmiFeature.specs, SmiFeature.split] },
  { name: 'metrics', description: 'Traffic Metrics: the aggregated metrics API', claimedBy: [SmiFeature.access, SmiFeature.specs, SmiFeature.metrics] },
];

/** The features of a run: flags override discovery, exemptions remove. */
export function resolveFeatures(discovered: ReadonlySet<string>, supported: readonly string[] | undefined, exempt: readonly string[]): Set<string> {
  const base = supported && supported.length > 0 ? new Set(supported) : new Set(discovered);
  for (const name of exempt) base.delete(name);
  return base;
}
