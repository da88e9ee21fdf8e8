// The SMI interface plugin: a service mesh's SMI support observed through the Kubernetes API and
// the traffic it lets through; the embedded default is the in-memory API server with the
// reference mesh as a real client of it.
import { writeFile } from 'node:fs/promises';
import type { InterfacePlugin, Logger, ReferenceServer } from '../../core/plugin.js';
import type { RuleLedger } from '../../core/rules.js';
import type { TestDefinition } from '../../core/test.js';
import { UsageError } from '../../core/errors.js';
import { startKubeServer } from '../../kube/index.js';
import { startReferenceMesh, startTrafficServer } from '../../reference/smi/index.js';
import type { SmiEnv } from './env.js';
import { smiCapabilityCatalog, smiProfiles } from './features.js';
import { smiFlags, smiOptionsSchema, smiReferenceFlags, type SmiOptions } from './options.js';
import { openSmiSession } from './session.js';
import { validateSmiOptions } from './validate.js';

/** Traffic Access v1alpha3, Specs v1alpha4, Split v1alpha4, Metrics v1alpha1. */
export const SMI_SPEC_VERSION = 'SMI v0.6.0';

async function serveReference(options: { endpoint?: string; [key: string]: unknown }, log: Logger): Promise<ReferenceServer> {
  const { kubeconfigOut, trafficEndpointOut, referenceFault } = options as { kubeconfigOut?: string; trafficEndpointOut?: string; referenceFault?: string };
  if (!kubeconfigOut) throw new UsageError('--kubeconfig-out is required: where to write the kubeconfig of the served API server', { field: '--kubeconfig-out' });
  const port = options.endpoint ? Number(/:(\d+)$/.exec(options.endpoint)?.[1]) : 0;
  if (Number.isNaN(port)) throw new UsageError(`--endpoint must be host:port on 127.0.0.1, got "${options.endpoint}"`, { field: '--endpoint' });
  const server = await startKubeServer({ port });
  try {
    const mesh = await startReferenceMesh({ kubeconfig: server.kubeconfig, ...(referenceFault ? { fault: referenceFault } : {}), log });
    const traffic = await startTrafficServer((r) => mesh.send(r));
    await writeFile(kubeconfigOut, server.kubeconfig, { mode: 0o600 });
    if (trafficEndpointOut) await writeFile(trafficEndpointOut, `${traffic.url}\n`);
    log.info(`Kubernetes API server with the reference mesh at ${server.url} (kubeconfig in ${kubeconfigOut}); traffic endpoint at ${traffic.url}`);
    return {
      address: server.url,
      async close() {
        await traffic.close();
        await mesh.close();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

export const smiPlugin: InterfacePlugin<SmiEnv, SmiOptions> = {
  name: 'smi',
  title: 'Service Mesh Interface (SMI)',
  specVersion: SMI_SPEC_VERSION,
  sig: 'sig-network',
  optionsSchema: smiOptionsSchema,
  flags: smiFlags,
  capabilityCatalog: smiCapabilityCatalog,
  profiles: smiProfiles,
  async loadTests(): Promise<readonly TestDefinition<SmiEnv>[]> {
    return (await import('../../../suites/smi/index.js')).smiTests;
  },
  async loadRules(): Promise<RuleLedger> {
    return (await import('../../../suites/smi/rules/index.js')).smiRuleLedger;
  },
  validate: validateSmiOptions,
  open: openSmiSession,
  referenceEndpoint: 'optional',
  referenceFlags: smiReferenceFlags,
  serveReference,
};
