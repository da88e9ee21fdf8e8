// The SMI objects the reference mesh acts on, as plain JSON from the API, and the snapshot of
// them the data plane consults.
export interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  ownerReferences?: Array<{ apiVersion?: string; kind: string; name: string; uid: string; controller?: boolean }>;
}

export interface Identity {
  kind: 'ServiceAccount';
  name: string;
  namespace?: string;
}

export interface TrafficTarget {
  metadata: Meta;
  spec: { destination: Identity; sources: Identity[]; rules: Array<{ kind: 'HTTPRouteGroup' | 'TCPRoute' | 'UDPRoute'; name: string; matches?: string[] }> };
}

export interface HttpMatch {
  name: string;
  pathRegex?: string;
  methods?: string[];
  headers?: Record<string, string>;
}

export interface HTTPRouteGroup {
  metadata: Meta;
  spec: { matches: HttpMatch[] };
}

export interface PortRoute {
  kind: 'TCPRoute' | 'UDPRoute';
  metadata: Meta;
  spec: { matches?: { name?: string; ports?: number[] } };
}

export interface TrafficSplit {
  metadata: Meta;
  spec: { service: string; backends: Array<{ service: string; weight: number }>; matches?: Array<{ kind: string; name: string }> };
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
}

export interface Service {
  metadata: Meta;
  spec: { selector?: Record<string, string>; ports?: ServicePort[] };
}

export interface Pod {
  metadata: Meta;
  spec: { serviceAccountName?: string; containers: Array<{ name: string; ports?: Array<{ containerPort: number; protocol?: string }> }> };
  status?: { phase?: string; podIP?: string };
}

/** A Deployment or ReplicaSet: replicas of a pod template. */
export interface Workload {
  metadata: Meta;
  spec: { replicas?: number; selector?: { matchLabels?: Record<string, string> }; template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Pod['spec'] } };
}

/** What the controller currently knows, keyed "namespace/name". */
export interface MeshState {
  readonly targets: ReadonlyMap<string, TrafficTarget>;
  readonly routeGroups: ReadonlyMap<string, HTTPRouteGroup>;
  readonly tcpRoutes: ReadonlyMap<string, PortRoute>;
  readonly udpRoutes: ReadonlyMap<string, PortRoute>;
  readonly splits: ReadonlyMap<string, TrafficSplit>;
  readonly services: ReadonlyMap<string, Service>;
  readonly pods: ReadonlyMap<string, Pod>;
  readonly deployments: ReadonlyMap<string, Workload>;
  readonly replicaSets: ReadonlyMap<string, Workload>;
}

/** The controller of `meta` of the given kind, by its owner reference. */
const controllerOf = (meta: Meta, kind: string) => meta.ownerReferences?.find((o) => o.kind === kind && o.controller);

/** The Deployment a pod belongs to (pod → ReplicaSet → Deployment, by controller references). */
export function deploymentOf(state: MeshState, namespace: string, pod: string): string | undefined {
  const p = state.pods.get(`${namespace}/${pod}`);
  const rs = p && controllerOf(p.metadata, 'ReplicaSet');
  const owner = rs && state.replicaSets.get(`${namespace}/${rs.name}`);
  return owner ? controllerOf(owner.metadata, 'Deployment')?.name : undefined;
}

export const keyOf = (m: Meta) => `${m.namespace ?? ''}/${m.name}`;

/** The pod is not part of the mesh: it has no proxy of its own (the suite's bypass clients). */
export const NO_PROXY_ANNOTATION = 'conformal.io/no-mesh-proxy';

export function serviceAccountOf(pod: Pod): string {
  return pod.spec.serviceAccountName || 'default';
}
