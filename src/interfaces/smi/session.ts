// open(): reach the cluster (or start the embedded one with the reference mesh as its client),
// discover the SMI groups and versions it serves, resolve the features and build the env.
import type { OpenContext, Session } from '../../core/plugin.js';
import { openKubeSession, referenceLog } from '../../kube-kit/session.js';
import { startReferenceMesh, type ReferenceMeshHandle } from '../../reference/smi/index.js';
import { discoveredFeatures, metricsResources, servedSmiGroups } from './discovery.js';
import type { SmiEnv } from './env.js';
import { resolveFeatures, SmiFeature } from './features.js';
import { meshNamed } from './meshes.js';
import type { SmiOptions } from './options.js';
import { EmbeddedTraffic } from './traffic-embedded.js';
import { EndpointTraffic } from './traffic-endpoint.js';
import { ExecTraffic, kubeExec } from './traffic-exec.js';
import { validateSmiOptions } from './validate.js';
import { chooseVersions, olderThanV060 } from './versions.js';

const LEAK_KINDS = [{ apiVersion: 'v1', kind: 'Namespace' }];

export async function openSmiSession(options: SmiOptions, context: OpenContext): Promise<Session<SmiEnv>> {
  validateSmiOptions(options);
  return openKubeSession(options, context, { name: 'conformal reference mesh', leakKinds: LEAK_KINDS }, async ({ target, onClose }) => {
    let reference: ReferenceMeshHandle | undefined;
    if (target.embedded) {
      const started = await startReferenceMesh({
        kubeconfig: target.embeddedKubeconfig!,
        ...(options.referenceFault ? { fault: options.referenceFault } : {}),
        log: referenceLog(context.log),
      });
      reference = started;
      onClose(() => started.close());
    }
    const served = await servedSmiGroups(target.kc, context.signal);
    const versions = chooseVersions(served);
    const metrics = served.get('metrics.smi-spec.io') ? await metricsResources(target.kc, context.signal) : [];
    const discovered = discoveredFeatures(served, metrics);
    // Only where the suite can be sure a client skips its own proxy: the reference honours it.
    if (target.embedded) discovered.add(SmiFeature.bypass);
    const traffic = options.trafficEndpoint ? 'traffic endpoint' : target.embedded ? 'reference data plane' : 'pod exec';
    const capabilities = resolveFeatures(discovered, options.supportedFeatures, options.exemptFeatures);
    const mesh = options.mesh ? meshNamed(options.mesh) : undefined;
    const warnings: string[] = [];
    if (served.size === 0) warnings.push('the cluster serves no smi-spec.io group: every test is skipped');
    const older = olderThanV060(versions);
    if (older.length > 0) warnings.push(`objects are written as ${older.join(', ')}, older than SMI v0.6.0: the cluster serves no newer version of ${older.length === 1 ? 'that API' : 'those APIs'}`);
    if (!target.embedded && !mesh && Object.keys(options.namespaceLabels).length === 0) warnings.push('neither --mesh nor --namespace-label: test namespaces get no sidecar-injection label');

    const env: SmiEnv = {
      kc: target.kc,
      runId: context.runId,
      embedded: target.embedded,
      traffic: reference ? new EmbeddedTraffic(reference) : options.trafficEndpoint ? new EndpointTraffic(options.trafficEndpoint) : new ExecTraffic(kubeExec(target.kc), mesh?.hostSuffix),
      namespaceLabels: { ...mesh?.namespaceLabels, ...options.namespaceLabels },
      namespaceAnnotations: { ...mesh?.namespaceAnnotations },
      serverImage: options.serverImage,
      clientImage: options.clientImage,
      served,
      versions,
    };
    const details = { traffic, served: [...served].map(([g, v]) => `${g}/${v.join(',')}`).join(' '), written: Object.values(versions).join(' ') };
    return { env, capabilities, warnings, name: mesh?.title ?? 'service mesh', details };
  });
}
