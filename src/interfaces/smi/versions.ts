// Which version of each SMI API the suite writes its objects in. The suite is written against SMI
// v0.6.0, but meshes still ship the versions before it (Traefik Mesh 1.4 reads access v1alpha2,
// specs v1alpha3 and split v1alpha3) and only see objects of those. Per API the suite writes the
// newest version it knows that the cluster serves; the fields its tests use mean the same in the
// older versions, and what an older version cannot carry is refused here, never dropped.
import { HarnessError } from '../../core/errors.js';

export type SmiApi = 'access' | 'specs' | 'split';

/** Known versions per API, newest (SMI v0.6.0) first. */
export const KNOWN_SMI_VERSIONS: Readonly<Record<SmiApi, readonly string[]>> = {
  access: ['v1alpha3', 'v1alpha2'],
  specs: ['v1alpha4', 'v1alpha3'],
  split: ['v1alpha4', 'v1alpha3'],
};

export const SMI_GROUPS: Readonly<Record<SmiApi, string>> = {
  access: 'access.smi-spec.io',
  specs: 'specs.smi-spec.io',
  split: 'split.smi-spec.io',
};

/** The group/version the suite writes each API in; absent when the cluster serves no known version. */
export type SmiVersions = Partial<Record<SmiApi, string>>;

export function chooseVersions(served: ReadonlyMap<string, readonly string[]>): SmiVersions {
  const chosen: SmiVersions = {};
  for (const api of Object.keys(KNOWN_SMI_VERSIONS) as SmiApi[]) {
    const versions = served.get(SMI_GROUPS[api]) ?? [];
    const version = KNOWN_SMI_VERSIONS[api].find((v) => versions.includes(v));
    if (version) chosen[api] = `${SMI_GROUPS[api]}/${version}`;
  }
  return chosen;
}

/** The APIs written in a version older than SMI v0.6.0's, as "group/version" strings. */
export function olderThanV060(versions: SmiVersions): string[] {
  return (Object.keys(versions) as SmiApi[]).filter((api) => versions[api] !== `${SMI_GROUPS[api]}/${KNOWN_SMI_VERSIONS[api][0]}`).map((api) => versions[api]!);
}

const apiOf = (apiVersion: string): SmiApi | undefined => (Object.keys(SMI_GROUPS) as SmiApi[]).find((api) => apiVersion.startsWith(`${SMI_GROUPS[api]}/`));

interface SmiObject {
  apiVersion: string;
  kind: string;
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * `object`, written in SMI v0.6.0 form, as the version the cluster serves. specs v1alpha3 keeps
 * HTTPRouteGroup headers as a list of one-entry maps (its CRD and smi-sdk-go's reader agree) and
 * has neither UDPRoute nor TCPRoute ports.
 */
export function inServedVersion<T extends SmiObject>(object: T, versions: SmiVersions): T {
  const api = apiOf(object.apiVersion);
  if (!api) return object;
  const target = versions[api];
  if (!target || target === object.apiVersion) return object;
  const converted: SmiObject = { ...object, apiVersion: target };
  if (target === 'specs.smi-spec.io/v1alpha3') {
    if (object.kind === 'UDPRoute') throw new HarnessError('UDPRoute does not exist in specs.smi-spec.io/v1alpha3, the version the cluster serves');
    if (object.kind === 'TCPRoute') {
      const ports = ((object.spec?.matches as { ports?: number[] } | undefined)?.ports ?? []);
      if (ports.length > 0) throw new HarnessError('TCPRoute ports do not exist in specs.smi-spec.io/v1alpha3, the version the cluster serves');
      converted.spec = {};
    }
    if (object.kind === 'HTTPRouteGroup') {
      const matches = (object.spec?.matches as Array<Record<string, unknown>> | undefined) ?? [];
      converted.spec = {
        ...object.spec,
        matches: matches.map((m) => (m.headers ? { ...m, headers: Object.entries(m.headers as Record<string, string>).map(([k, v]) => ({ [k]: v })) } : m)),
      };
    }
  }
  return converted as T;
}
