// SPEC.md Section 5: result types — ADD success, the IPAM abbreviation, VERSION and errors.
import type { SpecRule } from '../../../src/core/rules.js';
import { SPEC_VERSIONS } from '../../../src/interfaces/cni/versions.js';

const ADD_SUCCESS = '5 ADD Success';
const ERROR = '5 Error';
const perVersionTests = SPEC_VERSIONS.map((v) => `cni.result.version-${v.replaceAll('.', '-')}`);

export const resultRules: readonly SpecRule[] = [
  {
    id: 'cni.result.output',
    section: '5 Result Types',
    level: 'MUST',
    text: 'For certain operations, plugins must output result information.',
    tests: ['cni.add.result-valid', 'cni.version.reports-supported'],
  },
  {
    id: 'cni.result.json-on-stdout',
    section: '5 Result Types',
    level: 'SHOULD',
    text: 'The output should be serialized as JSON on standard out.',
    tests: ['cni.add.result-valid', 'cni.version.reports-supported'],
  },
  {
    id: 'cni.result.add-keys',
    section: ADD_SUCCESS,
    level: 'MUST',
    text: 'Plugins must output a JSON object with the following keys upon a successful `ADD` operation:',
    tests: ['cni.add.result-valid', ...perVersionTests],
  },
  {
    id: 'cni.result.same-version',
    section: ADD_SUCCESS,
    level: 'MUST',
    text: '`cniVersion`: The same version supplied on input - the string "1.1.0"',
    tests: perVersionTests,
  },
  {
    id: 'cni.result.interface-sandbox',
    section: ADD_SUCCESS,
    level: 'SHOULD',
    text: 'For interfaces created inside the container, this should be the value passed via `CNI_NETNS`.',
    tests: ['cni.add.result-names-attachment', 'cni.add.result-valid'],
  },
  {
    id: 'cni.result.ip-interface-index',
    section: ADD_SUCCESS,
    level: 'SHOULD',
    text: '`interface` (uint): the index into the `interfaces` list for a CNI Plugin Result indicating which interface this IP configuration should be applied to.',
    tests: ['cni.add.result-valid'],
  },
  {
    id: 'cni.result.prev-result-output',
    section: ADD_SUCCESS,
    level: 'MUST',
    text: 'Plugins provided a `prevResult` key as part of their request configuration must output it as their result, with any possible modifications made by that plugin included.',
    tests: ['cni.add.prev-result-kept', 'cni.chain.prev-result-passed'],
  },
  {
    id: 'cni.result.prev-result-equivalent',
    section: ADD_SUCCESS,
    level: 'MUST',
    text: 'If a plugin makes no changes that would be reflected in the _Success result_ type, then it must output a result equivalent to the provided `prevResult`.',
    tests: ['cni.chain.prev-result-passed'],
  },
  {
    id: 'cni.result.ipam-abbreviated',
    section: '5 Delegated plugins (IPAM)',
    level: 'MUST',
    text: 'Delegated IPAM plugins must return an abbreviated _Success_ object. Specifically, it is missing the `interfaces` array, as well as the `interface` entry in `ips`.',
    untestedBecause: 'a delegate answers the plugin that runs it, not the runtime; run as the only plugin of a network (host-local alone), an IPAM plugin is not a delegate',
  },
  {
    id: 'cni.result.version-keys',
    section: '5 VERSION Success / Version',
    level: 'MUST',
    text: 'Plugins must output a JSON object with the following keys upon a `VERSION` operation: `cniVersion`: The value of `cniVersion` specified on input; `supportedVersions`: A list of supported specification versions',
    tests: ['cni.version.reports-supported'],
  },
  {
    id: 'cni.error.object',
    section: ERROR,
    level: 'SHOULD',
    text: 'Plugins should output a JSON object with the following keys if they encounter an error:',
    tests: ['cni.env.missing-required', 'cni.config.not-json', 'cni.config.unsupported-version'],
  },
  {
    id: 'cni.error.code-2-names-field',
    section: ERROR,
    level: 'MUST',
    text: '`2`|Unsupported field in network configuration. The error message must contain the key and value of the unsupported field.',
    tests: ['cni.config.unsupported-field'],
  },
  {
    id: 'cni.error.code-4-names-variables',
    section: ERROR,
    level: 'MUST',
    text: '`4`|Invalid necessary environment variables, like CNI_COMMAND, CNI_CONTAINERID, etc. The error message must contain the names of invalid variables.',
    tests: ['cni.env.missing-required'],
  },
  {
    id: 'cni.error.code-11-retry',
    section: ERROR,
    level: 'SHOULD',
    text: '`11`|Try again later. If the plugin detects some transient condition that should clear up, it can use this code to notify the runtime it should re-try the operation later.',
    untestedBecause: 'binds the runtime, which is conformal itself: it does not re-try an operation answered with code 11; the test fails naming the code, and --retries re-runs whole tests',
  },
];
