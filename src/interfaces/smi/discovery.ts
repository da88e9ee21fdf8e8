// Finding out, once per run, which SMI groups and versions the cluster serves: the features a
// run has unless --supported-features says otherwise.
import { ApisApi, type KubeConfig } from '@kubernetes/client-node';
import { raceSignal } from '../../core/deadline.js';
import { SMI_API_VERSIONS, SmiFeature } from './features.js';

/** GET /apis; the SMI groups only, with their served versions. */
export async function servedSmiGroups(kc: KubeConfig, signal: AbortSignal): Promise<Map<string, string[]>> {
  const list = await raceSignal(kc.makeApiClient(ApisApi).getAPIVersions(), signal, 'GET /apis');
  const served = new Map<string, string[]>();
  for (const g of list.groups) if (g.name.endsWith('.smi-spec.io')) served.set(g.name, g.versions.map((v) => v.version));
  return served;
}

export function discoveredFeatures(served: ReadonlyMap<string, readonly string[]>): Set<string> {
  const has = (gv: string) => {
    const [group, version] = gv.split('/') as [string, string];
    return served.get(group)?.includes(version) ?? false;
  };
  const features = new Set<string>();
  if (has(SMI_API_VERSIONS.access)) features.add(SmiFeature.access);
  if (has(SMI_API_VERSIONS.specs)) features.add(SmiFeature.specs).add(SmiFeature.tcp).add(SmiFeature.udp);
  if (has(SMI_API_VERSIONS.split)) features.add(SmiFeature.split);
  if (has(SMI_API_VERSIONS.metrics)) features.add(SmiFeature.metrics);
  return features;
}
