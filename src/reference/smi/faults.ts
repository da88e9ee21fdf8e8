// Fault-injected variants of the reference mesh. Each is one small, realistic deviation from the
// SMI spec, so a project test can prove the smi suite notices it. The mesh asks `faulty(name)` at
// the one place the deviation lives.
import { UsageError } from '../../core/errors.js';

const FAULTS = {
  // access
  'allow-by-default': 'A destination no TrafficTarget names accepts every source (permissive mode).',
  'sources-ignored': "Once a destination has a TrafficTarget, every meshed identity may reach it: the target's sources are not read.",
  'source-namespace-ignored': "A source ServiceAccount is matched by name only, whatever its namespace.",
  'deletion-not-revoking': 'A deleted TrafficTarget keeps allowing its sources.',
  'client-side-enforcement-only': 'Access is checked by the client proxy only; the server proxy lets everyone in.',
  'first-target-only': 'Only the first TrafficTarget of a destination counts: targets are not additive.',
  // specs
  'matches-ignored': "A rule's `matches` list is ignored: every match of the route group allows.",
  'path-regex-unanchored': 'pathRegex matches anywhere in the path, not from its start.',
  'headers-ored': 'A request matches when any one header of a match fits, not all of them.',
  'first-match-only': 'Only the first match of an HTTPRouteGroup counts: matches are not ORed.',
  'empty-ports-deny': 'A TCPRoute or UDPRoute with an empty port list allows no port instead of all.',
  'methods-ignored': 'The methods of a match are ignored: any method fits.',
  'udp-ports-ignored': 'UDPRoute ports are ignored: every UDP port of the destination is allowed.',
  'tcp-ports-ignored': 'TCPRoute ports are ignored: every TCP port of the destination is allowed.',
  // split
  'weights-ignored': 'Backends are picked in turn, whatever their weights.',
  'weights-inverted': 'Each backend gets the share of weight of the other backends.',
  'weight-zero-served': 'A backend of weight 0 still gets one request in twenty.',
  'ab-fallback-broken': 'Requests that match no A/B route group are split like matching ones instead of going to the root service.',
  'port-mismatch-kept': 'A backend that shares no port with the root service stays in the split.',
  'split-updates-ignored': 'A TrafficSplit is read once when created; later changes to it are ignored.',
  // metrics
  'metrics-namespaces-unlisted': "The metrics API's resource list leaves out namespaces (they are served all the same).",
  'label-selector-ignored': 'Listing pod metrics ignores the label selector.',
  'counts-off': 'Responses with a 5xx status are counted as successes.',
  'latency-quantiles-disordered': 'p50 and p99 response latencies are swapped.',
  'metrics-wrong-edge': 'Edges name the resource itself instead of its peer.',
  'deployment-first-pod-only': "A Deployment's metrics count only the traffic of its first pod by name.",
  // CRDs
  'headers-array-crd': "HTTPRouteGroup's CRD declares headers as a list of objects, as smi-sdk-go's published YAML does.",
  'crd-fields-missing': "TrafficSplit's CRD has no matches field (the v1alpha2 shape).",
} as const satisfies Record<string, string>;

export type SmiFaultName = keyof typeof FAULTS;

export const SMI_FAULTS: readonly { name: SmiFaultName; description: string }[] = Object.entries(FAULTS).map(([name, description]) => ({ name: name as SmiFaultName, description }));
export const SMI_FAULT_NAMES: readonly SmiFaultName[] = SMI_FAULTS.map((f) => f.name);

/** The predicate the mesh consults; an unknown name is a UsageError. */
export function faultPredicate(fault: string | undefined): (name: SmiFaultName) => boolean {
  if (fault !== undefined && !(fault in FAULTS)) throw new UsageError(`unknown smi fault "${fault}"; known: ${Object.keys(FAULTS).join(', ')}`, { field: 'fault' });
  return (name) => name === fault;
}
