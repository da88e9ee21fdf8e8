// Fault-injected variants of the reference plugin. A variant is chosen by a file beside the
// plugins' links in CNI_PATH (the harness writes it for `--reference-fault`), so the IPAM plugin and
// commands without a config (VERSION) see it too. Each fault names the suite test expected to catch it.

export interface FaultInfo {
  readonly description: string;
  /** Id of the suite test that must fail on this variant. */
  readonly caughtBy: string;
  /** The fault lives in the chained plugin: run the reference as a chain (--reference-chain). */
  readonly chain?: boolean;
}

export const FAULTS = {
  'wrong-result-version': { description: 'ADD answers with a 1.1.0 result whatever version was asked', caughtBy: 'cni.result.version-0-4-0' },
  'del-not-idempotent': { description: 'a second DEL for the same attachment fails', caughtBy: 'cni.del.repeated' },
  'error-on-stderr': { description: 'error JSON goes to stderr, stdout stays empty', caughtBy: 'cni.env.missing-required' },
  'ipam-no-lock': { description: 'IPAM reads and writes its store without the lock (and slowly)', caughtBy: 'cni.add.concurrent-distinct-addresses' },
  'check-prints-result': { description: 'CHECK prints the result on stdout', caughtBy: 'cni.check.after-add' },
  'gc-reclaims-listed': { description: 'GC frees the addresses of attachments it was told are valid', caughtBy: 'cni.gc.reclaims-unlisted' },
  'add-existing-succeeds': { description: 'ADD silently replaces an interface that already exists', caughtBy: 'cni.add.existing-interface-fails' },
  'check-ignores-interface': { description: 'CHECK never looks at the interface it created', caughtBy: 'cni.check.detects-removed-interface' },
  'version-no-supported': { description: 'VERSION omits supportedVersions', caughtBy: 'cni.version.reports-supported' },
  'del-keeps-address': { description: 'DEL does not release the IPAM allocation', caughtBy: 'cni.del.frees-address' },
  'env-wrong-code': { description: 'missing environment variables are reported with code 7 instead of 4', caughtBy: 'cni.env.missing-required' },
  'drops-prev-result': { description: 'ADD ignores the prevResult it was given', caughtBy: 'cni.add.prev-result-kept' },
  'status-unavailable': { description: 'STATUS reports code 50 although ADD would work', caughtBy: 'cni.status.ready' },
  'gc-ignores-old-key': { description: 'GC reads only cni.dev/valid-attachments and reclaims everything when given cni.dev/attachments', caughtBy: 'cni.gc.reclaims-unlisted-old-key' },
  'accepts-any-version': { description: 'ADD accepts a cniVersion it does not support', caughtBy: 'cni.config.unsupported-version' },
  'bad-interface-index': { description: 'ips[].interface points past the interfaces list', caughtBy: 'cni.add.result-valid' },
  'chain-drops-prev-result': { description: 'the chained plugin answers with only its own additions, dropping prevResult', caughtBy: 'cni.chain.prev-result-passed', chain: true },
  'chain-drops-routes': { description: 'the chained plugin passes prevResult on without its routes', caughtBy: 'cni.chain.prev-result-passed', chain: true },
  'unsupported-field-vague': { description: 'an unsupported field is reported with code 7 and without its key and value', caughtBy: 'cni.config.unsupported-field' },
  'add-prints-non-json': { description: 'ADD exits 0 but prints a line of text instead of the result JSON', caughtBy: 'cni.add.result-valid' },
  'error-code-as-string': { description: 'error objects carry the code as a string ("4") instead of an integer', caughtBy: 'cni.env.missing-required' },
  'routes-not-installed': { description: 'routes are reported in the result but not installed in the namespace', caughtBy: 'cni.add.result-valid' },
  'ignores-ifname': { description: 'ADD creates and reports the container interface under a name of its own (net0), not CNI_IFNAME', caughtBy: 'cni.add.result-names-attachment' },
  'sandbox-not-reported': { description: 'the result lists the container interface without its sandbox (CNI_NETNS)', caughtBy: 'cni.add.result-names-attachment' },
  'check-skips-addresses': { description: 'CHECK verifies the interface exists but not the addresses prevResult lists for it', caughtBy: 'cni.check.reads-prev-result' },
  'del-keeps-interface': { description: 'DEL releases the address but leaves the container interface in the namespace', caughtBy: 'cni.del.removes-interface' },
  'check-needs-cni-path': { description: 'CHECK looks for the IPAM delegate only in CNI_PATH and fails without it', caughtBy: 'cni.env.cni-path-optional-check' },
  'status-needs-cni-path': { description: 'STATUS looks for the IPAM delegate only in CNI_PATH and fails without it', caughtBy: 'cni.env.cni-path-optional-status' },
  'check-skips-ipam': { description: 'CHECK never asks the IPAM delegate, so a lost address allocation goes unnoticed', caughtBy: 'cni.check.asks-ipam-delegate' },
} as const satisfies Record<string, FaultInfo>;

export type FaultName = keyof typeof FAULTS;

export function isFaultName(value: unknown): value is FaultName {
  return typeof value === 'string' && Object.hasOwn(FAULTS, value);
}
