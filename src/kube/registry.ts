// Which resources are served at which paths: the built-ins, plus one entry per established CRD,
// added and removed as CRDs come and go.
import { builtinTypes } from './builtins.js';
import type { ResourceType, ResourceVersion } from './types.js';

export interface Served {
  type: ResourceType;
  version: ResourceVersion;
}

export interface GroupVersions {
  group: string;
  versions: string[];
  preferred: string;
}

/** Kubernetes' own groups come first in discovery, in this order; custom groups follow alphabetically. */
const GROUP_ORDER = ['', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'apiextensions.k8s.io'];

export class Registry {
  private readonly types: ResourceType[] = builtinTypes();

  /** The resource served at /apis/<group>/<version>/<plural>. */
  lookup(group: string, version: string, plural: string): Served | undefined {
    for (const type of this.types) {
      if (type.group !== group || type.plural !== plural) continue;
      const v = type.versions.find((candidate) => candidate.name === version && candidate.served);
      if (v) return { type, version: v };
    }
    return undefined;
  }

  /** Resources served in one group/version. */
  resources(group: string, version: string): Served[] {
    const out: Served[] = [];
    for (const type of this.types) {
      if (type.group !== group) continue;
      const v = type.versions.find((candidate) => candidate.name === version && candidate.served);
      if (v) out.push({ type, version: v });
    }
    return out;
  }

  groups(): GroupVersions[] {
    const byGroup = new Map<string, { versions: string[] }>();
    for (const type of this.types) {
      const entry = byGroup.get(type.group) ?? { versions: [] };
      for (const v of type.versions) if (v.served && !entry.versions.includes(v.name)) entry.versions.push(v.name);
      byGroup.set(type.group, entry);
    }
    const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
    return [...byGroup.entries()]
      .filter(([, e]) => e.versions.length > 0)
      .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
      .map(([group, e]) => {
        const versions = sortVersions(e.versions);
        return { group, versions, preferred: versions[0]! };
      });
  }

  byCrd(crdName: string): ResourceType | undefined {
    return this.types.find((t) => t.crdName === crdName);
  }

  /** Replaces (or adds) the type a CRD defines. */
  putCustom(type: ResourceType): void {
    const index = this.types.findIndex((t) => t.crdName === type.crdName);
    if (index >= 0) this.types[index] = type;
    else this.types.push(type);
  }

  removeCustom(crdName: string): void {
    const index = this.types.findIndex((t) => t.crdName === crdName);
    if (index >= 0) this.types.splice(index, 1);
  }

  /** Does a served resource (other than the CRD itself) already claim this group and plural? */
  claims(group: string, plural: string, crdName: string): boolean {
    return this.types.some((t) => t.group === group && t.plural === plural && t.crdName !== crdName);
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta2 > v1beta1). */
export function sortVersions(versions: string[]): string[] {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return { kind: -1, major: 0, minor: 0 };
    return { kind: m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0, major: Number(m[1]), minor: Number(m[3] ?? 0) };
  };
  return [...versions].sort((a, b) => {
    const x = parse(a);
    const y = parse(b);
    return y.kind - x.kind || y.major - x.major || y.minor - x.minor || a.localeCompare(b);
  });
}
