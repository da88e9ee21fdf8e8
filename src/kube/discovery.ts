// Discovery documents: the legacy ones (/api, /apis, /api/v1, /apis/<g>[/<v>]) and aggregated
// discovery (apidiscovery.k8s.io/v2), which kubectl and client-go ask for first.
import { createHash } from 'node:crypto';
import type { Registry, Served } from './registry.js';
import { apiVersionOf, type ResourceType } from './types.js';

/** What apiserver publishes so clients notice storage changes: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(type: ResourceType): string {
  const storage = type.versions.find((v) => v.storage) ?? type.versions[0]!;
  return createHash('sha256').update(`${type.group}/${storage.name}/${type.kind}`).digest().subarray(0, 8).toString('base64');
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** apiextensions-apiserver lists custom resource verbs in its own order. */
const CUSTOM_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const SUB_VERBS = ['get', 'patch', 'update'];

export const AGGREGATED_MEDIA = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export function wantsAggregated(accept: string | undefined): boolean {
  return !!accept && /g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList/.test(accept);
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, versions: string[], preferred: string): object {
  return {
    name: group,
    versions: versions.map((v) => ({ groupVersion: apiVersionOf(group, v), version: v })),
    preferredVersion: { groupVersion: apiVersionOf(group, preferred), version: preferred },
  };
}

export function apiGroupList(registry: Registry): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().filter((g) => g.group !== '').map((g) => groupEntry(g.group, g.versions, g.preferred)),
  };
}

export function apiGroup(registry: Registry, group: string): object | undefined {
  const g = registry.groups().find((candidate) => candidate.group === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.group, g.versions, g.preferred) } : undefined;
}

export function apiResourceList(registry: Registry, group: string, version: string): object | undefined {
  const served = registry.resources(group, version);
  if (served.length === 0) return undefined;
  const resources: object[] = [];
  for (const { type, version: v } of served) {
    const main: Record<string, unknown> = { name: type.plural, singularName: type.singular, namespaced: type.namespaced, kind: type.kind, verbs: type.verbs ?? (type.builtin ? VERBS : CUSTOM_VERBS) };
    if (type.shortNames.length) main.shortNames = type.shortNames;
    if (type.categories.length) main.categories = type.categories;
    main.storageVersionHash = storageVersionHash(type);
    resources.push(main);
    if (v.status) resources.push({ name: `${type.plural}/status`, singularName: '', namespaced: type.namespaced, kind: type.kind, verbs: SUB_VERBS });
    if (v.scale) resources.push({ name: `${type.plural}/scale`, singularName: '', namespaced: type.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUB_VERBS });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

function discoveryResource({ type, version }: Served, versionName: string): object {
  const resource: Record<string, unknown> = {
    resource: type.plural,
    // The group and version of the resource itself are implied by where it is listed.
    responseKind: { group: '', version: '', kind: type.kind },
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular,
    verbs: type.verbs ?? (type.builtin ? VERBS : CUSTOM_VERBS),
  };
  if (type.shortNames.length) resource.shortNames = type.shortNames;
  if (type.categories.length) resource.categories = type.categories;
  const subresources: object[] = [];
  if (version.status) subresources.push({ subresource: 'status', responseKind: { group: '', version: '', kind: type.kind }, verbs: SUB_VERBS });
  if (version.scale) subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: SUB_VERBS });
  if (subresources.length) resource.subresources = subresources;
  return resource;
}

/** APIGroupDiscoveryList for /api (legacy: true) or /apis. */
export function aggregatedDiscovery(registry: Registry, legacy: boolean): object {
  const items = registry
    .groups()
    .filter((g) => (g.group === '') === legacy)
    .map((g) => ({
      // 1.37 leaves a zero creationTimestamp out (omitzero) where 1.32 wrote null.
      metadata: { name: g.group },
      versions: g.versions.map((v) => ({
        version: v,
        resources: registry.resources(g.group, v).map((served) => discoveryResource(served, v)),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
