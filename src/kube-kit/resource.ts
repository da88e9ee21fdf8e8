// A Kubernetes resource as the kit addresses it: enough to build the REST path of its list and
// watch, and the apiVersion/kind of the objects it holds.
export interface ResourceRef {
  /** "v1", "discovery.k8s.io/v1" … */
  readonly apiVersion: string;
  readonly kind: string;
  /** Lower-case plural of the REST path: "services". */
  readonly plural: string;
  /** Set for a namespaced resource observed in one namespace; unset = cluster-scoped or all namespaces. */
  readonly namespace?: string;
}

export function collectionPath(ref: ResourceRef): string {
  const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  return ref.namespace ? `${base}/namespaces/${encodeURIComponent(ref.namespace)}/${ref.plural}` : `${base}/${ref.plural}`;
}

export const Resources = {
  nodes: { apiVersion: 'v1', kind: 'Node', plural: 'nodes' },
  namespaces: { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces' },
  services: (namespace: string): ResourceRef => ({ apiVersion: 'v1', kind: 'Service', plural: 'services', namespace }),
  events: (namespace: string): ResourceRef => ({ apiVersion: 'v1', kind: 'Event', plural: 'events', namespace }),
  leases: (namespace: string): ResourceRef => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases', namespace }),
} as const satisfies Record<string, ResourceRef | ((ns: string) => ResourceRef)>;
