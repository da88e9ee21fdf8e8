// The SMI rule ledger: the normative statements of the SMI v0.6.0 API documents (traffic-access
// v1alpha3, traffic-specs v1alpha4, traffic-split v1alpha4, traffic-metrics v1alpha1), one rule per
// observable promise, each with the tests that check it or why none can.
import type { RuleLedger, SpecRule } from '../../../src/core/rules.js';

const ACCESS = 'traffic-access v1alpha3';
const SPECS = 'traffic-specs v1alpha4';
const SPLIT = 'traffic-split v1alpha4';
const METRICS = 'traffic-metrics v1alpha1';

const rules: SpecRule[] = [
  { id: 'smi.access.default-deny', section: ACCESS, level: 'MUST', text: 'All traffic is denied by default; a TrafficTarget is an allow rule.', tests: ['smi.access.default-deny', 'smi.access.deletion-revokes'] },
  { id: 'smi.access.identity', section: ACCESS, level: 'MUST', text: 'Identity is the ServiceAccount: a TrafficTarget allows exactly its sources (name and namespace) to its destination.', tests: ['smi.access.allows-exactly-sources', 'smi.access.source-namespace'] },
  { id: 'smi.access.additive', section: ACCESS, level: 'MUST', text: 'TrafficTargets are additive.', tests: ['smi.access.targets-additive'] },
  { id: 'smi.access.server-side', section: ACCESS, level: 'MUST', text: 'Access control is *always* enforced on the *server* side of a connection.', tests: ['smi.access.server-side-enforcement'] },
  { id: 'smi.access.rule-matches', section: ACCESS, level: 'MUST', text: "A rule's matches limit it to the named matches of the route; omitted, every match of the route applies.", tests: ['smi.access.rule-matches-subset', 'smi.access.allows-exactly-sources'] },
  { id: 'smi.access.l4-ports', section: ACCESS, level: 'MUST', text: 'TCPRoute and UDPRoute rules allow their ports only (UDP 8300 stays blocked when 8301-8302 are allowed).', tests: ['smi.access.tcp-route-ports', 'smi.access.udp-route-ports'] },
  { id: 'smi.access.valid-target', section: ACCESS, level: 'MUST', text: 'A valid TrafficTarget has a destination, at least one rule and at least one source.', tests: ['smi.crds.fields'] },
  { id: 'smi.specs.path-anchored', section: SPECS, level: 'MUST', text: 'The path regex is anchored to the start of the URI.', tests: ['smi.specs.path-regex-anchored'] },
  { id: 'smi.specs.methods', section: SPECS, level: 'MUST', text: 'methods restrict a match; "*" matches every method; no methods means any method.', tests: ['smi.specs.methods'] },
  { id: 'smi.specs.headers-and', section: SPECS, level: 'MUST', text: 'Headers inside one match are ANDed.', tests: ['smi.specs.headers-anded'] },
  { id: 'smi.specs.matches-or', section: SPECS, level: 'MUST', text: 'Separate matches are ORed.', tests: ['smi.specs.matches-ored'] },
  { id: 'smi.specs.empty-ports', section: SPECS, level: 'MUST', text: 'An empty ports list of a TCPRoute or UDPRoute means all ports of the service.', tests: ['smi.specs.empty-ports-all'] },
  { id: 'smi.specs.headers-map', section: SPECS, level: 'MUST', text: 'headers is a map of header name to a regex of its value (spec document and Go types after smi-spec PR #237).', tests: ['smi.crds.headers-map', 'smi.specs.headers-anded'] },
  { id: 'smi.split.weights', section: SPLIT, level: 'MUST', text: 'Traffic for the root service is split over the backends in proportion to their weights.', tests: ['smi.split.weights'] },
  { id: 'smi.split.relative', section: SPLIT, level: 'MUST', text: 'Weights are relative: 1000/500 sends about 67 % and 33 %.', tests: ['smi.split.relative-weights'] },
  { id: 'smi.split.weight-zero', section: SPLIT, level: 'MUST', text: 'A backend of weight 0 receives no traffic.', tests: ['smi.split.all-or-nothing'] },
  { id: 'smi.split.ab', section: SPLIT, level: 'MUST', text: 'With matches, requests matching a referenced HTTPRouteGroup go to the backends; all others go to the root service.', tests: ['smi.split.ab-matches'] },
  { id: 'smi.split.port-mismatch', section: SPLIT, level: 'MUST', text: 'A backend service that shares no port with the root service is excluded from the split.', tests: ['smi.split.port-mismatch-excluded'] },
  { id: 'smi.split.port-mismatch-event', section: SPLIT, level: 'SHOULD', text: 'An event is emitted for a backend excluded for its ports.', untestedBecause: 'the document recommends an event without naming its reason or object; no name could be checked across meshes' },
  { id: 'smi.split.updates', section: SPLIT, level: 'MUST', text: 'The split in force is the current TrafficSplit: changes apply to new requests.', tests: ['smi.split.update-within-window', 'smi.split.all-or-nothing'] },
  { id: 'smi.split.per-client', section: SPLIT, level: 'MUST', text: 'Splitting happens at the client: each client applies the split to its own requests.', tests: ['smi.split.weights'] },
  { id: 'smi.metrics.apiservice', section: METRICS, level: 'MUST', text: 'The metrics are served through an APIService (aggregated API) and are discoverable.', tests: ['smi.metrics.discoverable'] },
  { id: 'smi.metrics.counts', section: METRICS, level: 'MUST', text: 'success_count and failure_count count the requests of the resource or edge.', tests: ['smi.metrics.pod-counts', 'smi.metrics.namespace', 'smi.metrics.edges'] },
  { id: 'smi.metrics.latencies', section: METRICS, level: 'MUST', text: 'p99_response_latency, p90_response_latency and p50_response_latency are reported with a unit.', tests: ['smi.metrics.latency-quantiles'] },
  { id: 'smi.metrics.edges', section: METRICS, level: 'MUST', text: 'An edge names the peer resource, the direction (to or from) and the side.', tests: ['smi.metrics.edges'] },
  { id: 'smi.metrics.selector', section: METRICS, level: 'MUST', text: 'TrafficMetricsList can be listed by kind and label selector.', tests: ['smi.metrics.label-selector'] },
  { id: 'smi.metrics.deployments', section: METRICS, level: 'MAY', text: 'The APIResourceList covers namespaces, nodes, pods, deployments and similar resources.', tests: ['smi.metrics.deployment'] },
];

export const smiRuleLedger: RuleLedger = {
  source: 'SMI v0.6.0 API documents (smi-spec at cc4babd)',
  url: 'https://github.com/servicemeshinterface/smi-spec/tree/cc4babd/apis',
  rules,
};
