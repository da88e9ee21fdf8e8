// Finding out, once per run, which SMI groups and versions the cluster serves: the features a
// run has unless --supported-features says otherwise. An API counts when any version the suite
// knows is served (versions.ts), SMI v0.6.0's or an older one.
import { ApisApi, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
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

/** The resources the metrics API lists (pods, namespaces, deployments …); empty when it is not served or does not answer. */
export async function metricsResources(kc: KubeConfig, signal: AbortSignal): Promise<string[]> {
  const [group, version] = SMI_API_VERSIONS.metrics.split('/') as [string, string];
  try {
    const list = await raceSignal(kc.makeApiClient(CustomObjectsApi).getAPIResources({ group, version }), signal, `GET /apis/${SMI_API_VERSIONS.metrics}`);
    return list.resources.map((r) => r.name);
  } catch (error) {
    if (signal.aborted) throw error;
    return [];
  }
}

export function discoveredFeatures(served: ReadonlyMap<string, readonly string[]>, metrics: readonly string[] = []): Set<string> {
  const versions = chooseVersions(served);
  const features = new Set<string>();
  if (versions.access) features.add(SmiFeature.access);
  if (versions.specs) features.add(SmiFeature.specs);
  // TCPRoute ports and UDPRoute arrived with specs v1alpha4.
  if (versions.specs === SMI_API_VERSIONS.specs) features.add(SmiFeature.tcp).add(SmiFeature.udp);
  if (versions.split) features.add(SmiFeature.split);
  const [metricsGroup, metricsVersion] = SMI_API_VERSIONS.metrics.split('/') as [string, string];
  if (served.get(metricsGroup)?.includes(metricsVersion)) features.add(SmiFeature.metrics);
  if (features.has(SmiFeature.metrics) && metrics.includes('deployments')) features.add(SmiFeature.deploymentMetrics);
  return features;
}
