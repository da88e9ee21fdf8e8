// Known meshes: what a namespace needs for the mesh to put its proxy beside the suite's pods, and
// the SMI APIs the mesh documents. Anything else: --namespace-label k=v.
export interface MeshProfile {
  readonly name: string;
  readonly title: string;
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly namespaceAnnotations: Readonly<Record<string, string>>;
  /** Where the mesh's documentation says how injection is switched on. */
  readonly docs: string;
  /** Appended to `<service>.<namespace>` when the mesh only carries requests for its own names. */
  readonly hostSuffix?: string;
}

export const MESHES: readonly MeshProfile[] = [
  { name: 'linkerd', title: 'Linkerd (with the linkerd-smi extension)', namespaceLabels: {}, namespaceAnnotations: { 'linkerd.io/inject': 'enabled' }, docs: 'https://linkerd.io/2/features/proxy-injection/' },
  { name: 'osm', title: 'Open Service Mesh', namespaceLabels: { 'openservicemesh.io/monitored-by': 'osm' }, namespaceAnnotations: { 'openservicemesh.io/sidecar-injection': 'enabled' }, docs: 'https://release-v1-2.docs.openservicemesh.io/docs/guides/app_onboarding/sidecar_injection/' },
  { name: 'istio', title: 'Istio with smi-adapter-istio', namespaceLabels: { 'istio-injection': 'enabled' }, namespaceAnnotations: {}, docs: 'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/' },
  { name: 'consul', title: 'Consul service mesh (SMI adaptor)', namespaceLabels: { 'consul.hashicorp.com/connect-inject': 'true' }, namespaceAnnotations: {}, docs: 'https://developer.hashicorp.com/consul/docs/k8s/connect' },
  { name: 'kuma', title: 'Kuma', namespaceLabels: { 'kuma.io/sidecar-injection': 'enabled' }, namespaceAnnotations: {}, docs: 'https://kuma.io/docs/latest/production/dp-config/dpp-on-kubernetes/' },
  // Traefik Mesh runs one proxy per node and needs no injection; it is opt-in by name: only
  // requests for <svc>.<ns>.traefik.mesh go through it.
  { name: 'traefik-mesh', title: 'Traefik Mesh', namespaceLabels: {}, namespaceAnnotations: {}, docs: 'https://doc.traefik.io/traefik-mesh/', hostSuffix: '.traefik.mesh' },
  { name: 'nginx-service-mesh', title: 'NGINX Service Mesh', namespaceLabels: { 'injector.nsm.nginx.com/auto-inject': 'enabled' }, namespaceAnnotations: {}, docs: 'https://docs.nginx.com/nginx-service-mesh/guides/inject-sidecar-proxy/' },
];

export function meshNamed(name: string): MeshProfile | undefined {
  return MESHES.find((m) => m.name === name);
}
