// SPEC.md Section 4: plugin delegation (IPAM). Whether a delegate was run is observable only
// through the delegate's state: the address it hands out, releases, reclaims or no longer holds.
import type { SpecRule } from '../../../src/core/rules.js';
import { needsPluginSpecificCondition, onlyTheDelegateSees } from './reasons.js';

const DELEGATION = '4 Plugin Delegation';
const PROTOCOL = '4 Delegated Plugin protocol';
const PROCEDURE = '4 Delegated plugin execution procedure';

export const delegationRules: readonly SpecRule[] = [
  {
    id: 'cni.delegation.ipam-determines-addresses',
    section: DELEGATION,
    level: 'MUST',
    text: 'The IPAM plugin must determine the interface IP/subnet, Gateway and Routes and return this information to the "main" plugin to apply.',
    tests: ['cni.add.result-valid'],
  },
  {
    id: 'cni.delegation.same-environment',
    section: PROTOCOL,
    level: 'MUST',
    text: 'The delegated plugin must receive all the same environment variables that were passed in to the CNI plugin.',
    untestedBecause: onlyTheDelegateSees('its environment'),
  },
  {
    id: 'cni.delegation.look-up-in-cni-path',
    section: PROCEDURE,
    level: 'SHOULD',
    text: 'When a plugin executes a delegated plugin, it should: Look up the plugin binary by searching the directories provided in `CNI_PATH` environment variable.',
    untestedBecause: 'a plugin that searched elsewhere shows only when its delegate is nowhere else, which the harness cannot arrange for a plugin installed on the machine',
  },
  {
    id: 'cni.delegation.same-environment-and-config',
    section: PROCEDURE,
    level: 'SHOULD',
    text: 'Execute that plugin with the same environment and configuration that it received.',
    untestedBecause: onlyTheDelegateSees('its environment and stdin'),
  },
  {
    id: 'cni.delegation.stderr-passed',
    section: PROCEDURE,
    level: 'SHOULD',
    text: "Ensure that the delegated plugin's stderr is output to the calling plugin's stderr.",
    untestedBecause: onlyTheDelegateSees('what it writes to stderr before the plugin passes it on'),
  },
  {
    id: 'cni.delegation.run-on-check-del-gc',
    section: PROCEDURE,
    level: 'MUST',
    text: 'If a plugin is executed with `CNI_COMMAND=CHECK`, `DEL`, or `GC`, it must also execute any delegated plugins.',
    tests: ['cni.check.asks-ipam-delegate', 'cni.del.frees-address', 'cni.gc.reclaims-unlisted'],
  },
  {
    id: 'cni.delegation.error-returned',
    section: PROCEDURE,
    level: 'SHOULD',
    text: 'If any of the delegated plugins return error, error should be returned by the upper plugin.',
    tests: ['cni.check.asks-ipam-delegate'],
  },
  {
    id: 'cni.delegation.del-after-failed-add',
    section: PROCEDURE,
    level: 'SHOULD',
    text: 'If, on `ADD`, a delegated plugin fails, the "upper" plugin should execute again with `DEL` before returning failure.',
    untestedBecause: needsPluginSpecificCondition('a delegate that fails on ADD after taking something a DEL would give back'),
  },
];
