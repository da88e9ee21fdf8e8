// SPEC.md Section 3: how a runtime executes a network configuration. Nearly every sentence binds
// the runtime; the plugin's share is concurrency across containers.
import type { SpecRule } from '../../../src/core/rules.js';
import { bindsHarness } from './reasons.js';

const LIFECYCLE = '3 Lifecycle & Ordering';
const DERIVING = '3 Deriving request configuration';
const NETWORK_TEST = 'test/interfaces/cni/runtime/network.test.ts';

export const executionRules: readonly SpecRule[] = [
  {
    id: 'cni.lifecycle.runtime-creates-namespace',
    section: LIFECYCLE,
    level: 'MUST',
    text: 'The container runtime must create a new network namespace for the container before invoking any plugins.',
    untestedBecause: bindsHarness('every attachment gets a namespace of its own before its first call (CniEnv.attachment)'),
  },
  {
    id: 'cni.lifecycle.runtime-no-parallel-same-container',
    section: LIFECYCLE,
    level: 'MUST NOT',
    text: 'The container runtime must not invoke parallel operations for the same container, but is allowed to invoke parallel operations for different containers.',
    untestedBecause: bindsHarness(`operations on one attachment are queued (${NETWORK_TEST} "never runs two operations on one attachment at once")`),
  },
  {
    id: 'cni.lifecycle.runtime-gc-exclusive',
    section: LIFECYCLE,
    level: 'MUST',
    text: 'The runtime must exclusively execute either _gc_ or _add_ and _delete_.',
    untestedBecause: bindsHarness('GC takes an exclusive lock that ADD, DEL and CHECK share (CniRuntime)'),
  },
  {
    id: 'cni.lifecycle.runtime-gc-waits',
    section: LIFECYCLE,
    level: 'MUST',
    text: 'The runtime must ensure that no _add_ or _delete_ operations are in progress before executing _gc_, and must wait for _gc_ to complete before issuing new _add_ or _delete_ commands.',
    untestedBecause: bindsHarness('GC takes an exclusive lock that ADD, DEL and CHECK share (CniRuntime); GC tests are also serial'),
  },
  {
    id: 'cni.lifecycle.concurrent-containers',
    section: LIFECYCLE,
    level: 'MUST',
    text: 'Plugins must handle being executed concurrently across different containers.',
    tests: ['cni.add.concurrent-distinct-addresses'],
  },
  {
    id: 'cni.lifecycle.locking',
    section: LIFECYCLE,
    level: 'MUST',
    text: 'If necessary, they must implement locking on shared resources (e.g. IPAM databases).',
    tests: ['cni.add.concurrent-distinct-addresses'],
  },
  {
    id: 'cni.lifecycle.runtime-add-then-delete',
    section: LIFECYCLE,
    level: 'MUST',
    text: 'The container runtime must ensure that _add_ is eventually followed by a corresponding _delete_.',
    untestedBecause: bindsHarness('every ADD registers its DEL in the test ledger before it runs (CniEnv.add)'),
  },
  {
    id: 'cni.lifecycle.runtime-delete-after-failed-add',
    section: LIFECYCLE,
    level: 'MUST',
    text: 'A _delete_ must still be executed even if the _add_ fails.',
    untestedBecause: bindsHarness('the DEL is in the ledger before the ADD runs, and ADDs expected to fail get a safety DEL'),
  },
  {
    id: 'cni.lifecycle.config-stable-add-delete',
    section: LIFECYCLE,
    level: 'SHOULD NOT',
    text: 'The network configuration should not change between _add_ and _delete_.',
    untestedBecause: bindsHarness('one run uses one network configuration, and a per-version test DELs at the version it ADDed with'),
  },
  {
    id: 'cni.lifecycle.config-stable-attachments',
    section: LIFECYCLE,
    level: 'SHOULD NOT',
    text: 'The network configuration should not change between _attachments_.',
    untestedBecause: bindsHarness('one run uses one network configuration; per-version tests vary only cniVersion, within what version negotiation allows'),
  },
  {
    id: 'cni.attachment.container-id',
    section: '3 Attachment Parameters',
    level: 'MUST',
    text: 'Container ID: A unique plaintext identifier for a container, allocated by the runtime. Must not be empty. Must start with an alphanumeric character, optionally followed by any combination of one or more alphanumeric characters, underscore (), dot (.) or hyphen (-).',
    untestedBecause: bindsHarness('container IDs come from the test context, unique per test and attempt, within the pattern'),
  },
  {
    id: 'cni.attachment.cni-path',
    section: '3 Attachment Parameters',
    level: 'MUST',
    text: 'Furthermore, the runtime must be provided a list of paths to search for CNI plugins. This must also be provided to plugins during execution via the `CNI_PATH` environment variable.',
    untestedBecause: bindsHarness('--cni-path (or the reference\'s own directory) is set as CNI_PATH on every call'),
  },
  {
    id: 'cni.add.runtime-stores-result',
    section: '3 Adding an attachment',
    level: 'MUST',
    text: 'The runtime must store the result returned by the final plugin persistently, as it is required for _check_ and _delete_ operations.',
    untestedBecause: bindsHarness(`the final ADD result is cached on disk per attachment (${NETWORK_TEST})`),
  },
  {
    id: 'cni.check.runtime-same-attachment',
    section: '3 Checking an attachment',
    level: 'MUST',
    text: 'The runtime must use the same attachment parameters as it did for the _add_ operation.',
    untestedBecause: bindsHarness('CHECK is called with the attachment ADD was given'),
  },
  {
    id: 'cni.derive.transform',
    section: DERIVING,
    level: 'MUST',
    text: 'The network configuration format (which is a list of plugin configurations to execute) must be transformed to a format understood by the plugin (which is a single plugin configuration).',
    untestedBecause: bindsHarness(`derivePluginRequest (${NETWORK_TEST} "inserting name/cniVersion and only declared runtimeConfig")`),
  },
  {
    id: 'cni.derive.runtime-config',
    section: DERIVING,
    level: 'MUST',
    text: '`runtimeConfig`: the runtime must insert an object consisting of the union of capabilities provided by the plugin and requested by the runtime (more details below).',
    untestedBecause: bindsHarness(`only capabilities the plugin declares and the run provides are inserted (${NETWORK_TEST})`),
  },
  {
    id: 'cni.derive.prev-result',
    section: DERIVING,
    level: 'MUST',
    text: '`prevResult`: the runtime must insert consisting of the result type returned by the "previous" plugin.',
    untestedBecause: bindsHarness(`ADD chains each plugin's result to the next; DEL and CHECK send the cached final result (${NETWORK_TEST})`),
  },
  {
    id: 'cni.derive.no-prev-result-first-add',
    section: DERIVING,
    level: 'MUST NOT',
    text: 'This field must not be set for the first _add_ in a chain.',
    untestedBecause: bindsHarness(`the first ADD of a chain gets no prevResult (${NETWORK_TEST})`),
  },
  {
    id: 'cni.derive.no-capabilities',
    section: DERIVING,
    level: 'MUST NOT',
    text: '`capabilities`: must not be set',
    untestedBecause: bindsHarness(`derivePluginRequest removes the capabilities key (${NETWORK_TEST})`),
  },
  {
    id: 'cni.derive.pass-through',
    section: DERIVING,
    level: 'SHOULD',
    text: 'All other fields not prefixed with `cni.dev/` should be passed through unaltered.',
    untestedBecause: bindsHarness('derivePluginRequest copies every other field (test/interfaces/cni/runtime/config.test.ts)'),
  },
  {
    id: 'cni.derive.runtime-config-capabilities',
    section: '3 Deriving runtimeConfig',
    level: 'SHOULD',
    text: 'Specifically, any capability supported by the plugin configuration and provided by the runtime should be inserted in the `runtimeConfig`.',
    untestedBecause: bindsHarness(`runtimeConfig holds exactly the declared and provided capabilities (${NETWORK_TEST})`),
  },
];

