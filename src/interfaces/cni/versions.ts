// CNI spec versions and what each one allows. Pure data and comparisons: the reference plugin
// imports this too, so it must stay free of heavy imports.

export const SPEC_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export type SpecVersion = (typeof SPEC_VERSIONS)[number];
export const LATEST_VERSION: SpecVersion = '1.1.0';

export function isSpecVersion(value: unknown): value is SpecVersion {
  return typeof value === 'string' && (SPEC_VERSIONS as readonly string[]).includes(value);
}

/** Numeric comparison of dotted versions ("0.3.1" < "0.4.0" < "1.0.0"); non-numeric parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export const atLeast = (version: string, minimum: string): boolean => compareVersions(version, minimum) >= 0;

/** The result family a version uses: flat ip4/ip6 (0.1/0.2), rich with ips[].version (0.3-0.4), rich without (1.x). */
export type ResultFamily = 'legacy' | 'v04' | 'v1';
export function resultFamily(version: string): ResultFamily {
  if (!atLeast(version, '0.3.0')) return 'legacy';
  if (!atLeast(version, '1.0.0')) return 'v04';
  return 'v1';
}

export const hasCheck = (version: string): boolean => atLeast(version, '0.4.0');
export const hasGcAndStatus = (version: string): boolean => atLeast(version, '1.1.0');
export const hasChaining = (version: string): boolean => atLeast(version, '0.3.0');
