// The CRI interface plugin: options and flags, capability catalog, the suite, sessions against a
// runtime or the embedded reference, and the reference served standalone.
import type { InterfacePlugin, Logger, ReferenceServer } from '../../core/plugin.js';
import { UsageError } from '../../core/errors.js';
import type { RuleLedger } from '../../core/rules.js';
import type { TestDefinition } from '../../core/test.js';
import { startReferenceRuntime } from '../../reference/cri/server.js';
import { capabilityCatalog, criProfiles } from './capabilities.js';
import type { CriEnv } from './env.js';
import type { CriFault } from '../../reference/cri/faults.js';
import { criFlags, criOptionsSchema, criReferenceFlags, type CriOptions } from './options.js';
import { openCriSession } from './session.js';
import { validateCriOptions } from './validate.js';

/** k8s.io/cri-api runtime/v1 as of master 2026-07-23 (43 RPCs; release v0.36 has 41). */
export const CRI_SPEC_VERSION = 'runtime.v1 (cri-api master 2026-07-23)';

async function serveReference(options: { endpoint: string; [key: string]: unknown }, log: Logger): Promise<ReferenceServer> {
  const { referenceFault } = options as Partial<CriOptions>;
  const mirrors = new Map(Object.entries((options.registryMirrors as Record<string, string> | undefined) ?? {}));
  const cniConfDir = options.cniConfDir as string | undefined;
  if (options.cniBinDir !== undefined && cniConfDir === undefined) throw new UsageError('--cni-bin-dir needs --cni-conf-dir', { field: '--cni-bin-dir' });
  const cni = cniConfDir !== undefined ? { confDir: cniConfDir, binDir: (options.cniBinDir as string | undefined) ?? '/opt/cni/bin' } : undefined;
  const server = await startReferenceRuntime({ endpoint: options.endpoint, faults: referenceFault ? [referenceFault as CriFault] : [], registryMirrors: mirrors, ...(cni ? { cni } : {}) });
  log.info(`CRI reference runtime serving on ${server.address}`);
  return server;
}

export const criPlugin: InterfacePlugin<CriEnv, CriOptions> = {
  name: 'cri',
  title: 'Container Runtime Interface',
  specVersion: CRI_SPEC_VERSION,
  sig: 'sig-node',
  optionsSchema: criOptionsSchema,
  flags: criFlags,
  capabilityCatalog,
  profiles: criProfiles,
  async loadTests(): Promise<readonly TestDefinition<CriEnv>[]> {
    return (await import('../../../suites/cri/index.js')).criTests;
  },
  async loadRules(): Promise<RuleLedger> {
    return (await import('../../../suites/cri/rules/index.js')).criRuleLedger;
  },
  validate: validateCriOptions,
  open: openCriSession,
  referenceFlags: criReferenceFlags,
  serveReference,
};
