// The CSI interface plugin: options and flags, capability catalog, the suite, sessions against a
// driver or the embedded reference, and the reference served standalone.
import type { InterfacePlugin, Logger, ReferenceServer } from '../../core/plugin.js';
import type { TestDefinition } from '../../core/test.js';
import { capabilityCatalog } from './capabilities.js';
import type { CsiEnv } from './env.js';
import { csiFlags, csiOptionsSchema, type CsiOptions } from './options.js';
import { startCsiReference } from '../../reference/csi/server.js';
import { openCsiSession } from './session.js';

export const CSI_SPEC_VERSION = '1.12.0';

async function serveReference(options: { endpoint: string; [key: string]: unknown }, log: Logger): Promise<ReferenceServer> {
  // Real target paths, so tools such as csi-sanity can check that publishing creates them and unpublishing removes them.
  const server = await startCsiReference({ endpoint: options.endpoint, realPaths: true });
  log.info(`CSI reference driver serving on ${server.address}`);
  return server;
}

export const csiPlugin: InterfacePlugin<CsiEnv, CsiOptions> = {
  name: 'csi',
  title: 'Container Storage Interface',
  specVersion: CSI_SPEC_VERSION,
  optionsSchema: csiOptionsSchema,
  flags: csiFlags,
  capabilityCatalog,
  async loadTests(): Promise<readonly TestDefinition<CsiEnv>[]> {
    return (await import('../../../suites/csi/index.js')).csiTests;
  },
  open: openCsiSession,
  serveReference,
};
