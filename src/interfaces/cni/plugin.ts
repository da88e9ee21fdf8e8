// The CNI interface plugin: options, flags, capabilities, the suite, and opening a run against a
// plugin binary or chain (or the embedded reference plugin when none is given).
import type { InterfacePlugin } from '../../core/plugin.js';
import type { RuleLedger } from '../../core/rules.js';
import type { TestDefinition } from '../../core/test.js';
import { cniCapabilityCatalog, cniProfiles } from './capabilities.js';
import type { CniEnv } from './env.js';
import { cniFlags, cniOptionsSchema, type CniOptions } from './options.js';
import { openCniSession } from './session.js';
import { validateCniOptions } from './target.js';
import { LATEST_VERSION } from './versions.js';

export const cniPlugin: InterfacePlugin<CniEnv, CniOptions> = {
  name: 'cni',
  title: 'Container Network Interface',
  specVersion: LATEST_VERSION,
  sig: 'sig-network',
  optionsSchema: cniOptionsSchema,
  flags: cniFlags,
  capabilityCatalog: cniCapabilityCatalog,
  profiles: cniProfiles,
  async loadTests(): Promise<readonly TestDefinition<CniEnv>[]> {
    return (await import('../../../suites/cni/index.js')).cniTests;
  },
  async loadRules(): Promise<RuleLedger> {
    return (await import('../../../suites/cni/rules/index.js')).cniRuleLedger;
  },
  validate: validateCniOptions,
  open: openCniSession,
  // `--config net.conflist`, as CNI users write it: a network config always has cniVersion and a
  // type or a plugins list, which conformal's settings never have.
  adoptConfigFile(path, data) {
    const isNetworkConfig = typeof data.cniVersion === 'string' && (typeof data.type === 'string' || Array.isArray(data.plugins));
    return isNetworkConfig ? { cni: { netConfig: path } } : undefined;
  },
};
