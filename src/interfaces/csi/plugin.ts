// The CSI interface plugin: options and flags, capability catalog, the suite, sessions against a
// driver or the embedded reference, and the reference served standalone.
import type { InterfacePlugin, Logger, ReferenceServer } from '../../core/plugin.js';
import type { TestDefinition } from '../../core/test.js';
import { capabilityCatalog, csiProfiles } from './capabilities.js';
import type { CsiEnv } from './env.js';
import { csiFlags, csiOptionsSchema, csiReferenceFlags, type CsiOptions } from './options.js';
import { startStandaloneReference } from './reference.js';
import { openCsiSession } from './session.js';
import { validateCsiOptions } from './validate.js';

export const CSI_SPEC_VERSION = '1.12.0';

async function serveReference(options: { endpoint: string; [key: string]: unknown }, log: Logger): Promise<ReferenceServer> {
  const { referenceDisable = [], referenceFault } = options as Partial<CsiOptions>;
  const server = await startStandaloneReference(options.endpoint, { referenceDisable, referenceFault });
  log.info(`CSI reference driver serving on ${server.address}`);
  return server;
}

export const csiPlugin: InterfacePlugin<CsiEnv, CsiOptions> = {
  name: 'csi',
  title: 'Container Storage Interface',
  specVersion: CSI_SPEC_VERSION,
  sig: 'sig-storage',
  optionsSchema: csiOptionsSchema,
  flags: csiFlags,
  capabilityCatalog,
  profiles: csiProfiles,
  async loadTests(): Promise<readonly TestDefinition<CsiEnv>[]> {
    return (await import('../../../suites/csi/index.js')).csiTests;
  },
  async loadRules() {
    return (await import('../../../suites/csi/rules/index.js')).csiLedger;
  },
  validate: validateCsiOptions,
  open: openCsiSession,
  referenceFlags: csiReferenceFlags,
  serveReference,
};
