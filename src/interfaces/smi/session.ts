// open(): reach the cluster (or start the embedded one with the reference mesh as its client),
// discover the SMI groups and versions it serves, resolve the features and build the env.
import type { OpenContext, Session } from '../../core/plugin.js';
import { findLeaks } from '../../kube-kit/leak-check.js';
import { openKubeTarget } from '../../kube-kit/target.js';
import { startReferenceMesh, type ReferenceMeshHandle } from '../../reference/smi/index.js';
import { discoveredFeatures, servedSmiGroups } from './discovery.js';
import type { SmiEnv } from './env.js';
import { resolveFeatures, SmiFeature } from './features.js';
import { meshNamed } from './meshes.js';
import type { SmiOptions } from './options.js';
import { EmbeddedTraffic } from './traffic-embedded.js';
import { EndpointTraffic } from './traffic-endpoint.js';
import { ExecTraffic, kubeExec } from './traffic-exec.js';
import { validateSmiOptions } from './validate.js';

const LEAK_KINDS = [{ apiVersion: 'v1', kind: 'Namespace' }];

export async function openSmiSession(options: SmiOptions, context: OpenContext): Promise<Session<SmiEnv>> {
  validateSmiOptions(options);
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const target = await openKubeTarget(options, context.signal);
    closers.push(() => target.close());
    let reference: ReferenceMeshHandle | undefined;
    if (target.embedded) {
      reference = await startReferenceMesh({
        kubeconfig: target.embeddedKubeconfig!,
        ...(options.referenceFault ? { fault: options.referenceFault } : {}),
        log: { info: (m) => context.log.debug(m), warn: (m) => context.log.debug(m), debug: (m) => context.log.debug(m) },
      });
      closers.push(() => reference!.close());
    }
    const served = await servedSmiGroups(target.kc, context.signal);
    const discovered = discoveredFeatures(served);
    // Only where the suite can be sure a client skips its own proxy: the reference honours it.
    if (target.embedded) discovered.add(SmiFeature.bypass);
    const traffic = options.trafficEndpoint ? 'traffic endpoint' : target.embedded ? 'reference data plane' : 'pod exec';
    const capabilities = resolveFeatures(discovered, options.supportedFeatures, options.exemptFeatures);
    const mesh = options.mesh ? meshNamed(options.mesh) : undefined;
    const warnings: string[] = [];
    if (served.size === 0) warnings.push('the cluster serves no smi-spec.io group: every test is skipped');
    if (!target.embedded && !mesh && Object.keys(options.namespaceLabels).length === 0) warnings.push('neither --mesh nor --namespace-label: test namespaces get no sidecar-injection label');

    const env: SmiEnv = {
      kc: target.kc,
      runId: context.runId,
      embedded: target.embedded,
      traffic: reference ? new EmbeddedTraffic(reference) : options.trafficEndpoint ? new EndpointTraffic(options.trafficEndpoint) : new ExecTraffic(kubeExec(target.kc)),
      namespaceLabels: { ...mesh?.namespaceLabels, ...options.namespaceLabels },
      namespaceAnnotations: { ...mesh?.namespaceAnnotations },
      serverImage: options.serverImage,
      clientImage: options.clientImage,
      served,
    };
    return {
      env,
      capabilities,
      warnings,
      implementation: {
        name: target.embedded ? 'conformal reference mesh' : (mesh?.title ?? 'service mesh'),
        version: target.version,
        endpoint: target.embedded ? 'embedded reference' : target.server,
        embeddedReference: target.embedded,
        details: {
          apiServer: target.server,
          traffic,
          served: [...served].map(([g, v]) => `${g}/${v.join(',')}`).join(' '),
          ...(options.referenceFault ? { fault: options.referenceFault } : {}),
        },
      },
      leakCheck: (signal) => findLeaks(target.kc, context.runId, LEAK_KINDS, signal),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
