// Finding out, once per run, which SMI groups and versions the cluster serves: the features a
// run has unless --supported-features says otherwise. An API counts when any version the suite
// knows is served (versions.ts), SMI v0.6.0's or an older one.
import { ApisApi, type KubeConfig } from '@kubernetes/client-node';
import { raceSignal } from '../../core/deadline.js';
import { SMI_API_VERSIONS, SmiFeature } from './features.js';
import { chooseVersions } from './versions.js';

/** GET /apis; the SMI groups only, with their served versions. */
export async function servedSmiGroups(kc: KubeConfig, signal: AbortSignal): Promise<Map<string, string[]>> {
  const list = await raceSignal(kc.makeApiClient(ApisApi).getAPIVersions(), signal, 'GET /apis');
  const served = new Map<string, string[]>();
  for (const g of list.groups) if (g.name.endsWith('.smi-spec.io')) served.set(g.name, g.versions.map((v) => v.version));
  return served;
}

export function discoveredFeatures(served: ReadonlyMap<string, readonly string[]>): Set<string> {
  const versions = chooseVersions(served);
  const features = new Set<string>();
  if (versions.access) features.add(SmiFeature.access);
  if (versions.specs) features.add(SmiFeature.specs);
  // TCPRoute ports and UDPRoute arrived with specs v1alpha4.
  if (versions.specs === SMI_API_VERSIONS.specs) features.add(SmiFeature.tcp).add(SmiFeature.udp);
  if (versions.split) features.add(SmiFeature.split);
  const [metricsGroup, metricsVersion] = SMI_API_VERSIONS.metrics.split('/') as [string, string];
  if (served.get(metricsGroup)?.includes(metricsVersion)) features.add(SmiFeature.metrics);
  return features;
}
