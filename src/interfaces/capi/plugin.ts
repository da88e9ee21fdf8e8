// The Cluster API interface plugin: providers (infrastructure, bootstrap) checked against the
// provider contract through a management cluster's API; the embedded default is the in-memory API
// server with the reference providers and core controllers as real clients of it.
import { writeFile } from 'node:fs/promises';
import type { InterfacePlugin, Logger, ReferenceServer } from '../../core/plugin.js';
import type { RuleLedger } from '../../core/rules.js';
import type { TestDefinition } from '../../core/test.js';
import { UsageError } from '../../core/errors.js';
import { startKubeServer } from '../../kube/index.js';
import { startReferenceCapi, type CapiFaultName } from '../../reference/capi/index.js';
import { capiCapabilityCatalog, capiProfiles } from './capabilities.js';
import type { ContractVersion } from './contract.js';
import type { CapiEnv } from './env.js';
import { capiFlags, capiOptionsSchema, capiReferenceFlags, type CapiOptions } from './options.js';
import { openCapiSession } from './session.js';
import { validateCapiOptions } from './validate.js';

/** The provider contracts checked: Cluster API v1beta2 (CAPI v1.11 – v1.15), and the deprecated v1beta1 core still accepts. */
export const CAPI_SPEC_VERSION = 'Cluster API provider contract v1beta2 (and the deprecated v1beta1)';

async function serveReference(options: { endpoint?: string; [key: string]: unknown }, log: Logger): Promise<ReferenceServer> {
  const { kubeconfigOut, referenceFault, contract } = options as { kubeconfigOut?: string; referenceFault?: string; contract?: ContractVersion };
  if (!kubeconfigOut) throw new UsageError('--kubeconfig-out is required: where to write the kubeconfig of the served API server', { field: '--kubeconfig-out' });
  const port = options.endpoint ? Number(/:(\d+)$/.exec(options.endpoint)?.[1]) : 0;
  if (Number.isNaN(port)) throw new UsageError(`--endpoint must be host:port on 127.0.0.1, got "${options.endpoint}"`, { field: '--endpoint' });
  const server = await startKubeServer({ port });
  try {
    const capi = await startReferenceCapi({ kubeconfig: server.kubeconfig, ...(referenceFault ? { fault: referenceFault as CapiFaultName } : {}), ...(contract ? { contract } : {}), log });
    await writeFile(kubeconfigOut, server.kubeconfig, { mode: 0o600 });
    log.info(`Kubernetes API server with the reference Cluster API providers at ${server.url} (kubeconfig in ${kubeconfigOut})`);
    return {
      address: server.url,
      async close() {
        await capi.close();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

export const capiPlugin: InterfacePlugin<CapiEnv, CapiOptions> = {
  name: 'capi',
  title: 'Cluster API providers',
  specVersion: CAPI_SPEC_VERSION,
  sig: 'sig-cluster-lifecycle',
  optionsSchema: capiOptionsSchema,
  flags: capiFlags,
  capabilityCatalog: capiCapabilityCatalog,
  profiles: capiProfiles,
  async loadTests(): Promise<readonly TestDefinition<CapiEnv>[]> {
    return (await import('../../../suites/capi/index.js')).capiTests;
  },
  async loadRules(): Promise<RuleLedger> {
    return (await import('../../../suites/capi/rules/index.js')).capiRuleLedger;
  },
  validate: (options) => void validateCapiOptions(options),
  open: openCapiSession,
  referenceEndpoint: 'optional',
  referenceFlags: capiReferenceFlags,
  serveReference,
};
