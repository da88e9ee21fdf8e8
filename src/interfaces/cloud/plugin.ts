// The cloud-provider interface plugin: a cloud-controller-manager observed through the Kubernetes
// API, acting on the cloud through the cloud-control protocol; the embedded default is the
// in-memory API server with the reference cloud and CCM as real clients of it.
import { writeFile } from 'node:fs/promises';
import type { InterfacePlugin, Logger, ReferenceServer } from '../../core/plugin.js';
import type { RuleLedger } from '../../core/rules.js';
import type { TestDefinition } from '../../core/test.js';
import { UsageError } from '../../core/errors.js';
import { startKubeServer } from '../../kube/index.js';
import { startReferenceCloud, type CloudFaultName } from '../../reference/cloud/index.js';
import { cloudCapabilityCatalog, cloudProfiles } from './capabilities.js';
import type { CloudEnv } from './env.js';
import { cloudFlags, cloudOptionsSchema, cloudReferenceFlags, type CloudOptions } from './options.js';
import { openCloudSession } from './session.js';
import { validateCloudOptions } from './validate.js';

/** The behaviour checked is that of k8s.io/cloud-provider's controllers at this release. */
export const CLOUD_SPEC_VERSION = 'k8s.io/cloud-provider v0.37';

async function serveReference(options: { endpoint?: string; [key: string]: unknown }, log: Logger): Promise<ReferenceServer> {
  const { kubeconfigOut, cloudControlOut, referenceFault } = options as { kubeconfigOut?: string; cloudControlOut?: string; referenceFault?: string };
  if (!kubeconfigOut) throw new UsageError('--kubeconfig-out is required: where to write the kubeconfig of the served API server', { field: '--kubeconfig-out' });
  const port = options.endpoint ? Number(/:(\d+)$/.exec(options.endpoint)?.[1]) : 0;
  if (Number.isNaN(port)) throw new UsageError(`--endpoint must be host:port on 127.0.0.1, got "${options.endpoint}"`, { field: '--endpoint' });
  const server = await startKubeServer({ port });
  try {
    const cloud = await startReferenceCloud({ kubeconfig: server.kubeconfig, ...(referenceFault ? { fault: referenceFault as CloudFaultName } : {}), log });
    await writeFile(kubeconfigOut, server.kubeconfig, { mode: 0o600 });
    if (cloudControlOut) await writeFile(cloudControlOut, `${cloud.cloudControlUrl}\n`);
    log.info(`Kubernetes API server at ${server.url} (kubeconfig in ${kubeconfigOut}); cloud-control at ${cloud.cloudControlUrl}`);
    return {
      address: server.url,
      async close() {
        await cloud.close();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

export const cloudPlugin: InterfacePlugin<CloudEnv, CloudOptions> = {
  name: 'cloud',
  title: 'Cloud provider (cloud-controller-manager)',
  specVersion: CLOUD_SPEC_VERSION,
  sig: 'sig-cloud-provider',
  optionsSchema: cloudOptionsSchema,
  flags: cloudFlags,
  capabilityCatalog: cloudCapabilityCatalog,
  profiles: cloudProfiles,
  async loadTests(): Promise<readonly TestDefinition<CloudEnv>[]> {
    return (await import('../../../suites/cloud/index.js')).cloudTests;
  },
  async loadRules(): Promise<RuleLedger> {
    return (await import('../../../suites/cloud/rules/index.js')).cloudRuleLedger;
  },
  validate: validateCloudOptions,
  open: openCloudSession,
  referenceEndpoint: 'optional',
  referenceFlags: cloudReferenceFlags,
  serveReference,
};
